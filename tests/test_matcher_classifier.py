"""The example classifier: it learns a class from its confirmed examples, adds the classes it
suggests to the shortlist, learns from confirmations without a rebuild, and costs nothing without
examples."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from matchers import Matcher, MatchSettings, softmax
from matchers import classifier as classifier_module
from matchers.classifier import PRODUCT, ExampleClassifier
from matchers.profile import CONTEXT, read_record
from matchers.record import example_text, record_context, record_text, split_context
from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle
from tests.matcher_bundles import CPMS

SHOP = SchemeBundle(
    scheme=Scheme(code="SHOP", name=Labels(en="Shop"), version="test", source="tests", licence="test"),
    classes=[
        ConceptClass(code="10", level=1, labels=Labels(en="Jewellery")),
        ConceptClass(code="20", level=1, labels=Labels(en="Computer Peripherals")),
        ConceptClass(code="30", level=1, labels=Labels(en="Power Tools")),
    ],
)
EXAMPLES = {
    ("SHOP", "10"): ["Sterling Silver Angel Charm", "Gold Heart Pendant Necklace", "Silver Charm Bracelet"],
    ("SHOP", "20"): ["HP Pavilion 23xi IPS Monitor", "Logitech Wireless Mouse", "Dell 27 inch LED Monitor"],
}


def _terms(text: str) -> frozenset[str]:
    return read_record(text).lookup_terms


def test_the_class_whose_examples_the_record_resembles_ranks_first() -> None:
    classifier = ExampleClassifier()
    for (_, code), texts in EXAMPLES.items():
        for text in texts:
            classifier.add(code, _terms(text))
    classifier.freeze()
    ranked = classifier.rank(_terms("silver heart charm"), 2)
    assert [code for code, _, _ in ranked] == ["10", "20"]
    assert ranked[0][1] > 0.9 and ranked[0][2] and not ranked[1][2]
    assert classifier.rank(_terms("no such words"), 2) == []


def test_a_chunk_ranks_each_record_with_the_floats_it_has_alone() -> None:
    """A chunk longer than one product (`PRODUCT` records) is scored in several; each record's
    probabilities are still the very floats `rank` gives it alone, and a record no example knows
    gets nothing wherever it falls."""
    classifier = ExampleClassifier()
    for (_, code), texts in EXAMPLES.items():
        for text in texts:
            classifier.add(code, _terms(text))
    classifier.freeze()
    words = ["silver", "charm", "monitor", "wireless", "gold", "mouse", "led", "pendant", "no such words"]
    records: list[tuple[frozenset[str], frozenset[str]]] = [
        (_terms(" ".join(words[i % 9 : i % 9 + 1 + i % 3])), frozenset()) for i in range(3 * PRODUCT + 5)
    ]
    chunk = classifier.rank_chunk(records, 2)
    assert chunk == [classifier.rank(terms, 2, context) for terms, context in records]
    assert chunk[8] == [] and chunk[1][0][0] == "10"


def test_the_classifier_probability_is_a_feature() -> None:
    matcher = Matcher.from_bundles([SHOP], examples=EXAMPLES)
    best = matcher.match("angel pendant bracelet", "SHOP").candidates[0]
    assert best.code == "10"
    assert best.features["classifier"] > 0.9


def test_a_suggested_class_joins_the_shortlist() -> None:
    """`monitor` names no label; with a shortlist of one, the index keeps the jewellery example
    that shares `silver`, and the classifier adds the class whose examples say `monitor`."""
    matcher = Matcher.from_bundles([SHOP], MatchSettings(shortlist=1, limit=5), EXAMPLES)
    codes = [c.code for c in matcher.match("silver monitor", "SHOP").candidates]
    assert "20" in codes and len(codes) >= 2


def test_a_confirmation_teaches_the_classifier_without_a_rebuild() -> None:
    matcher = Matcher.from_bundles([SHOP], examples=EXAMPLES)
    before = {c.code: c.features["classifier"] for c in matcher.match("cordless drill 18v", "SHOP").candidates}
    assert before.get("30", 0.0) == 0.0
    matcher.confirm("Makita cordless drill 18V", "SHOP", "30")
    matcher.confirm("Bosch cordless impact drill", "SHOP", "30")
    after = matcher.match("cordless drill 18v", "SHOP").candidates[0]
    assert after.code == "30" and after.features["classifier"] > 0.9
    matcher.confirm("Silver drill bit charm", "SHOP", "10")  # a known class learns a new term
    assert matcher.match("silver bit charm", "SHOP").candidates[0].code == "10"


def test_without_examples_the_classifier_is_empty_and_the_feature_zero() -> None:
    matcher = Matcher.from_bundles([CPMS])
    assert not matcher._loaded.indexes["CPMS", "class"].classifier
    for candidate in matcher.match("外六角螺栓 M8*30").candidates:
        assert candidate.features["classifier"] == 0.0


FRUIT = {
    "fruit": ["red apple fruit", "green apple fruit", "fresh pear fruit", "apple pear fruit basket"],
    "phone": ["apple phone case", "apple phone charger", "phone screen glass", "apple laptop case"],
}


def _fruit_examples() -> tuple[list[softmax.Example], dict[str, float]]:
    examples: list[softmax.Example] = [
        (position, sorted(_terms(text)), []) for position, texts in enumerate(FRUIT.values()) for text in texts
    ]
    counts: dict[str, int] = {}
    for _, terms, _ in examples:
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    return examples, {t: 1.0 + len(examples) / n for t, n in sorted(counts.items())}


def _scores(weights: dict[str, softmax.Weights], terms: list[str]) -> list[float]:
    scores = [0.0, 0.0]
    for term in terms:
        row = weights.get(term, softmax.NO_WEIGHTS)
        for position, weight in zip(row.classes.tolist(), row.weights.tolist(), strict=True):
            scores[position] += weight
    return scores


def test_the_softmax_learns_which_terms_tell_the_classes_apart() -> None:
    """`apple` is in both classes' examples; what decides is `fruit`, `pear` against `phone`, `case`."""
    examples, idf = _fruit_examples()
    weights = softmax.train(examples, 2, idf)
    for term, position in (("fruit", 0), ("pear", 0), ("phone", 1), ("case", 1)):
        assert weights[term].weights[position] > 0 > weights[term].weights[1 - position], term
    assert _scores(weights, ["apple", "fruit", "pear"])[0] > 0 > _scores(weights, ["apple", "case", "phone"])[0]
    again = softmax.train(examples, 2, idf)
    assert sorted(again) == sorted(weights)
    assert all(again[t].weights.tolist() == w.weights.tolist() for t, w in weights.items())


