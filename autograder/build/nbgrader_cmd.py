"""Running nbgrader's own commands, with what they need on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import CourseError


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for nbgrader: it shells out to `alembic`, which lives beside our Python."""
    env = {**os.environ, **(extra or {})}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    return env


def run_nbgrader(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``nbgrader ARGS`` in ``cwd``; return its log, raise CourseError when it fails."""
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd,
        env=nbgrader_env(env),
        capture_output=True,
        text=True,
    )
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        errors = [line for line in log.splitlines() if "[ERROR]" in line or "Error" in line]
        reason = (errors or log.strip().splitlines() or ["no output"])[-1].strip()
        raise CourseError(cwd, f"nbgrader {args[0]} failed: {reason}")
    return log
