"""Vocabulary of hardware notations: spellings (in normalized form) and the canonical codes the
extractors report for them. Sources: ../shared/docs/domain.md, ISO 261 (metric threads), ISO 898-1
and ISO 3506 (property classes), GB/T 20878 (Chinese stainless grade names)."""

from __future__ import annotations

MATERIAL_GRADES = {
    "201": "stainless_201", "202": "stainless_202", "304": "stainless_304", "304l": "stainless_304l",
    "316": "stainless_316", "316l": "stainless_316l", "410": "stainless_410", "430": "stainless_430",
}  # fmt: skip
"""AISI stainless grades, written bare (304) or with a prefix (sus304, ss304, aisi304)."""

MATERIAL_WORDS = {
    "不锈钢": "stainless_steel", "stainless steel": "stainless_steel", "stainless": "stainless_steel",
    "不锈铁": "stainless_430",
    "a2": "stainless_304", "0cr18ni9": "stainless_304", "06cr19ni10": "stainless_304",
    "00cr19ni10": "stainless_304l", "022cr19ni10": "stainless_304l",
    "a4": "stainless_316", "0cr17ni12mo2": "stainless_316", "06cr17ni12mo2": "stainless_316",
    "00cr17ni14mo2": "stainless_316l", "022cr17ni12mo2": "stainless_316l",
    "1cr17mn6ni5n": "stainless_201", "12cr17mn6ni5n": "stainless_201",
    "1cr13": "stainless_410", "12cr13": "stainless_410",
    "3cr13": "stainless_3cr13", "30cr13": "stainless_3cr13", "aisi 420": "stainless_3cr13",
    "4cr13": "stainless_4cr13", "40cr13": "stainless_4cr13",
    "5cr15mov": "stainless_5cr15mov", "5cr15": "stainless_5cr15mov", "x50crmov15": "stainless_5cr15mov",
    "碳钢": "carbon_steel", "碳素钢": "carbon_steel", "carbon steel": "carbon_steel", "q235": "carbon_steel",
    "合金钢": "alloy_steel", "alloy steel": "alloy_steel",
    "铬钒钢": "chrome_vanadium", "铬钒": "chrome_vanadium",
    "cr-v": "chrome_vanadium", "crv": "chrome_vanadium",
    "弹簧钢": "spring_steel", "65锰": "spring_steel", "65mn": "spring_steel",
    "黄铜": "brass", "brass": "brass", "紫铜": "copper", "红铜": "copper", "copper": "copper",
    "青铜": "bronze", "bronze": "bronze", "铜": "copper_alloy",
    "锌合金": "zinc_alloy", "zinc alloy": "zinc_alloy",
    "铝合金": "aluminium", "铝": "aluminium", "aluminium": "aluminium", "aluminum": "aluminium",
    "铸铁": "cast_iron", "cast iron": "cast_iron", "球墨铸铁": "ductile_iron",
    "尼龙": "nylon", "nylon": "nylon", "塑料": "plastic", "plastic": "plastic", "pvc": "pvc", "ppr": "ppr",
}  # fmt: skip
"""Material words. A bare 铜 is any copper alloy (全铜 valves are usually brass). 不锈铁 is the
trade name of ferritic 430. A2 and A4 are the ISO 3506 steel groups of the 304 and 316 families."""

SURFACE_TREATMENTS = {
    "热镀锌": "hot_dip_galvanized", "热浸锌": "hot_dip_galvanized", "热浸镀锌": "hot_dip_galvanized",
    "hot dip galvanized": "hot_dip_galvanized", "hdg": "hot_dip_galvanized",
    "镀锌": "zinc_plated", "电镀锌": "zinc_plated", "冷镀锌": "zinc_plated", "蓝白锌": "zinc_plated",
    "彩锌": "zinc_plated", "白锌": "zinc_plated", "黑锌": "zinc_plated", "zinc plated": "zinc_plated",
    "galvanized": "zinc_plated",
    "发黑": "black_oxide", "黑色氧化": "black_oxide", "black oxide": "black_oxide",
    "达克罗": "dacromet", "dacromet": "dacromet",
    "镀镍": "nickel_plated", "nickel plated": "nickel_plated",
    "镀铬": "chrome_plated", "chrome plated": "chrome_plated",
    "镀铜": "copper_plated", "磷化": "phosphated", "喷塑": "powder_coated",
    "本色": "plain", "原色": "plain",
}  # fmt: skip
"""Finishes. 蓝白锌, 彩锌, 白锌 and 黑锌 are colours of zinc plating; the text keeps which one."""

DRIVE_TYPES = {
    "内六角": "hex_socket", "hex socket": "hex_socket", "socket head": "hex_socket",
    "外六角": "hex_head", "六角": "hex_head", "hex head": "hex_head", "hex": "hex_head",
    "十字": "cross", "十字槽": "cross", "phillips": "cross", "cross recessed": "cross",
    "一字": "slotted", "一字槽": "slotted", "slotted": "slotted",
    "内梅花": "torx", "梅花槽": "torx", "torx": "torx",
}  # fmt: skip
"""Drives. A bare 梅花 is not here: 梅花扳手 is a ring spanner, not a torx drive."""

