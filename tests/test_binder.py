"""Binder: repo2docker accepts binder/, its pins are the course's, and postBuild works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
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


@pytest.mark.slow
def test_postbuild_installs_the_package_and_hides_instructor_tools(tmp_path):
    # A copy of the tracked files, so the package build leaves nothing in the work tree.
    repo = tmp_path / "repo"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    # A fresh venv. Jupyter itself comes from the test environment (through a .pth file and PATH)
    # so that the test does not download 1.5 GB; the package must be installed by postBuild.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "outer-jupyter.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # nbgrader's installed config enables its server extensions, as in the Binder image.
    conf_d = venv / "etc/jupyter/jupyter_server_config.d"
    conf_d.mkdir(parents=True)
    shutil.copy(Path(sys.prefix) / "etc/jupyter/jupyter_server_config.d/nbgrader.json", conf_d)
    env = {
        "PATH": os.pathsep.join([str(venv / "bin"), os.environ["PATH"]]),
        "HOME": str(tmp_path),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    result = subprocess.run(
        ["bash", "binder/postBuild"], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import autograder.checks as c; print(c.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(site)), where.stdout

    page = json.loads((venv / "etc/jupyter/labconfig/page_config.json").read_text())
    disabled = page["disabledExtensions"]
    for plugin in ("formgrader", "create-assignment", "course-list", "assignment-list"):
        assert disabled.get(f"@jupyter/nbgrader:{plugin}") is True
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    # What a server started from this environment would load:
    effective = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import json\n"
            "from jupyter_core.paths import jupyter_config_path\n"
            "from jupyter_server.extension.config import ExtensionConfigManager as M\n"
            "print(json.dumps(M(read_config_path=jupyter_config_path()).get_jpserver_extensions()))",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    extensions = json.loads(effective.stdout)
    for ext in ("formgrader", "course_list", "assignment_list"):
        assert extensions[f"nbgrader.server_extensions.{ext}"] is False
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
