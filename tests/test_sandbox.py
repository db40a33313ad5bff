"""The grading sandbox, probed from inside: what a student's code can see and do.

A probe program runs through the very command a grading kernel is started with
(:meth:`Sandbox.command`) and reports what it found; the tests check it found nothing it should
not have. Where bubblewrap cannot be had these tests fail rather than skip: CI installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.grading.sandbox import KernelLimits, Sandbox, detect
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli

A = "01-neuron"
SOLUTION = COURSE.source_notebook(A)
RELEASE = COURSE.release_folder(A) / f"{A}.ipynb"

PROBE = textwrap.dedent(
    """
    import json, os, resource, socket, sys
    root = sys.argv[1]
    seen = {"uid": os.getuid(), "euid": os.geteuid(), "cwd": os.getcwd()}
    seen["course_visible"] = [
        p for p in ("solutions", "gradebook.db", "nbgrader_config.py", "tests", "notebooks")
        if os.path.exists(os.path.join(root, p))
    ]
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=2)
        seen["network"] = "connected"
    except OSError as e:
        seen["network"] = type(e).__name__
    try:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        seen["loopback_bind"] = "ok"
    except OSError as e:
        seen["loopback_bind"] = type(e).__name__
    def can_write(path):
        try:
            with open(os.path.join(path, "probe-write"), "w") as f:
                f.write("x")
            os.remove(os.path.join(path, "probe-write"))
            return True
        except OSError:
            return False
    seen["writable"] = [p for p in ("/usr", "/etc", sys.prefix, root, "/tmp", os.environ["HOME"])
                        if can_write(p)]
    seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    seen["limits"] = {
        name: resource.getrlimit(getattr(resource, "RLIMIT_" + name.upper()))
        for name in ("cpu", "nproc", "fsize", "nofile", "as")
    }
    seen["env"] = sorted(os.environ)
    try:
        open("/etc/shadow").read(1)
        seen["shadow"] = "read"
    except OSError as e:
        seen["shadow"] = type(e).__name__
    import autograder.checks, numpy  # the kernel's needs are there
    seen["imports"] = "ok"
    print(json.dumps(seen))
    """
)


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    found = detect()
    assert found.isolated, f"bubblewrap sandbox unavailable: {found.warning}"
    return found


def run_inside(sandbox: Sandbox, argv: list[str], data: Path | None = None):
    """Run ``argv`` through the command a grading kernel is started with."""
    with sandbox.claim_user(0) as uid:
        run_dir = sandbox.make_run_dir(uid)
        try:
            limits = KernelLimits(cpu_seconds=30)
            cmd = sandbox.command(argv, run_dir, uid, limits, sandbox.env({}), data)
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={})
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def probe(sandbox: Sandbox) -> dict:
    out = run_inside(sandbox, [sys.executable, "-c", PROBE, str(ROOT)])
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_kernel_user_is_unprivileged(sandbox):
    seen = probe(sandbox)
    assert seen["uid"] != 0 and seen["euid"] != 0
    if os.getuid() == 0:  # as root, a private user per kernel, never shared by two at once
        with sandbox.claim_user(0) as first, sandbox.claim_user(0) as second:
            assert first != second and {first, second} <= set(range(61000, 65000))
    assert seen["shadow"] == "PermissionError" or seen["shadow"] == "FileNotFoundError"


def test_nothing_of_the_course_is_visible(sandbox):
    seen = probe(sandbox)
    assert seen["course_visible"] == []
    assert seen["imports"] == "ok"


def test_no_network(sandbox):
    seen = probe(sandbox)
    assert seen["network"] != "connected"
    # Loopback exists but is the sandbox's own: nothing of the host listens on it.
    assert seen["loopback_bind"] in ("ok", "OSError")


def test_system_paths_are_read_only_and_tmp_is_private(sandbox):
    seen = probe(sandbox)
    assert sorted(seen["writable"]) == sorted(["/tmp", "/home/student"])
    assert seen["cwd"] == "/home/student"


def test_own_pid_namespace(sandbox):
    pids = probe(sandbox)["pids"]
    assert len(pids) < 10 and 1 in pids  # bubblewrap's init, the probe; no host process


def test_resource_limits_are_hard(sandbox):
    limits = probe(sandbox)["limits"]
    want = KernelLimits(cpu_seconds=30)
    assert limits["cpu"] == [30, 30]
    assert limits["nproc"] == [want.processes, want.processes]
    assert limits["fsize"] == [want.file_bytes, want.file_bytes]
    assert limits["nofile"] == [want.open_files, want.open_files]
    assert limits["as"] == [want.address_space, want.address_space]


def test_environment_is_the_kernels_own(sandbox):
    env = probe(sandbox)["env"]
    assert not [k for k in env if k.startswith("AUTOGRADER_REFERENCE")]
    assert set(env) <= set(sandbox.env({})) | {"PWD", "SHLVL", "_", "LC_CTYPE"}


def test_assignment_data_files_are_in_the_home_read_only(sandbox, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "points.csv").write_text("1,2\n")
    code = (
        "print(open('points.csv').read().strip())\n"
        "try:\n    open('points.csv', 'a').write('x')\nexcept OSError:\n"
        "    print('refused')\n"
    )
    out = run_inside(sandbox, [sys.executable, "-c", code], data)
    assert out.stdout.split() == ["1,2", "refused"]
    assert (data / "points.csv").read_text() == "1,2\n"


def test_missing_bubblewrap_is_reported(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_BWRAP", "/no/such/bwrap")
    found = detect()
    assert not found.isolated and "bubblewrap" in found.warning


def _grade_without_bwrap(tmp_path, *extra: str) -> subprocess.CompletedProcess:
    subs = tmp_path / "subs"
    for student, source in (("correct", SOLUTION), ("blank", RELEASE)):
        (subs / student).mkdir(parents=True)
        shutil.copy(source, subs / student / f"{A}.ipynb")
    out, db = tmp_path / "out", tmp_path / "gb.db"
    return grade_cli(A, subs, out, db, *extra, env={"AUTOGRADER_BWRAP": "/no/such/bwrap"})


@pytest.mark.slow
def test_without_bubblewrap_grading_warns_loudly_and_still_confines(tmp_path):
    result = _grade_without_bwrap(tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ВНИМАНИЕ" in result.stderr and "без песочницы" in result.stderr
    assert "без песочницы" in (tmp_path / "out" / "grade.log").read_text()
    grades = (tmp_path / "out" / "grades.csv").read_text()
    assert f"blank,{A},0,11" in grades and f"correct,{A},11,11" in grades


@pytest.mark.slow
def test_sandbox_require_refuses_to_grade_without_bubblewrap(tmp_path):
    result = _grade_without_bwrap(tmp_path, "--sandbox", "require")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "bubblewrap" in result.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()
