"""Matching quality and speed, each beside a naive baseline run in the same process.

    python -m benchmarks.bench_matching [--quick] [--only pairs catalog mwpd tariff cpms words noise speed]

Data: ../shared/data/benchmarks and ../shared/data/classification (see SOURCES.md there), and the
seed (`seed_data`) for the CPMS and speed sections; what is missing is named and skipped. The
baseline is rapidfuzz's `process.extractOne` over all labels (and examples) with
`token_set_ratio`, or for record pairs `token_set_ratio` with a threshold chosen on the valid
split. Everything tuned (pair model weights and threshold, the auto
threshold of each task) is tuned on train or valid data only and reported on test data;
`--quick` runs on samples and says so.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar, get_args

from rapidfuzz import fuzz, process, utils

from benchmarks import word_cases
from benchmarks.chinese_catalog import NOISE_LEVELS, with_noise
from benchmarks.matching_data import Missing, ditto_pairs
from benchmarks.matching_tasks import Task, catalog_task, cpms_catalog, cpms_tasks, mwpd_task, tariff_task
from benchmarks.metrics import calibration_error, f1, percentile, weighted_f1
from benchmarks.pair_model import best_threshold, read_splits, train
from benchmarks.stages import cpu_by_stage, forget_records
from common.heap import long_lived_build
from matchers import Decision, Matcher, MatchSettings, Snapshot, Thresholds
from matchers.calibration import MIN_EXAMPLES, Calibration
from matchers.decide import decide
from matchers.normalize import normalize
from matchers.pairs import Idf, pair_features
from matchers.record import Record
from matchers.rerank import PairReranker
from matchers.snapshot import Kind

MARGIN, REVIEW, AUTO_PRECISION = 10.0, 40.0, 0.95


def header(title: str) -> None:
    print(f"\n== {title}")


def line(metric: str, ours: object, baseline: object = "", target: object = "") -> None:
    def show(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    print(f"  {metric:44s} {show(ours):>12s} {show(baseline):>12s} {show(target):>8s}")


def columns() -> None:
    line("", "ours", "baseline", "target")


@dataclass
class Run:
    truth: str
    codes: list[str]
    scores: list[float]

    @property
    def top(self) -> str | None:
        return self.codes[0] if self.codes else None


def run_task(task: Task) -> tuple[list[Run], list[float]]:
    """Each query matched; with per-record latencies in seconds (records read afresh)."""
    forget_records()
    runs, latencies = [], []
    for record, code in task.queries:
        start = time.perf_counter()
        result = task.matcher.match(record, task.scheme, task.kind, limit=5, level=task.level)
        latencies.append(time.perf_counter() - start)
        runs.append(Run(code, [c.code for c in result.candidates], [c.score for c in result.candidates]))
    return runs, latencies


def baseline_top(task: Task) -> tuple[list[str | None], float]:
    """extractOne(token_set_ratio) over the task's labels and examples; with records per second."""
    texts = [utils.default_process(text) for text, _ in task.choices]
    codes = [code for _, code in task.choices]
    tops: list[str | None] = []
    start = time.perf_counter()
    for record, _ in task.queries:
        query = record if isinstance(record, str) else " ".join(str(v) for v in record.values())
        best = process.extractOne(utils.default_process(query), texts, scorer=fuzz.token_set_ratio, processor=None)
        tops.append(codes[best[2]] if best else None)
    return tops, len(task.queries) / (time.perf_counter() - start)


def auto_threshold(runs: Sequence[Run]) -> float:
    """The lowest auto threshold (with the margin) at which auto decisions are right at least
    `AUTO_PRECISION` of the time."""
    for threshold in range(40, 100):
        auto = [r for r in runs if decide(r.scores, _tuned(threshold)) is Decision.auto]
        if auto and sum(r.top == r.truth for r in auto) / len(auto) >= AUTO_PRECISION:
            return float(threshold)
    return 100.0


def _tuned(auto: float) -> Thresholds:
    return Thresholds(auto=auto, review=min(REVIEW, auto), margin=MARGIN)


