"""Normalization for matching: one spelling per product, and index tokens."""

from __future__ import annotations

import pytest

from matchers.normalize import NOISE_WORDS, normalize, tokenize
from matchers.numerals import chinese_number
from matchers.simplified import to_simplified, traditional_chars


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # full width and case
        ("Ｍ８×３０", "m8x30"),
        ("ＳＵＳ３０４", "sus304"),
        ("M8X30", "m8x30"),
        # the spellings of ×
        ("M8*30", "m8x30"),
        ("M8x30", "m8x30"),
        ("M8✕30", "m8x30"),
        ("M8＊30", "m8x30"),
        ("m8 x 30", "m8x30"),
        ("M10*1.25*50", "m10x1.25x50"),
        ("8mm×30mm", "8mmx30mm"),
        # diameter signs
        ("Φ10", "φ10"),
        ("φ10", "φ10"),
        ("ø10", "φ10"),
        ("Ø10", "φ10"),
        ("⌀10", "φ10"),
        ("ϕ10", "φ10"),
        ("Φ 10mm", "φ10mm"),
        # traditional to simplified
        ("螺絲", "螺丝"),
        ("不鏽鋼螺絲", "不锈钢螺丝"),
        ("黃銅球閥", "黄铜球阀"),
        ("鍍鋅", "镀锌"),
        ("乾燥", "干燥"),
        # Chinese numerals next to units and measure words
        ("三分", "3分"),
        ("四分球阀", "4分球阀"),
        ("六分", "6分"),
        ("十二寸", "12寸"),
        ("二十五毫米", "25mm"),
        ("一寸二", "1.2寸"),
        ("1寸2", "1.2寸"),
        ("一寸半", "1.5寸"),
        ("两寸", "2寸"),
        ("半寸", "0.5寸"),
        ("三千转", "3000r/min"),
        ("三千克", "3kg"),
        ("三米卷尺", "3m卷尺"),
        ("五号电池", "5号电池"),
        # numerals inside words stay
        ("一字螺丝刀", "一字螺丝刀"),
        ("十字螺丝刀", "十字螺丝刀"),
        ("六角螺母", "六角螺母"),
        ("三通", "三通"),
        ("五金工具", "五金工具"),
        ("半圆头", "半圆头"),
        ("万向轮", "万向轮"),
        ("五分钟", "5分钟"),
        ("百分百", "百分百"),
        # units
        ("200毫米", "200mm"),
        ("5厘米", "5cm"),
        ("5公分", "5cm"),
        ('1/2"', "1/2inch"),
        ("１／２＂", "1/2inch"),
        ("1/2”", "1/2inch"),
        ("10英寸", "10inch"),
        ("10吋", "10inch"),
        ("12in", "12inch"),
        ("12 inch", "12inch"),
        ("M8 in A2", "m8 in a2"),
        ("12inches", "12inch"),
        ("50公斤", "50kg"),
        ("50千克", "50kg"),
        ("500克", "500g"),
        ("50牛米", "50n·m"),
        ("50N.m", "50n·m"),
        ("50 N·m", "50n·m"),
        ("50Nm", "50n·m"),
        ("800瓦", "800w"),
        ("1.2千瓦", "1.2kw"),
        ("18伏", "18v"),
        ("3000转/分", "3000r/min"),
        ("3000转/分钟", "3000r/min"),
        ("3000转", "3000r/min"),
        ("3000RPM", "3000r/min"),
        ("500毫升", "500ml"),
        ("1.5升", "1.5l"),
        # unit words that do not follow a number are words
        ("米白色", "米白色"),
        ("伏特加", "伏特加"),
        # punctuation; marks inside designations stay
        ("8.8级", "8.8级"),
        ("A2-70", "a2-70"),
        ("GB/T 5783", "gb/t5783"),
        ("GB/T5783-2016", "gb/t5783-2016"),
        ("GBT 5783", "gb/t5783"),
        ("DIN 933", "din933"),
        ("ISO 4017", "iso4017"),
        ("DN 20", "dn20"),
        ("【热卖】M8×30（304）", "m8x30 304"),
        ("型号: ABC-123", "型号 abc-123"),
        ("螺丝-不锈钢", "螺丝 不锈钢"),
        ("螺栓/螺母", "螺栓 螺母"),
        ("end.", "end"),
        ("10~20mm", "10~20mm"),
        ("  多个   空格\t制表\n换行 ", "多个 空格 制表 换行"),
        # sales noise
        ("优质批发 螺丝 厂家直销 现货包邮", "螺丝"),
        ("新款正品热卖六角螺栓", "六角螺栓"),
        ("一件代发", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("word", NOISE_WORDS)
def test_every_noise_word_is_removed(word: str) -> None:
    assert normalize(f"螺丝{word}M8") == "螺丝 m8"


def test_normalize_is_idempotent() -> None:
    for raw in ("304不锈钢六角螺栓 M8*30 镀锌", "４分 黃銅球閥", '1/2" 三千转 50N.m', "一寸二 Φ10"):
        once = normalize(raw)
        assert normalize(once) == once


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25), ("一百零五", 105), ("两千", 2000),
     ("二〇一六", 2016), ("半", 0.5)],
)  # fmt: skip
def test_chinese_number(numeral: str, value: float) -> None:
    assert chinese_number(numeral) == value


def test_simplified_text_skips_opencc() -> None:
    assert traditional_chars().isdisjoint("不锈钢六角螺栓镀锌黄铜球阀")
    assert "絲" in traditional_chars()
    assert to_simplified("M8 螺丝") == "M8 螺丝"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("m8x30", ["m8x30"]),
        ("gb/t5783-2016", ["gb/t5783-2016"]),
        ("a2-70 1/2inch", ["a2-70", "1/2inch"]),
        ("螺丝", ["螺丝"]),
        ("六角螺栓", ["六角", "角螺", "螺栓"]),
        ("4分 球阀", ["4", "分", "球阀"]),
        ("304不锈钢m8x30", ["304", "不锈", "锈钢", "m8x30"]),
        ("", []),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_tokens_of_spellings_agree() -> None:
    assert tokenize(normalize("Ｍ８×３０ 不鏽鋼")) == tokenize(normalize("m8*30 不锈钢"))
    assert tokenize(normalize("GB/T 5783")) == tokenize(normalize("GB/T5783")) == ["gb/t5783"]
