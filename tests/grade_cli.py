"""Running the real `autograder grade` command from tests, as an instructor would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def grade_cli(
    assignment: str,
    submissions: Path,
    out: Path,
    db: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess:
    """`autograder grade ASSIGNMENT SUBMISSIONS --out OUT --db sqlite:///DB --quiet EXTRA...`."""
    full_env = {**os.environ, **(env or {})}
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    cmd = [sys.executable, "-m", "autograder.cli", "grade", assignment, str(submissions)]
    cmd += ["--out", str(out), "--db", f"sqlite:///{db}", "--quiet", *extra]
    return subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, env=full_env, timeout=timeout
    )