def report_decisions(runs: Sequence[Run], thresholds: Thresholds) -> None:
    decisions = [decide(r.scores, thresholds) for r in runs]
    for kind in (Decision.auto, Decision.review, Decision.none):
        chosen = [r for r, d in zip(runs, decisions, strict=True) if d is kind]
        right = sum(r.top == r.truth for r in chosen) / len(chosen) if chosen else float("nan")
        line(f"{kind.value}: share of records / top-1 right", f"{len(chosen) / len(runs):.3f} / {right:.3f}")


def report_calibration_error(runs: Sequence[Run]) -> None:
    line(
        "calibration error of the best score (ECE)",
        calibration_error([r.scores[0] if r.scores else 0.0 for r in runs], [r.top == r.truth for r in runs]),
    )


def own_calibration(task: Task, training: Task, kind: str) -> Calibration:
    """The thresholds the matcher calibrates on the task's training data alone: on its own
    examples (cross-fitted) when it has enough, else on the training split's labelled records."""
    calibration = task.matcher.calibration(task.scheme, kind)  # type: ignore[arg-type]
    if calibration.examples >= MIN_EXAMPLES:
        return calibration
    return task.matcher.calibrate_thresholds(training.queries, task.scheme, kind)  # type: ignore[arg-type]


def report_own_calibration(runs: Sequence[Run], calibration: Calibration) -> None:
    t = calibration.thresholds
    auto = "never" if t.auto is None else f"from {t.auto:.1f} (margin {t.margin:.0f})"
    source = "examples, cross-fitted" if calibration.source == "examples" else "training records"
    print(
        f"  decisions calibrated by the matcher on {calibration.examples} {source}: auto {auto}, review from "
        f"{t.review:.1f}; estimated auto precision {_show(calibration.auto_precision)} "
        f"(lower bound {_show(calibration.auto_precision_lower)}), share {calibration.auto_share:.3f}"
    )
    report_decisions(runs, t)


