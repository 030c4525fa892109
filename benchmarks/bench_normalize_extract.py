"""Speed of the first matching stages on synthetic hardware records.

    .venv/bin/python -m benchmarks.bench_normalize_extract [--records 10000] [--seed 7]

Builds records from the notations the matchers must read (fasteners, valves, tools, hinges, power
tools), some in full width, some in traditional characters, some with sales noise and columns, and
prints µs per record for a naive baseline (NFKC + lower case), `normalize`, `extract` and
`pinyin_keys`. Each figure is the best of three passes over all records in one process; the first
pass, which fills the caches (opencc runs, pinyin runs), is printed too.
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from collections.abc import Callable

from matchers.extract import extract
from matchers.normalize import normalize
from matchers.pinyin import pinyin_keys
from matchers.simplified import to_simplified

FASTENERS = ("六角螺栓", "六角螺丝", "内六角螺钉", "十字盘头螺丝", "沉头自攻螺丝", "平垫圈", "弹簧垫圈", "六角螺母",
             "hex bolt", "socket head cap screw")  # fmt: skip
MATERIALS = ("304不锈钢", "不锈钢304", "SUS304", "201", "316L", "碳钢", "0Cr18Ni9", "A2", "黄铜", "锌合金", "")
THREADS = ("M3", "M4", "M5", "M6", "M8", "M10", "M12", "M16", "M20")
LENGTHS = ("8", "10", "12", "16", "20", "25", "30", "35", "40", "50", "60", "80", "100")
TIMES = ("*", "x", "X", "×", "＊")
FINISHES = ("镀锌", "热镀锌", "蓝白锌", "彩锌", "发黑", "达克罗", "镀镍", "本色", "")
CLASSES = ("8.8级", "10.9级", "4.8级", "A2-70", "A4-80", "")
STANDARDS = ("GB/T 5783", "GB5783", "GB/T5783-2016", "DIN933", "ISO 4017", "GB/T 70.1", "")
VALVES = ("黄铜球阀", "不锈钢球阀", "闸阀", "截止阀", "止回阀", "角阀", "内丝弯头", "三通")
PIPE_SIZES = ("2分", "3分", "4分", "6分", "1寸", "一寸二", "1.5寸", "2寸", "DN15", "DN20", "DN25", '1/2"', '3/4"')
TOOLS = ("活动扳手", "管钳", "尖嘴钳", "钢丝钳", "羊角锤", "合页", "子母合页", "脚轮")
TOOL_SIZES = ("6寸", "8寸", "10寸", "12寸", "4寸", "200mm", "250mm")
POWER_TOOLS = ("锂电钻", "冲击钻", "电锤", "角磨机", "电圆锯")
NOISE = ("优质", "批发", "厂家直销", "现货", "包邮", "热卖", "新款", "正品", "")
BRANDS = ("史丹利", "世达", "得力", "东成", "博世", "Stanley", "Bosch")


def fastener(rng: random.Random) -> str:
    spec = f"{rng.choice(THREADS)}{rng.choice(TIMES)}{rng.choice(LENGTHS)}"
    parts = [rng.choice(MATERIALS), rng.choice(FASTENERS), spec, rng.choice(FINISHES), rng.choice(CLASSES),
             rng.choice(STANDARDS)]  # fmt: skip
    return " ".join(p for p in parts if p)


def valve(rng: random.Random) -> str:
    return f"{rng.choice(PIPE_SIZES)} {rng.choice(VALVES)} {rng.choice(('全铜', '304', '加厚', ''))}"


def tool(rng: random.Random) -> str:
    material = rng.choice(("铬钒钢", "碳钢", "3mm厚", ""))
    return f"{rng.choice(BRANDS)} {rng.choice(TOOL_SIZES)}{rng.choice(TOOLS)} {material}"


def power_tool(rng: random.Random) -> str:
    volts = rng.choice(("12V", "18V", "20V", "220V"))
    return f"{rng.choice(BRANDS)}{rng.choice(POWER_TOOLS)} {volts} {rng.choice(('800W', '1200瓦', '1.2千瓦'))} 3000转"


def record(rng: random.Random) -> tuple[str, dict[str, str] | None]:
    text = rng.choice((fastener, fastener, fastener, valve, tool, power_tool))(rng)
    text = f"{rng.choice(NOISE)}{text}{rng.choice(NOISE)}"
    variant = rng.random()
    if variant < 0.1:
        text = unicodedata.normalize("NFKC", text).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    elif variant < 0.2:
        text = text.replace("螺丝", "螺絲").replace("钢", "鋼").replace("铜", "銅").replace("阀", "閥")
    columns = {"材质": rng.choice(MATERIALS[:-1]), "品牌": rng.choice(BRANDS)} if rng.random() < 0.2 else None
    return text, columns


def naive_normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def best_of_three(stage: Callable[..., object], inputs: list[tuple]) -> tuple[float, float]:
    """(first pass, best pass) in µs per record. Results are dropped as they come, as a streaming
    bulk job would: keeping 10,000 extractions alive makes the garbage collector rescan them."""
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        for args in inputs:
            stage(*args)
        passes.append((time.perf_counter() - start) / len(inputs) * 1e6)
    return passes[0], min(passes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = [record(rng) for _ in range(args.records)]
    texts = [(text,) for text, _ in records]
    normalized = [(normalize(text),) for text, _ in records]
    to_simplified("")  # one-off setup (opencc's tables) is not a per-record cost

    runs: list[tuple[str, Callable[..., object], list[tuple]]] = [
        ("baseline: NFKC + lower", naive_normalize, texts),
        ("normalize", normalize, texts),
        ("normalize + extract", extract, records),
        ("pinyin_keys (of normalized text)", pinyin_keys, normalized),
    ]
    mean_chars = sum(len(text) for text, _ in records) / len(records)
    with_columns = sum(1 for _, columns in records if columns)
    print(f"{len(records)} records ({with_columns} with columns), {mean_chars:.1f} characters on average")
    print(f"e.g. {records[0][0]!r}")
    print(f"{'stage':34} {'first pass':>12} {'best of 3':>12} {'records/s':>12}")
    for name, stage, inputs in runs:
        first, best = best_of_three(stage, inputs)
        print(f"{name:34} {first:9.1f} µs {best:9.1f} µs {1e6 / best:12,.0f}")


if __name__ == "__main__":
    main()
