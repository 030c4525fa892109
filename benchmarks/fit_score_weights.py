"""Fit the default score weights (`matchers.score.DEFAULT_WEIGHTS`) on training data only.

    python -m benchmarks.fit_score_weights [--per-task N] [--kind class item]

Pools the candidates of labelled queries from the calibration setups of the classification tasks
(MWPD offers held out of its train split, Taiwan tariff lines held out of the example half,
generated CPMS records from the even items and another random seed than the benchmark's, the
Amazon-Google full tables and the Abt records with even ids of the Abt-Buy full tables for
record-to-record matching; the benchmark reports Abt-Buy on the odd ids), fits one logistic
regression (each task counting alike) for matching to classes and one for matching to items and records, and prints them
as Python to paste into `matchers/score.py`.
"""

from __future__ import annotations

import argparse
import math

from benchmarks.matching_tasks import Task, catalog_task, cpms_tasks, mwpd_task, tariff_task
from matchers.logistic import choice_probabilities
from matchers.score import HAND_SET, Labelled, fit_weights
from matchers.snapshot import Kind


def _rows(task: Task) -> list[Labelled]:
    return list(task.matcher.labelled_features(task.queries, task.scheme, task.kind, task.level))


def _fit(name: Kind, tasks: list[Task]) -> None:
    rows, shares = [], []
    for task in tasks:
        task_rows = _rows(task)
        print(f"# {task.name}: {len(task.queries)} queries")
        rows += task_rows
        shares += [1000 / len(task_rows)] * len(task_rows)  # each task counts as 1,000 records
    weights = fit_weights(rows, HAND_SET[name], weights=shares)
    loss = 0.0
    for candidates, right in rows:
        probabilities = choice_probabilities([weights.logit(x) for x in candidates])
        loss -= math.log(max(1e-12, probabilities[right] if right is not None else 1 - sum(probabilities)))
    print(f"# log loss {loss / len(rows):.4f} per record on {len(rows)} records")
    print(f'    "{name}": ScoreWeights(\n        bias={weights.bias:.4f},\n        weights={{')
    for feature, value in weights.weights.items():
        print(f'            "{feature}": {value:.4f},')
    print("        },\n    ),")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-task", type=int, default=1500, help="labelled queries per task")
    parser.add_argument("--kind", nargs="*", choices=("class", "item"), default=["class", "item"])
    args = parser.parse_args()
    n = args.per_task
    print("DEFAULT_WEIGHTS: dict[Kind, ScoreWeights] = {")
    if "class" in args.kind:
        _fit("class", [mwpd_task("train", n), tariff_task("train", n), cpms_tasks("train", n)[0]])
    if "item" in args.kind:
        tasks = [cpms_tasks("train", n)[1], catalog_task("amazon-google", None, n), catalog_task("abt-buy", "train", n)]
        _fit("item", tasks)
    print("}")


if __name__ == "__main__":
    main()