def _show(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def bench_classification(
    name: str, make: Callable[[str, int | None], Task], limit: int | None, rollup: bool = False
) -> None:
    """With the default weights, and with weights calibrated on the task's calibration split
    (`Matcher.calibrate`); the auto threshold of each is tuned on the calibration split."""
    header(name)
    calibration, task = make("train", limit), make("test", limit)
    kind = calibration.matcher.snapshot.scheme(task.scheme).default_kind if task.kind is None else task.kind
    calibrated = calibration.matcher.calibrate(calibration.queries, task.scheme, kind, task.level)
    tops, baseline_speed = baseline_top(task)
    truth = [code for _, code in task.queries]
    baseline_accuracy = sum(t == g for t, g in zip(tops, truth, strict=True)) / len(truth)
    print(f"  {len(truth)} test queries, {len(calibration.queries)} calibration queries")
    for label, settings in (
        ("default weights", MatchSettings()),
        (
            "weights calibrated on the calibration split",
            MatchSettings(scheme_weights={task.scheme: {kind: calibrated}}),
        ),
    ):
        calibration.matcher.settings = task.matcher.settings = settings
        threshold = auto_threshold(run_task(calibration)[0])
        start = time.perf_counter()
        own = own_calibration(task, calibration, kind)
        own_seconds = time.perf_counter() - start
        runs, latencies = run_task(task)
        print(f"  -- {label}; auto threshold {threshold:.0f} (margin {MARGIN:.0f}) tuned on the calibration split")
        columns()
        line("top-1 accuracy", sum(r.top == r.truth for r in runs) / len(runs), baseline_accuracy)
        if task.fits:
            ours = sum(task.fits(i, r.top) for i, r in enumerate(runs)) / len(runs)
            line(
                "top-1 has every value the record states", ours, sum(map(task.fits, range(len(tops)), tops)) / len(tops)
            )
        if rollup:
            line("weighted F1 (class level)", weighted_f1([r.top for r in runs], truth), weighted_f1(tops, truth), 0.85)
        line("right code among the 5 best", sum(r.truth in r.codes for r in runs) / len(runs))
        line("records / s", f"{len(runs) / sum(latencies):.0f}", f"{baseline_speed:.0f}")
        print(f"  decisions with the auto threshold tuned on the calibration split ({threshold:.0f})")
        report_decisions(runs, _tuned(threshold))
        report_calibration_error(runs)
        report_own_calibration(runs, own)
        print(f"  (calibrating took {own_seconds:.1f} s)")
    bench_zero_shot(name, make, limit)


def bench_zero_shot(name: str, make: Callable[[str, int | None], Task], limit: int | None) -> None:
    """The task's scheme without any example: the labels and the wording are all there is, and
    with no example to calibrate on, nothing may be decided auto."""
    task = make("test", limit)
    views = dict(task.matcher.snapshot.schemes)
    if not any(view.examples(k) for view in views.values() for k in get_args(Kind)):
        return  # the task is zero-shot already
    if not any(c.labels for c in views[task.scheme].classes.values()):
        print("  -- zero-shot: the scheme has no labels; without examples there is nothing to match")
        return
    for code, view in views.items():
        views[code] = view.with_examples("class", {}).with_examples("item", {})
    task.matcher = Matcher(Snapshot(MappingProxyType(views)))
    runs, _ = run_task(task)
    print(f"  -- zero-shot: the same {len(runs)} test queries, the scheme without examples")
    columns()
    line("top-1 accuracy", sum(r.top == r.truth for r in runs) / len(runs))
    line("right code among the 5 best", sum(r.truth in r.codes for r in runs) / len(runs))
    kind = task.matcher.kind_of(task.scheme, task.kind)
    report_own_calibration(runs, task.matcher.calibration(task.scheme, kind))


def bench_pairs(dataset: str, target: float, limit: int | None) -> None:
    header(f"{dataset}: record pairs (DeepMatcher split), F1 of the match class on test")
    split, records = read_splits({s: ditto_pairs(dataset, s)[:limit] for s in ("train", "valid", "test")})
    idf = Idf(records)  # over both tables (the records of all splits, without labels), as a catalog would
    rows = {s: [pair_features(a, b, idf) for a, b, _ in pairs] for s, pairs in split.items()}
    labels = {s: [y for *_, y in pairs] for s, pairs in split.items()}
    model = train(rows["train"], labels["train"], rows["valid"], labels["valid"])
    ours = f1([int(model.probability(r) >= model.threshold) for r in rows["test"]], labels["test"])
    naive = {
        s: [fuzz.token_set_ratio(a.profile.text, b.profile.text) for a, b, _ in pairs] for s, pairs in split.items()
    }
    cut = best_threshold(naive["valid"], labels["valid"])
    theirs = f1([int(x >= cut) for x in naive["test"]], labels["test"])
    print(f"  {len(rows['test'])} test pairs ({sum(labels['test'])} matches); fitted on train, threshold on valid")
    columns()
    line("F1", ours[0], theirs[0], target)
    line("precision", ours[1], theirs[1])
    line("recall", ours[2], theirs[2])


def bench_catalog(limit: int | None) -> None:
    header("Abt-Buy full tables: each Abt record against all 1,076 Buy records, top-1")
    held_out = catalog_task("abt-buy", "test", limit)
    for task, note in (
        (held_out, "odd Abt ids (even ids calibrated the default weights)"),
        (catalog_task("abt-buy", None, limit), "all Abt ids"),
    ):
        runs, latencies = run_task(task)
        tops, baseline_speed = baseline_top(task)
        print(f"  {note}: {len(runs)} records")
        columns()
        line(
            "top-1 accuracy",
            sum(r.top == r.truth for r in runs) / len(runs),
            sum(t == r.truth for t, r in zip(tops, runs, strict=True)) / len(runs),
            0.92,
        )
        line("right record among the 5 best", sum(r.truth in r.codes for r in runs) / len(runs))
        line("records / s", f"{len(runs) / sum(latencies):.0f}", f"{baseline_speed:.0f}")
    training = catalog_task("abt-buy", "train", limit)
    runs, _ = run_task(held_out)
    print(f"  odd Abt ids: {len(runs)} records")
    report_own_calibration(runs, held_out.matcher.calibrate_thresholds(training.queries, "CATALOG", "item"))
    bench_reranked(training, held_out)


def bench_reranked(train: Task, test: Task) -> None:
    """The matcher's 10 best reordered by a pair model fitted on the even Abt ids' true matches."""
    start = time.perf_counter()
    reranker = PairReranker.fit(train.matcher, train.queries)
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    tops = [reranker.match(record).candidates[0].code for record, _ in test.queries]
    speed = len(tops) / (time.perf_counter() - start)
    print(f"  odd Abt ids, reordered by a pair model fitted on the even ids' matches ({fitted:.0f} s to fit)")
    columns()
    right = sum(t == code for t, (_, code) in zip(tops, test.queries, strict=True))
    line("top-1 accuracy", right / len(tops), "", 0.92)
    line("records / s", f"{speed:.0f}")


def bench_cpms(limit: int | None) -> None:
    bench_classification("CPMS generated catalog -> CPMS classes", lambda split, n: cpms_tasks(split, n)[0], limit)
    bench_classification(
        "CPMS generated catalog -> CPMS standard items", lambda split, n: cpms_tasks(split, n)[1], limit
    )
    bench_fields(limit)


def bench_fields(limit: int | None) -> None:
    """Values mapped onto the winning class's template, field by field, for the records made
    from standard items (the truth is the item's value)."""
    header("CPMS generated catalog: attribute values on the winning class's template, field by field")
    bundle, records = cpms_catalog("test", limit)
    matcher = Matcher.from_bundles([bundle], MatchSettings(thresholds=Thresholds(auto=100, review=0, margin=0)))
    right: dict[str, int] = {}
    stated: dict[str, int] = {}
    for g in records:
        if not g.item_code:
            continue
        values = {v.property: v for v in matcher.match(g.record, "CPMS").values}
        for prop, truth in g.values.items():
            stated[prop] = stated.get(prop, 0) + 1
            got = values.get(prop)
            ok = got is not None and (got.value == truth if isinstance(truth, str) else got.number == truth)
            right[prop] = right.get(prop, 0) + ok
    print("  share of the values a record states that come out right (value code, or number in the property's unit)")
    for prop in sorted(stated):
        line(f"{prop} ({stated[prop]} records)", right[prop] / stated[prop])


def bench_words() -> None:
    """The head-noun, negation and opposite test set, and records that name no product."""
    from seed_data.cpms_standard import load_cpms

    header("Head nouns, negation and opposites (benchmarks/head_negation.toml), CPMS and PAIRS classes")
    pairs, cases = word_cases.load()
    bundles = [load_cpms(), pairs]
    # the default thresholds, fixed: these schemes have no examples, so calibrated they decide no auto
    matcher = Matcher.from_bundles(bundles, MatchSettings(thresholds=Thresholds()))
    choices = {
        b.scheme.code: [(t, c.code) for c in b.classes for t in [*c.labels.texts(), *(s.text for s in c.synonyms)]]
        for b in bundles
    }
    products = [c for c in cases if c.truth != word_cases.NONE]
    junk = [c for c in cases if c.truth == word_cases.NONE]
    results = {c: matcher.match(c.record, c.scheme) for c in cases}
    tops = {c: r.candidates[0].code if r.candidates else None for c, r in results.items()}
    baseline = 0
    for c in products:
        texts = [utils.default_process(t) for t, _ in choices[c.scheme]]
        best = process.extractOne(utils.default_process(c.record), texts, scorer=fuzz.token_set_ratio, processor=None)
        baseline += best is not None and choices[c.scheme][best[2]][1] == c.truth
    auto = [c for c in products if results[c].decision is Decision.auto]
    print(f"  {len(products)} records naming a product, {len(junk)} naming none")
    columns()
    line("top-1 accuracy", sum(tops[c] == c.truth for c in products) / len(products), baseline / len(products), 0.95)
    line("auto: share / right", f"{len(auto) / len(products):.3f} / {_share(auto, lambda c: tops[c] == c.truth)}")
    line("records naming no product decided auto", sum(results[c].decision is Decision.auto for c in junk), "", 0)
    line("records naming no product decided none", sum(results[c].decision is Decision.none for c in junk) / len(junk))
    line("records naming no product with candidates", sum(bool(results[c].candidates) for c in junk) / len(junk))
    for c in products:
        if tops[c] != c.truth:
            print(f"  wrong: {c.record} -> {tops[c]} ({results[c].decision.value}), right {c.truth}")


T = TypeVar("T")


def _share(chosen: Sequence[T], right: Callable[[T], bool]) -> str:
    return f"{sum(map(right, chosen)) / len(chosen):.3f}" if chosen else "-"


def bench_noise(limit: int | None) -> None:
    """The generated CPMS catalog with extra words per record (feature, trade and packaging words,
    brands, pack sizes, extra sizes from the benchmark's own lexicons), to CPMS classes."""
    from seed_data.cpms_standard import load_cpms

    header("CPMS generated catalog with extra words -> CPMS classes (default thresholds)")
    bundle, records = cpms_catalog("test", limit)
    matcher = Matcher.from_bundles([bundle], MatchSettings(thresholds=Thresholds()))  # fixed, as bench_words
    names = _class_names(load_cpms())
    print(f"  {len(records)} records; unnamed auto: auto on a class whose names (and its broader ones') the text lacks")
    line("", "top-1", "auto share", "auto right")
    for level, (lowest, highest) in NOISE_LEVELS.items():
        noisy = with_noise(records, lowest, highest, seed=11)
        forget_records()
        right = auto = auto_right = unnamed = 0
        for g in noisy:
            result = matcher.match(g.record, "CPMS")
            top = result.candidates[0].code if result.candidates else None
            right += top == g.class_code
            if result.decision is Decision.auto:
                auto += 1
                auto_right += top == g.class_code
                unnamed += not any(n in result.text for n in names.get(top or "", ()))
        print(
            f"  {level:44s} {right / len(noisy):12.3f} {auto / len(noisy):12.3f} "
            f"{(auto_right / auto if auto else float('nan')):8.3f}   unnamed auto {unnamed}"
        )


def _class_names(bundle: object) -> dict[str, set[str]]:
    """Per class, the normalized names of it and its broader classes."""
    classes = {c.code: c for c in bundle.classes}  # type: ignore[attr-defined]
    own = {
        code: {normalize(t) for t in [*c.labels.texts(), *(s.text for s in c.synonyms)]} for code, c in classes.items()
    }
    names: dict[str, set[str]] = {}
    for code, c in classes.items():
        names[code] = set(own[code])
        parent = c.parent
        while parent in classes:
            names[code] |= own[parent]
            parent = classes[parent].parent
    return names


FIRST_RECORDS = 200


def bench_speed(quick: bool) -> None:
    header("Speed against the whole seed (UNSPSC, GPC, HS, CPMS with its items), one process")
    from seed_data.catalog import load_all

    bundles = load_all()
    _, records = cpms_catalog("test", 500 if quick else 2000)
    texts = [g.record for g in records]
    gc.collect()
    rss_before = _rss_mb()
    start = time.perf_counter()
    with long_lived_build():  # as the service and the bulk workers build theirs
        matcher = Matcher.from_bundles(bundles)
    build = time.perf_counter() - start
    first = texts[:FIRST_RECORDS]
    start = time.perf_counter()
    for record in first:  # before anything else collects: what the first requests after a build see
        matcher.match(record, "UNSPSC", "class")
    first_rate = len(first) / (time.perf_counter() - start)
    gc.collect()
    concepts = sum(len(b.classes) + len(b.items) for b in bundles)
    print(f"  {concepts} concepts; index build {build:.1f} s (target < 10 s)")
    print(f"  the first {len(first)} records after the build: {first_rate:.0f} records / s (UNSPSC classes)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  resident memory {rss_before:.0f} MB with the seed loaded, {_rss_mb():.0f} MB with the matcher built "
        f"(target < 1 GB); peak of the process so far {peak:.0f} MB"
    )
    print(f"  {len(texts)} generated Chinese hardware records; baseline: extractOne over the scheme's labels")
    print(f"  per record: Matcher.match, record by record (the reference); batch: match_many; {_load()}")
    line("records / s (target 5,000)", "per record", "batch", "baseline")
    runs: tuple[tuple[str, Kind], ...] = (
        ("CPMS", "class"), ("CPMS", "item"), ("UNSPSC", "class"), ("HS", "class"), ("GPC", "class"),
    )  # fmt: skip
    for scheme, kind in runs:
        view = matcher.snapshot.scheme(scheme).concepts(kind)
        labels = [utils.default_process(t) for c in view.values() for t in c.texts]
        sample = texts[: 100 if len(labels) > 5000 else 500]
        t0 = time.perf_counter()
        for record in sample:
            query = record if isinstance(record, str) else " ".join(record.values())
            process.extractOne(utils.default_process(query), labels, scorer=fuzz.token_set_ratio, processor=None)
        baseline = len(sample) / (time.perf_counter() - t0)
        name = f"{scheme} {'classes' if kind == 'class' else 'items'} ({len(view)})"
        one, many = (
            partial(matcher.match, scheme=scheme, kind=kind),
            partial(matcher.match_many, scheme=scheme, kind=kind),
        )
        speed_line(name, texts, one, many, baseline, stages=(scheme, kind) == ("CPMS", "class"))
    bench_speed_mwpd(500 if quick else 2000)


def speed_line(
    name: str,
    records: Sequence[Record],
    one: Callable[[Record], object],
    many: Callable[[Sequence[Record]], Iterable[object]],
    baseline: float,
    stages: bool = False,
) -> None:
    """Records per second of the per-record and the batch path (each reading the records afresh,
    as a catalog of new records would), with the per-record latencies, beside the baseline's; with
    `stages`, each path's CPU time a record by stage."""
    forget_records()
    latencies = []
    for record in records:
        t0 = time.perf_counter()
        one(record)
        latencies.append(time.perf_counter() - t0)
    forget_records()
    t0 = time.perf_counter()
    for _ in many(records):
        pass
    batch = len(records) / (time.perf_counter() - t0)
    line(name, f"{len(records) / sum(latencies):.0f}", f"{batch:.0f}", f"{baseline:.0f}")
    line("  latency p50 / p99 ms", f"{percentile(latencies, 0.5) * 1e3:.2f} / {percentile(latencies, 0.99) * 1e3:.2f}")
    if stages:
        for path, run in (("per record", lambda: [one(r) for r in records]), ("batch", lambda: list(many(records)))):
            _, _, table = cpu_by_stage(run, len(records))
            print(f"  CPU a record by stage, {path} ({_load()}):\n{table}")


def bench_speed_mwpd(limit: int) -> None:
    """MWPD offers against GPC classes with the train split as examples (the example classifier at work)."""
    try:
        task = mwpd_task("test", limit)
    except Missing as missing:
        print(f"  MWPD: MISSING, skipped: {missing}")
        return
    _, baseline = baseline_top(task)
    records = [record for record, _ in task.queries]
    task.matcher.calibrate_all()  # as a service does before it answers: the first match would cross-fit
    print(f"  MWPD offers -> GPC classes at level 3, train offers as examples; {_load()}")
    speed_line(
        f"MWPD ({len(records)} offers)",
        records,
        partial(task.matcher.match, scheme=task.scheme, level=task.level),
        partial(task.matcher.match_many, scheme=task.scheme, level=task.level),
        baseline,
        stages=True,
    )


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


def _rss_mb() -> float:
    """The process's resident memory now (Linux), else its peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for row in status.read_text().splitlines():
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SECTIONS = ("pairs", "catalog", "mwpd", "tariff", "cpms", "words", "noise", "speed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="samples of each data set, for a quick look")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    args = parser.parse_args()
    limit = 300 if args.quick else None
    if args.quick:
        print("QUICK RUN: samples of 300 queries (pairs: 300 per split); figures are rough")
    runs: dict[str, list[Callable[[], None]]] = {
        "pairs": [lambda: bench_pairs("abt-buy", 0.90, limit), lambda: bench_pairs("amazon-google", 0.70, limit)],
        "catalog": [lambda: bench_catalog(limit)],
        "mwpd": [
            lambda: bench_classification(
                "MWPD 2020 offers -> GS1 GPC classes (train as examples)", mwpd_task, limit, rollup=True
            )
        ],
        "tariff": [
            lambda: bench_classification(
                "Taiwan tariff lines -> headings (half the lines as examples)", tariff_task, limit
            )
        ],
        "cpms": [lambda: bench_cpms(limit)],
        "words": [bench_words],
        "noise": [lambda: bench_noise(limit)],
        "speed": [lambda: bench_speed(args.quick)],
    }
    for name in args.only:
        for run in runs[name]:
            try:
                run()
            except (Missing, ImportError) as missing:
                print(f"  MISSING, skipped: {missing}")


if __name__ == "__main__":
    main()
