"""Where the test suite's time goes: per test module, from the last run's JUnit report.

    .venv/bin/python benchmarks/test_times.py [build/pytest-report.xml]

Every pytest run writes build/pytest-report.xml (pyproject.toml). This prints, per module, the
number of tests and their summed time (set-up, call and tear-down), largest first, and each
module's share of the whole: with `--dist loadfile` a module runs on one worker, so on W workers
a module of T seconds adds about T / W to the wall time when the others keep the rest busy.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "build" / "pytest-report.xml"
    if not path.is_file():
        print(f"{path}: no report (run the tests first)", file=sys.stderr)
        return 2
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("file") or case.get("classname", "?").replace(".", "/") + ".py"
        seconds[module] += float(case.get("time") or 0)
        counts[module] += 1
    total = sum(seconds.values())
    print(f"{'module':48} {'tests':>6} {'seconds':>9} {'share':>6}")
    for module, t in sorted(seconds.items(), key=lambda kv: -kv[1]):
        print(f"{module:48} {counts[module]:6d} {t:9.1f} {t / total:6.1%}")
    print(f"{'all':48} {sum(counts.values()):6d} {total:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
