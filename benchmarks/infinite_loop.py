"""What one student's infinite loop costs the class: `autograder grade` with and without it.

    .venv/bin/python benchmarks/infinite_loop.py [--students 20] [--jobs 2] [ASSIGNMENT]

Grades a class of correct submissions (default 01-neuron, 20 students, 2 jobs) twice with the real
command and the default, calibrated time limits: once as it is, once with one student's answer
replaced by ``while True: pass`` in the last exercise. Prints both wall times, their ratio (the
issue's target: at most 1.5) and the time limits the grader chose.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def make_class(assignment: str, n: int, folder: Path, looping: bool) -> None:
    solution = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text())
    answers = [c for c in solution["cells"] if _gid(c).endswith("-solution")]
    for i in range(n):
        nb = json.loads(json.dumps(solution))
        if looping and i == 0:
            last = _gid(answers[-1])
            for cell in nb["cells"]:
                if _gid(cell) == last:
                    cell["source"] = "while True:\n    pass\n"
        path = folder / f"s{i:03d}" / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(nb))


def _gid(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def grade(assignment: str, subs: Path, work: Path, jobs: int) -> tuple[float, str]:
    out = work / "out"
    cmd = [str(BIN / "autograder"), "grade", assignment, str(subs), "--out", str(out)]
    cmd += ["--db", f"sqlite:///{work / 'gb.db'}", "--jobs", str(jobs), "--quiet"]
    cmd += ["--state", str(work / "state")]
    start = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, env=ENV, check=True, capture_output=True)
    seconds = time.monotonic() - start
    limits = next(
        (
            ln.split("INFO ", 1)[1]
            for ln in (out / "grade.log").read_text().splitlines()
            if "time limits" in ln
        ),
        "?",
    )
    return seconds, limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="01-neuron")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    times = {}
    for looping in (False, True):
        work = Path(tempfile.mkdtemp(prefix="ag-bench-loop-"))
        try:
            make_class(args.assignment, args.students, work / "subs", looping)
            times[looping], limits = grade(args.assignment, work / "subs", work, args.jobs)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.assignment}, {args.students} students, --jobs {args.jobs}; {limits}")
    print(f"  class as it is:                {times[False]:7.1f} s")
    print(f"  with one infinite-loop student: {times[True]:7.1f} s")
    print(f"  ratio:                          {times[True] / times[False]:7.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
