"""The classification tasks of the matching benchmark, each as a matcher built from training data
and labelled queries. `split="test"` gives the evaluation setup; `split="train"` carves a
calibration setup out of the training data only (for fitting score weights)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from benchmarks.chinese_catalog import Generated, generate
from benchmarks.matching_data import mwpd, pyjedai_tables, tariff_lines
from matchers import Matcher, Snapshot
from matchers.record import Record
from matchers.snapshot import Kind
from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle


@dataclass
class Task:
    name: str
    matcher: Matcher
    scheme: str
    queries: Sequence[tuple[Record, str]]  # record, right code
    kind: Kind | None = None
    level: int | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # (text, code) for the rapidfuzz baseline
    fits: Callable[[int, str | None], bool] | None = None  # whether a code fits query i as well as its truth


def _gpc_code(label: str) -> str:
    return label.split("_", 1)[0]


def _gpc_bundle(rows: list[dict]) -> SchemeBundle:
    """The seed's GPC (June 2020) plus the few classes the offers are labelled with that it lacks
    (other GPC publications), named by the offers' labels."""
    from seed_data.gpc import load_gpc

    bundle = load_gpc()
    have = {c.code for c in bundle.classes}
    extra = {}
    for row in rows:
        parent = None
        for level, key in enumerate(("lvl1", "lvl2", "lvl3"), start=1):
            code, _, name = row[key].partition("_")
            if code not in have and code not in extra:
                extra[code] = ConceptClass(code=code, parent=parent, level=level, labels=Labels(en=name))
            parent = code
    return bundle.model_copy(update={"classes": [*bundle.classes, *extra.values()]})


def mwpd_record(row: dict) -> dict[str, str]:
    return {"name": row["Name"], "category": row["CategoryText"], "description": row["Description"]}


def mwpd_task(split: str, limit: int | None = None) -> Task:
    train = mwpd("train")
    if split == "train":
        examples, queries = [r for i, r in enumerate(train) if i % 5], [r for i, r in enumerate(train) if not i % 5]
    else:
        examples, queries = train, mwpd("validation")
    bundle = _gpc_bundle(train + queries)
    by_class: dict[tuple[str, str], list[Record]] = {}
    for row in examples:
        by_class.setdefault(("GPC", _gpc_code(row["lvl3"])), []).append(mwpd_record(row))
    matcher = Matcher(Snapshot.from_bundles([bundle], by_class))
    labelled = [(mwpd_record(r), _gpc_code(r["lvl3"])) for r in queries[:limit]]
    choices = [(c.labels.any(), c.code) for c in bundle.classes] + [(r["Name"], _gpc_code(r["lvl3"])) for r in examples]
    return Task("MWPD GPC", matcher, "GPC", labelled, level=3, choices=choices)


TARIFF = Scheme(
    code="TWHS", name=Labels(en="Taiwan tariff, headings"), version="GC413", source="note_10_C.txt", licence="MIT"
)


def tariff_task(split: str, limit: int | None = None) -> Task:
    """Half of each heading's lines (every other line by code) are examples of the heading, the
    other half are queries. The calibration setup splits the example half again."""
    by_heading = tariff_lines()
    chapters = sorted({h[:2] for h in by_heading})
    classes = [ConceptClass(code=c, level=1, labels=Labels()) for c in chapters] + [
        ConceptClass(code=h, parent=h[:2], level=2, labels=Labels()) for h in sorted(by_heading)
    ]
    examples: dict[tuple[str, str], list[Record]] = {}
    queries: list[tuple[Record, str]] = []
    for heading, lines in by_heading.items():
        kept = lines[0::2] if split == "test" else lines[0::4]
        asked = lines[1::2] if split == "test" else lines[2::4]
        examples[("TWHS", heading)] = [name for _, name in kept]
        queries += [(name, heading) for _, name in asked]
    matcher = Matcher(Snapshot.from_bundles([SchemeBundle(scheme=TARIFF, classes=classes)], examples))
    choices = [(text, code) for (_, code), texts in examples.items() for text in texts if isinstance(text, str)]
    return Task("Taiwan tariff", matcher, "TWHS", queries[:limit], level=2, choices=choices)


def cpms_catalog(split: str, limit: int | None = None) -> tuple[SchemeBundle, list[Generated]]:
    from seed_data.cpms_standard import load_cpms

    bundle = load_cpms()
    items = bundle.items[1::2] if split == "test" else bundle.items[0::4]
    records = generate(bundle, seed=2 if split == "test" else 1, items=items, per_class=3)
    return bundle, records[:limit] if limit else records


def cpms_tasks(split: str, limit: int | None = None) -> tuple[Task, Task]:
    """Generated noisy records to CPMS classes, and the item-based ones to standard items."""
    bundle, records = cpms_catalog(split, limit)
    matcher = Matcher.from_bundles([bundle])
    class_choices = [(t, c.code) for c in bundle.classes for t in [*c.labels.texts(), *(s.text for s in c.synonyms)]]
    item_choices = [(t, i.code) for i in bundle.items for t in i.labels.texts()]
    classes = Task("CPMS classes", matcher, "CPMS", [(g.record, g.class_code) for g in records], choices=class_choices)
    from_items = [g for g in records if g.item_code]
    values = {
        i.code: {v.property: v.value if v.value is not None else v.number for v in i.values} for i in bundle.items
    }

    def fits(query: int, code: str | None) -> bool:
        """Items differing only in what the record does not say (DIN 933 or GB/T 5783, when it
        names no standard) fit it equally well."""
        stated = from_items[query].values
        return code in values and all(values[code].get(k) == v for k, v in stated.items())

    item_queries = [(g.record, g.item_code) for g in from_items if g.item_code]
    items = Task("CPMS items", matcher, "CPMS", item_queries, "item", choices=item_choices, fits=fits)
    return classes, items


CATALOGS = {
    "abt-buy": ("abt.csv", "buy.csv", "|"),
    "amazon-google": ("amazon.csv", "gp.csv", "#"),
}


def catalog_task(dataset: str, split: str | None = None, limit: int | None = None) -> Task:
    """Record to record: each left record that has a true match, against all right records.
    `split` "train" or "test" keeps the true pairs of even or odd left ids only (None: all)."""
    left_file, right_file, sep = CATALOGS[dataset]
    left, right, truth = pyjedai_tables(dataset, left_file, right_file, sep)
    matcher = Matcher.from_records(right, scheme="CATALOG")
    by_id = {row["id"]: row for row in left}
    parity = {"train": 0, "test": 1}.get(split or "")
    queries = [(by_id[a], b) for a, b in truth if a in by_id and (parity is None or int(a) % 2 == parity)]
    choices = [(row.get("name") or row.get("title") or "", row["id"]) for row in right]
    return Task(f"{dataset} full tables", matcher, "CATALOG", queries[:limit], "item", choices=choices)