def test_with_too_many_weights_the_softmax_learns_the_commonest_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    examples, idf = _fruit_examples()
    monkeypatch.setattr(softmax, "_CELLS", 2 * 2)
    weights = softmax.train(examples, 2, idf)
    assert set(weights) <= set(sorted(idf, key=lambda t: (idf[t], t))[:2]) and weights


def test_the_classifier_ranks_by_its_examples_and_learns_from_a_confirmation() -> None:
    """`apple` is in both classes' examples; the other terms decide, and a confirmation takes a
    step at once."""
    classifier = ExampleClassifier()
    for code, texts in FRUIT.items():
        for text in texts:
            classifier.add(code, _terms(text))
    classifier.freeze()
    assert classifier.rank(_terms("apple fruit"), 1)[0][0] == "fruit"
    assert classifier.rank(_terms("apple case"), 1)[0][0] == "phone"
    assert classifier.rank(_terms("pear basket"), 1)[0][1] > 0.99
    assert classifier.rank(_terms("apple pear phone"), 2)[0][0] == "fruit"
    classifier.add("phone", _terms("apple pear phone"))
    assert classifier.rank(_terms("apple pear phone"), 2)[0][0] == "phone"


def test_the_classes_shares_of_the_examples_are_discounted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jewellery has three examples, the peripherals one: their odds for a record move by (3 / 1)
    to the power of `PRIOR`, against them."""
    classifier = ExampleClassifier()
    for text in EXAMPLES["SHOP", "10"]:
        classifier.add("10", _terms(text))
    classifier.add("20", _terms(EXAMPLES["SHOP", "20"][0]))
    classifier.freeze()

    def odds() -> float:
        chances = {code: p for code, p, _ in classifier.rank(_terms("silver monitor"), 2)}
        return chances["10"] / chances["20"]

    monkeypatch.setattr(classifier_module, "PRIOR", 0.0)
    plain = odds()
    monkeypatch.setattr(classifier_module, "PRIOR", 0.5)
    assert odds() == pytest.approx(plain / 3**0.5)


SCRIPT = """
import json
from matchers import Matcher
from tests.test_matcher_classifier import EXAMPLES, SHOP
matcher = Matcher.from_bundles([SHOP], examples=EXAMPLES)
matcher.confirm("Makita cordless drill 18V", "SHOP", "30")
out = [
    [(c.code, c.score, c.features["classifier"]) for c in matcher.match(text, "SHOP").candidates]
    for text in ("silver monitor", "charm drill", "wireless 18v", "gold led necklace",
                 {"name": "Star", "description": "gold led charm, cordless"})
]
print(json.dumps(out))
"""


def test_classifier_results_do_not_depend_on_the_hash_seed() -> None:
    def run(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    first = run("1")
    assert first.count("[") > 5
    assert first == run("2")


def test_a_description_is_context_apart_from_the_text() -> None:
    row = {"name": "Angel Charm", "description": "A sterling silver pendant"}
    assert record_text(row) == "Angel Charm"
    assert record_context(row) == "A sterling silver pendant"
    assert split_context(example_text(row)) == ("Angel Charm", "A sterling silver pendant")
    assert record_context({"description": "A sterling silver pendant"}) == ""  # then it is the text
    assert example_text("Angel Charm") == "Angel Charm"
    query = read_record(row)
    assert "sterling" not in query.lookup_terms and f"{CONTEXT}sterling" in query.profile.context


def test_context_is_classifier_evidence() -> None:
    """Names that say nothing of the class; descriptions that do. The context decides the
    classifier's ranking (when the name says nothing), or moves it (when it does)."""
    classifier, plain = ExampleClassifier(), ExampleClassifier()
    for code, name, description in (
        ("10", "Angel", "sterling silver charm for a bracelet"),
        ("10", "Heart", "gold pendant on a silver chain"),
        ("20", "Pavilion", "full hd led monitor with ips panel"),
        ("20", "Raptor", "wireless mouse and usb keyboard"),
    ):
        classifier.add(code, _terms(name), read_record({"name": name, "description": description}).profile.context)
        plain.add(code, _terms(name))
    classifier.freeze()
    plain.freeze()
    query = read_record({"name": "Star", "description": "silver charm"})
    assert [c for c, _, _ in classifier.rank(query.lookup_terms, 2, query.profile.context)][0] == "10"
    assert not classifier.rank(query.lookup_terms, 2, query.profile.context)[0][2]  # no text term shared
    query = read_record({"name": "Pavilion", "description": "silver charm"})

    def jewellery(ranked: list[tuple[str, float, bool]]) -> float:
        return dict((code, p) for code, p, _ in ranked)["10"]

    assert jewellery(classifier.rank(query.lookup_terms, 2, query.profile.context)) > jewellery(
        classifier.rank(query.lookup_terms, 2)
    )
    assert plain.rank(query.lookup_terms, 2, query.profile.context)[0][0] == "20"  # it learned no context


