"""The same records get the same results in every process, whatever its string hash seed (bulk
engines split a catalog over processes and must agree row for row): candidates, scores, the
values checked and the warnings, in the same order."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import json
from matchers import Matcher
from seed_data.cpms_standard import load_cpms
cpms = load_cpms()
matcher = Matcher.from_bundles([cpms])
texts = [i.labels.zh_hans.replace("×", "*") for i in cpms.items[::60]] + ["不锈钢 螺丝", "六角", "合页 4寸", "扳手"]
texts += ["304不锈钢六角螺栓 M8*30 镀锌 8.8级 GB/T 5783", "自钻自攻螺钉 220v 800w"]
out = []
for text in texts:
    for kind in ("class", "item"):
        result = matcher.match(text, scheme="CPMS", kind=kind)
        checks = [[(a.key, a.record) for a in c.attributes] for c in result.candidates]
        out.append([[(c.code, c.score, c.matched_terms) for c in result.candidates], checks, result.warnings])
print(json.dumps(out, ensure_ascii=False))
"""


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True).stdout


def test_results_do_not_depend_on_the_hash_seed() -> None:
    first, second = _run("1"), _run("2")
    assert first.count("[") > 100, "the script matched records"
    assert first == second
