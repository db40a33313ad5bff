"""Binder: repo2docker accepts binder/, its pins are the course's, and postBuild works."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BINDER = ROOT / "binder"
BIN = Path(sys.executable).parent


def runtime_pins(text: str) -> list[str]:
    """Requirement lines (no comments) before the test-only section of requirements.txt."""
    body = text.split("\n# Tests\n")[0]
    return [line for line in body.splitlines() if line.strip() and not line.startswith("#")]


def test_binder_pins_are_the_runtime_pins_of_requirements_txt():
    course = runtime_pins((ROOT / "requirements.txt").read_text())
    binder = runtime_pins((BINDER / "requirements.txt").read_text())
    assert binder == course
    assert any(line.startswith("tensorflow-cpu==") for line in binder)
    assert all("==" in line for line in binder)


def test_binder_uses_python_311():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"


@pytest.mark.slow
def test_repo2docker_accepts_the_repository():
    result = subprocess.run(
        [str(BIN / "jupyter-repo2docker"), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout + result.stderr
    assert "python=3.11" in dockerfile
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "./binder/postBuild" in dockerfile


@pytest.mark.slow
def test_binder_requirements_resolve(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(tmp_path / "report.json"),
            "-r",
            str(BINDER / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    chosen = {re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower() for i in report["install"]}
    assert {"tensorflow-cpu", "nbgrader", "jupyterlab", "numpy"} <= chosen