def test_an_example_s_context_teaches_the_classifier_but_not_the_index() -> None:
    examples = {
        ("SHOP", "10"): [{"name": "Angel Gift", "description": "sterling silver charm"}],
        ("SHOP", "20"): [{"name": "Pavilion Gift", "description": "ips led monitor"}],
    }
    matcher = Matcher.from_bundles([SHOP], examples=examples)
    index = matcher._loaded.indexes["SHOP", "class"]
    assert {d.text for d in index.docs if d.source == "example"} == {"Angel Gift", "Pavilion Gift"}
    assert index.search(_terms("sterling"), 5) == []
    best = matcher.match({"name": "Star Gift", "description": "sterling charm"}, "SHOP").candidates[0]
    assert best.code == "10" and best.features["classifier_probability"] > 0.5
    best = matcher.match({"name": "Star Gift", "description": "ips monitor"}, "SHOP").candidates[0]
    assert best.code == "20" and best.features["classifier_probability"] > 0.5
    matcher.confirm({"name": "Makita Gift", "description": "cordless drill"}, "SHOP", "30")
    assert "Makita Gift" in {d.text for d in index.docs if d.source == "example"}
    best = matcher.match({"name": "Bosch Gift", "description": "cordless drill"}, "SHOP").candidates[0]
    assert best.code == "30"
