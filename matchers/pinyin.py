"""Pinyin keys of Chinese text, so that `luosi`, `luo si` and `ls` find 螺丝.

Keys are toneless and use `v` for ü (绿 -> lv), as people type them. pypinyin picks readings by
phrase (长度 -> changdu, 队长 -> duizhang) and is slow next to a lookup, so keys are cached per run
of Chinese characters.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_SYLLABLE_LIST = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca
    cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de den
    deng di dian diao die din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei
    fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui
    gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia
    jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou
    ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie
    lin ling liu lo long lou lu luan lue lun luo lv lve ma mai man mang mao me mei men meng mi mian
    miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin
    ning niu nong nou nu nuan nue nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao
    pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang
    rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai
    shan shang shao she shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou
    su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun
    tuo wa wai wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu
    xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze
    zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang
    zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_LIST.split())
"""Toneless Mandarin syllables as pypinyin spells them (plus lue, nue, which people type for lüe)."""

_LONGEST_SYLLABLE = max(map(len, SYLLABLES))
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_VOWELS = frozenset("aeiouv")


@lru_cache(maxsize=65536)
def _run_keys(run: str) -> tuple[str, str]:
    full = "".join(lazy_pinyin(run, errors="ignore"))
    initials = "".join(lazy_pinyin(run, style=Style.FIRST_LETTER, errors="ignore"))
    return full, initials


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of the Chinese characters in `text`: 螺丝 -> ('luosi', 'ls').

    Other characters are dropped; runs of Chinese that they separated are joined by one space,
    so a query cannot match across them: 不锈钢 螺丝 M8 -> ('buxiugang luosi', 'bxg ls').
    """
    keys = [_run_keys(run) for run in _CJK_RUN.findall(text)]
    return " ".join(full for full, _ in keys), " ".join(initials for _, initials in keys)


def pinyin_matches(query: str, keys: tuple[str, str]) -> bool:
    """Whether a pinyin query (spaces ignored) is part of the full pinyin or of the initials."""
    compact = "".join(query.lower().split())
    full, initials = keys
    return bool(compact) and (compact in full or compact in initials)


def _splits_into_syllables(word: str) -> bool:
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(
            reachable[start] and word[start:end] in SYLLABLES for start in range(max(0, end - _LONGEST_SYLLABLE), end)
        )
    return reachable[-1]


def looks_like_pinyin(query: str) -> bool:
    """Whether a query could be pinyin typed for Chinese: only ASCII letters and spaces, and each
    word either splits into pinyin syllables (`luosi`, `luo si`) or, like initials (`ls`, `bxg`),
    has no vowel at all and at least two letters.

    Deliberately simple: English words that are also pinyin (`bang`, `long`, `pin`, `fan`) pass, so
    a caller should search such queries both as text and as pinyin. English words that do not split
    into syllables (`bolt`, `hex`, `screw`, `nut`) do not.
    """
    words = query.lower().split()
    if not words or not all(word.isascii() and word.isalpha() for word in words):
        return False
    return all(_splits_into_syllables(word) or (len(word) >= 2 and _VOWELS.isdisjoint(word)) for word in words)
