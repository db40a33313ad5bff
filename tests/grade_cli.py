"""Running the real `autograder` commands from tests, as an instructor would, and reading what
`autograder grade` writes."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from autograder.grading.grade import state_dir
from tests.conftest import COURSE, ROOT


def state_of(assignment: str, out: Path) -> Path:
    """Where the grader keeps its work and cache for a run into ``out`` started by grade_cli."""
    return state_dir(COURSE, assignment, out, state_root(out))


def state_root(out: Path) -> Path:
    return Path(out).parent / f"{Path(out).name}.state"


def grade_cli(
    assignment: str,
    submissions: Path,
    out: Path,
    db: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess:
    """`autograder grade ASSIGNMENT SUBMISSIONS --out OUT --db sqlite:///DB --quiet EXTRA...`
    (and ``--state OUT.state``)."""
    full_env = {**os.environ, **(env or {})}
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    cmd = [sys.executable, "-m", "autograder.cli", "grade", assignment, str(submissions)]
    cmd += ["--out", str(out), "--db", f"sqlite:///{db}", "--quiet", *extra]
    if "--state" not in extra:  # the grader's own work stays beside the results, in tmp
        cmd += ["--state", str(state_root(out))]
    return subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, env=full_env, timeout=timeout
    )


def autograder_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`autograder ARGS...` run from ``cwd`` (the course by default)."""
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
