"""Property tests of the reading stages (normalize, extract, pinyin) and of a whole match, over
random and adversarial Unicode: no text raises, and no text costs more than a bounded amount of
work per character.

Work per character is checked by growth, not by a time limit: the same pattern repeated to n and
to 4n characters, each timed in this thread's CPU time (best of several interleaved runs, so other
processes on the machine do not count). Linear work gives a ratio near 4; quadratic work gives 16.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from matchers import Matcher
from matchers.extract import extract, read_column
from matchers.normalize import normalize, tokenize
from matchers.pinyin import looks_like_pinyin, pinyin_keys
from matchers.pinyin_query import PinyinReader, syllables
from matchers.profile import read_query
from tests.matcher_bundles import CPMS, OTHER

# what catalog lines are made of, and what has tripped text readers: numerals and measure words,
# units, designation marks, pinyin letters, full-width and compatibility forms that NFKC expands,
# zero-width and combining marks, right-to-left marks, lone surrogates
ADVERSARIAL = (
    "一二三十百千万两半零〇寸分号级千克米转"
    "螺栓丝母六角不锈钢镀锌平垫圈合页扳手"
    "型号品牌规格材质"
    "0123456789.,/-~*x×Xm φ°%\"'·"
    "aeioubcdfghjklmnpqrstvwxyz"
    "ＭＡ８０（）＃"
    "\u200b\u200d\ufeff\u0301\u0300\u202e\u00a0\u3000\t\n"
    "﷽ﬃ㍻㌀㎏"
    "\ud800\udfff"
    "𠀀𪚥🔩"
)
characters = st.one_of(st.sampled_from(ADVERSARIAL), st.characters(codec=None))
texts = st.text(characters, max_size=200)
units = st.text(characters, min_size=1, max_size=12)

READER = PinyinReader.of({"螺丝": 5, "六角": 4, "扳手": 3, "螺栓": 2, "合页": 1}, frozenset({"aisi"}))
MATCHER = Matcher.from_bundles([CPMS, OTHER])

SAFE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GROWTH = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SIZE = 1500  # characters at n; the long text has 4n
RATIO = 10  # linear is about 4, quadratic 16


def _clear_text_caches() -> None:
    """The caches keyed by a whole text: a repeat would be a look-up, not work."""
    for cached in (normalize, read_column, read_query):
        cached.cache_clear()


def _cpu(fn: Callable[[str], object], text: str) -> float:
    _clear_text_caches()
    start = time.thread_time()
    fn(text)
    return time.thread_time() - start


def _growth(fn: Callable[[str], object], unit: str) -> tuple[float, float]:
    """CPU seconds of `fn` on `unit` repeated to n and to 4n characters, best of five each."""
    short = unit * max(1, SIZE // len(unit))
    long = short * 4
    fn(short), fn(long)  # warm the per-word caches, which both sizes share
    times = [(_cpu(fn, short), _cpu(fn, long)) for _ in range(5)]
    return min(t for t, _ in times), min(t for _, t in times)


def _assert_linear(fn: Callable[[str], object], unit: str) -> None:
    short, long = _growth(fn, unit)
    # a floor of 50 µs at n: below it the clock's grain and the interpreter's noise are the ratio
    assert long <= RATIO * max(short, 50e-6), f"{fn.__name__} on {unit!r}: {short * 1e3:.2f} ms -> {long * 1e3:.2f} ms"


@SAFE
@given(texts)
def test_normalize_and_tokenize_take_any_text(text: str) -> None:
    normalized = normalize(text)
    assert isinstance(normalized, str)
    assert all(token.strip() for token in tokenize(normalized))


@SAFE
@given(texts, st.dictionaries(st.sampled_from(["材质", "规格", "品牌", "型号", "表面处理", "other"]), texts))
def test_extract_takes_any_text(text: str, columns: dict[str, str]) -> None:
    extraction = extract(text, columns)
    for found in extraction.found:
        assert found.key and isinstance(found.value, str)


@SAFE
@given(texts)
def test_pinyin_takes_any_text(text: str) -> None:
    pinyin_keys(text)
    looks_like_pinyin(text)
    READER.read(text)
    split = syllables(text)
    assert split is None or "".join(split) == text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_match_takes_any_text(text: str) -> None:
    result = MATCHER.match(text)
    assert result.decision is not None


@GROWTH
@given(units)
@example("一十")  # a numeral run with no measure word after it
@example("8x")
@example("luo")  # one long pinyin token
@example("1寸")
@example("M8x30 螺栓 304 ")
@example("bolt luosi m8 镀锌 304 gb/t5783 a2-70 ")
def test_normalize_work_grows_linearly(unit: str) -> None:
    _assert_linear(normalize, unit)


@GROWTH
@given(units)
@example("4分")
@example("m8x")
@example("镀锌304 ")
@example("bolt luosi m8 镀锌 304 gb/t5783 a2-70 ")
def test_extract_work_grows_linearly(unit: str) -> None:
    _assert_linear(extract, unit)


@GROWTH
@given(st.text(st.sampled_from("aeiouvbcdfghjklmnpqrstwxyz "), min_size=1, max_size=12))
@example("luo")
@example("zhuang")
@example("luo si ")
def test_pinyin_work_grows_linearly(unit: str) -> None:
    _assert_linear(READER.read, unit)
    _assert_linear(syllables, unit)


@GROWTH
@given(units)
@example("luo")
@example("M8x30 螺栓 304 ")
def test_match_work_grows_linearly(unit: str) -> None:
    _assert_linear(MATCHER.match, unit)
