"""Pinyin keys and pinyin-looking queries."""

from __future__ import annotations

import pytest

from matchers.pinyin import looks_like_pinyin, pinyin_keys, pinyin_matches


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("螺丝", ("luosi", "ls")),
        ("螺栓", ("luoshuan", "ls")),
        ("六角螺栓", ("liujiaoluoshuan", "ljls")),
        ("绿色", ("lvse", "ls")),
        ("长度", ("changdu", "cd")),
        ("不锈钢 螺丝 M8", ("buxiugang luosi", "bxg ls")),
        ("304不锈钢m8x30", ("buxiugang", "bxg")),
        ("M8x30", ("", "")),
    ],
)
def test_pinyin_keys(text: str, keys: tuple[str, str]) -> None:
    assert pinyin_keys(text) == keys


@pytest.mark.parametrize("query", ["luosi", "luo si", "LuoSi", "ls", "luos"])
def test_queries_that_find_luosi(query: str) -> None:
    assert pinyin_matches(query, pinyin_keys("不锈钢螺丝"))


def test_initials_of_two_words() -> None:
    assert pinyin_matches("lsls", pinyin_keys("螺丝螺栓"))
    assert not pinyin_matches("lsls", pinyin_keys("螺丝"))


@pytest.mark.parametrize("query", ["luoshuan", "hb", "", "   ", "si luo"])
def test_queries_that_do_not_find_luosi(query: str) -> None:
    assert not pinyin_matches(query, pinyin_keys("螺丝"))


def test_query_does_not_span_separated_runs() -> None:
    assert not pinyin_matches("gangluo", pinyin_keys("不锈钢 螺丝"))
    assert pinyin_matches("gangluo", pinyin_keys("不锈钢螺丝"))


@pytest.mark.parametrize(
    ("query", "pinyin"),
    [
        ("luosi", True),
        ("luo si", True),
        ("liujiao luoshuan", True),
        ("xian", True),
        ("ls", True),
        ("lsls", True),
        ("bxg", True),
        ("bolt", False),
        ("hex", False),
        ("screw", False),
        ("washer", False),
        ("nut", False),
        ("m8", False),
        ("螺丝", False),
        ("luosi m8", False),
        ("l", False),
        ("", False),
    ],
)
def test_looks_like_pinyin(query: str, pinyin: bool) -> None:
    assert looks_like_pinyin(query) is pinyin
