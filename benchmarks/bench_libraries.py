"""Hand-written code beside the libraries that replace it, or that were measured and not taken,
each pair run in the same process (the spreadsheet readers each in a child process of their own,
so that its peak memory is its own):

    python -m benchmarks.bench_libraries [--quick] [--only logistic trees encodings sheets]

- logistic: the score calibration's Newton fit, Gaussian elimination in Python against numpy;
- trees: the pair model's boosted trees against scikit-learn's HistGradientBoostingClassifier on
  the DeepMatcher splits (needs `pip install scikit-learn` and ../shared/data; skipped without);
- encodings: the old heuristic against `common.encodings` (charset-normalizer) on catalog files
  in UTF-8, GBK, GB18030, UTF-16 and Big5;
- sheets: an XLSX catalog read by openpyxl (streaming) and by python-calamine, and an XLS one.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import replaced
from benchmarks.matching_data import Missing, ditto_pairs
from benchmarks.metrics import f1
from benchmarks.pair_model import best_threshold, read_splits
from common.encodings import detect_encoding
from matchers.logistic import Choice, fit_choices
from matchers.pairs import Idf, pair_features
from matchers.trees import boost
from seed_data.chinese import to_traditional

HEADERS = ["货号", "品名", "规格型号", "材质", "品牌", "单位", "单价"]
NAMES = ["六角螺栓", "内六角螺丝", "活动扳手", "合页", "六角螺母", "外六角全牙螺丝", "Hex bolt", "不锈钢球阀"]


def catalog_row(n: int) -> list[object]:
    return [f"A{n:07d}", NAMES[n % len(NAMES)], f"M{8 + n % 5}*{10 + n % 90}", "304", "东明", "个", 1.5 + n % 100]


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def bench_logistic(quick: bool) -> None:
    print("\n== logistic: conditional-logit Newton fit (score calibration)")
    rng = random.Random(1)
    choices = []
    for _ in range(1000 if quick else 3000):
        k = rng.randint(1, 10)
        rows = [[rng.random() for _ in range(20)] for _ in range(k)]
        offsets = [rng.uniform(-1, 1) for _ in range(k)]
        choices.append(Choice(rows, rng.choice([None, *range(k)]), offsets, rng.choice([1.0, 0.5])))
    start = time.perf_counter()
    old_bias, old_weights = replaced.fit_choices(choices, 1.0)
    old_s, start = time.perf_counter() - start, time.perf_counter()
    bias, weights = fit_choices(choices, 1.0)
    new_s = time.perf_counter() - start
    gap = max(abs(a - b) for a, b in zip([old_bias, *old_weights], [bias, *weights], strict=True))
    print(f"  {len(choices)} records, 20 features: Gaussian elimination {old_s:.2f} s, numpy {new_s:.2f} s")
    print(f"  largest difference in a fitted weight: {gap:.1e}")


Probabilities = Callable[[object, list[list[float]]], list[float]]


def bench_trees(quick: bool) -> None:
    print("\n== trees: the pair model on the DeepMatcher splits (fitted on train, threshold on valid)")
    try:
        import sklearn.ensemble  # noqa: F401  (loaded before the thread limit, which binds loaded libraries)
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("  scikit-learn is not installed (pip install scikit-learn): skipped")
        return
    print(f"  {'':36s}{'F1':>7s}{'fit s':>8s}{'µs/row, 10 a call':>19s}{'same twice':>12s}")
    for dataset in ("abt-buy", "amazon-google"):
        try:
            split, records = read_splits(
                {s: ditto_pairs(dataset, s)[: 1500 if quick else None] for s in ("train", "valid", "test")}
            )
        except Missing as missing:
            print(f"  MISSING, skipped: {missing}")
            return
        idf = Idf(records)
        rows = {s: [pair_features(a, b, idf) for a, b, _ in pairs] for s, pairs in split.items()}
        labels = {s: [y for *_, y in pairs] for s, pairs in split.items()}
        print(f"  {dataset} ({len(rows['train'])} train pairs)")
        _report_trees("hand-written trees", rows, labels, boost, _hand_probabilities)
        with threadpool_limits(1):  # the service's workers are processes: one thread each
            _report_trees("HistGradientBoostingClassifier", rows, labels, _hist_boost, _hist_probabilities)
    for module in ("matchers.trees", "sklearn.ensemble"):
        seconds, megabytes = _import_cost(module)
        print(f"  import {module}: {seconds:.2f} s, peak RSS of the process {megabytes:.0f} MB")


def _report_trees(
    name: str,
    rows: dict[str, list[list[float]]],
    labels: dict[str, list[int]],
    fit: Callable[[list[list[float]], list[int]], object],
    probabilities: Probabilities,
) -> None:
    model, fit_s = timed(lambda: fit(rows["train"], labels["train"]))
    cut = best_threshold(probabilities(model, rows["valid"]), labels["valid"])
    test_f1 = f1([int(p >= cut) for p in probabilities(model, rows["test"])], labels["test"])[0]
    sample = rows["test"][:200]
    _, predict_s = timed(lambda: [probabilities(model, sample[i : i + 10]) for i in range(0, len(sample), 10)])
    same = probabilities(fit(rows["train"], labels["train"]), sample) == probabilities(model, sample)
    print(f"  {name:36s}{test_f1:7.3f}{fit_s:8.1f}{predict_s / len(sample) * 1e6:19.0f}{str(same):>12s}")


def _hist_boost(rows: list[list[float]], labels: list[int]) -> object:
    """The hand-written trees' settings: 200 rounds of depth 3 at rate 0.1, 32 bins, L2 1."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.1, max_depth=3, max_bins=32, l2_regularization=1.0, early_stopping=False
    )
    return model.fit(np.asarray(rows), np.asarray(labels))