HEAD_TYPES = {
    "沉头": "countersunk", "countersunk": "countersunk",
    "盘头": "pan", "pan head": "pan",
    "圆柱头": "cylindrical", "半圆头": "button", "圆头": "round", "大扁头": "truss",
    "法兰面": "flange", "法兰头": "flange", "flange head": "flange",
}  # fmt: skip

BROADER = {
    **{code: "stainless_steel" for code in (*MATERIAL_GRADES.values(), *MATERIAL_WORDS.values())
       if code.startswith("stainless_") and code != "stainless_steel"},
    "brass": "copper_alloy", "bronze": "copper_alloy", "copper": "copper_alloy",
}  # fmt: skip
"""A material -> the broader one a record may name instead: 不锈钢 (no grade) for 304, 铜 for brass."""

VOCABULARY = {
    "material": MATERIAL_WORDS,
    "surface_treatment": SURFACE_TREATMENTS,
    "drive_type": DRIVE_TYPES,
    "head_type": HEAD_TYPES,
}
"""Attribute key -> its words. One spelling names one attribute (a test checks this), so all the
words are found in one pass, leftmost and longest first: 镀铜 is a finish, not 铜."""

STANDARD_BODIES = {
    "gb/t": "GB/T", "gb": "GB", "jb/t": "JB/T", "qb/t": "QB/T", "hg/t": "HG/T",
    "din": "DIN", "iso": "ISO", "astm": "ASTM", "ansi": "ANSI", "jis": "JIS",
}  # fmt: skip
"""Standard prefixes. GB (mandatory) and GB/T (recommended) are different designations and are
kept apart: GB5783 is reported as `GB 5783`, as written."""

STEEL_PROPERTY_CLASSES = ("4.6", "4.8", "5.6", "5.8", "6.8", "8.8", "9.8", "10.9", "12.9")
STAINLESS_PROPERTY_CLASSES = ("50", "70", "80", "100")  # after A1..A5, as in A2-70

METRIC_THREAD_DIAMETERS = frozenset(
    (1, 1.2, 1.4, 1.6, 1.8, 2, 2.2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 22,
     24, 27, 30, 33, 36, 39, 42, 45, 48, 52, 56, 60, 64, 68)
)  # fmt: skip
"""ISO 261 nominal diameters: M8000 in a model number is not a thread."""

FINE_PITCHES = frozenset((0.2, 0.25, 0.35, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4))

PIPE_SIZES = {
    0.125: ('1/8"', 6), 0.25: ('1/4"', 8), 0.375: ('3/8"', 10), 0.5: ('1/2"', 15), 0.75: ('3/4"', 20),
    1.0: ('1"', 25), 1.25: ('1-1/4"', 32), 1.5: ('1-1/2"', 40), 2.0: ('2"', 50), 2.5: ('2-1/2"', 65),
    3.0: ('3"', 80), 4.0: ('4"', 100), 5.0: ('5"', 125), 6.0: ('6"', 150),
}  # fmt: skip
"""Nominal pipe size in inches -> (designation, DN). 1寸 = 8分 = 1 inch."""

PIPE_SIZE_OF_DN = {dn: inches for inches, (_, dn) in PIPE_SIZES.items()}

TRADE_INCH_NOTATION = {1.2: 1.25}
"""一寸二 (1.2寸) is the trade name of the 1-1/4 inch pipe size, not 1.2 inches."""

PIPE_CONTEXT_WORDS = (
    "阀", "管件", "水管", "钢管", "接头", "弯头", "三通", "四通", "直接", "活接", "龙头", "水嘴", "丝堵",
    "堵头", "内丝", "外丝", "对丝", "水表", "过滤器", "软管", "法兰", "卡箍", "补芯", "变径",
    "valve", "pipe", "fitting",
)  # fmt: skip
"""Words that make 寸 and inch a pipe size (一寸球阀 is DN25)."""

TOOL_CONTEXT_WORDS = (
    "扳手", "扳子", "钳", "锤", "螺丝刀", "起子", "锯", "刀", "剪", "锉", "凿", "撬棍", "套筒", "批头",
    "合页", "铰链", "拉手", "脚轮", "轮", "磨片", "切割片", "角磨", "卷尺",
    "wrench", "spanner", "pliers", "hammer", "hinge", "caster", "disc",
)  # fmt: skip
"""Words that make 寸 and inch a tool, hinge, caster or disc size (8寸活动扳手 is 200 mm). They are
checked before the pipe words, so 管钳 (pipe wrench) is a tool."""

MEASURE_CHARS = "个只把套支件片根条包盒箱袋元克米寸分号"
"""Characters after a number that make it a count, price or size, not a grade: 201个 is not 201."""