def _hist_probabilities(model: object, rows: list[list[float]]) -> list[float]:
    import numpy as np

    return list(model.predict_proba(np.asarray(rows))[:, 1])  # type: ignore[attr-defined]


def _hand_probabilities(model: object, rows: list[list[float]]) -> list[float]:
    return [model.probability(r) for r in rows]  # type: ignore[attr-defined]


def _import_cost(module: str) -> tuple[float, float]:
    code = (
        "import time; t = time.perf_counter(); import " + module + "; "
        "from benchmarks.read_sheet import peak_megabytes; print(time.perf_counter() - t, peak_megabytes())"
    )
    seconds, megabytes = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
    return float(seconds), float(megabytes)


def bench_encodings(quick: bool) -> None:
    print("\n== encodings: old heuristic against charset-normalizer (common.encodings)")
    print(f"  {'file':34s}{'old':>22s}{'ms':>8s}{'new':>22s}{'ms':>8s}")
    for count in (100, 5000 if quick else 20000):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(catalog_row(n) for n in range(count))
        simplified = buffer.getvalue()
        for encoding, text in (
            ("utf-8", simplified),
            ("gbk", simplified),
            ("gb18030", simplified + "䶮牌门锁 €\n"),
            ("utf-16", simplified),
            ("big5", to_traditional(simplified)),
        ):
            sample = text.encode(encoding)[: 1 << 20]
            sample = sample[: sample.rfind(b"\n") + 1] if encoding != "utf-16" else sample
            line = f"  {f'{encoding}, {count} rows ({len(sample):,} bytes)':34s}"
            for detect in (replaced.detect_encoding, detect_encoding):
                found, seconds = timed(lambda detect=detect, sample=sample: detect(sample))  # type: ignore[misc]
                right = sample.decode(str(found), "replace") == sample.decode(encoding)
                line += f"{found!s:>14s} {'right' if right else 'WRONG':>7s}{seconds * 1000:8.1f}"
            print(line)


def bench_sheets(quick: bool) -> None:
    print("\n== sheets: a catalog workbook read row by row (each reader in its own process)")
    count = 20000 if quick else 200000
    with tempfile.TemporaryDirectory() as folder:
        xlsx, xls = Path(folder) / "catalog.xlsx", Path(folder) / "catalog.xls"
        _write_xlsx(xlsx, count)
        _write_xls(xls, min(count, 65535))
        for path, readers in ((xlsx, ("openpyxl", "calamine")), (xls, ("calamine",))):
            for reader in readers:
                rows, seconds, megabytes = _read_sheet(reader, path)
                print(
                    f"  {path.suffix} {rows:,} rows by {reader:9s}{seconds:8.2f} s{rows / seconds:10,.0f} rows/s"
                    f"   peak RSS {megabytes:.0f} MB"
                )
        _, _, megabytes = _read_sheet("none", xlsx)
    print(f"  a process that only imports both readers: peak RSS {megabytes:.0f} MB")


def _read_sheet(reader: str, path: Path) -> tuple[int, float, float]:
    """Rows, seconds and peak RSS (MB) of reading `path` with `reader` in a process of its own."""
    command = [sys.executable, "-m", "benchmarks.read_sheet", reader, str(path)]
    rows, seconds, megabytes = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return int(rows), float(seconds), float(megabytes)


def _write_xlsx(path: Path, count: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for n in range(count):
        sheet.append(catalog_row(n))
    workbook.save(path)


def _write_xls(path: Path, count: int) -> None:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("catalog")
    for c, header in enumerate(HEADERS):
        sheet.write(0, c, header)
    for n in range(count):
        for c, value in enumerate(catalog_row(n)):
            sheet.write(n + 1, c, value)
    workbook.save(str(path))


SECTIONS = {"logistic": bench_logistic, "trees": bench_trees, "encodings": bench_encodings, "sheets": bench_sheets}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a quick look")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), default=list(SECTIONS))
    args = parser.parse_args()
    if args.quick:
        print("QUICK RUN: smaller samples; figures are rough")
    for name in args.only:
        SECTIONS[name](args.quick)


if __name__ == "__main__":
    main()
