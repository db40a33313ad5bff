"""`autograder grade --scheduler`: a class graded on a real Dask LocalCluster (worker processes over
TCP on 127.0.0.1, bubblewrap sandbox required) writes exactly what local grading writes — also
when a worker process is killed in the middle of a task — and a bad or unreachable scheduler is a
one-line instructor error.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from nbgrader.api import Gradebook

from autograder.errors import CourseError
from autograder.grading.distributed import parse
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli, state_of, state_root
from tests.mutants import catalogue

A = "01-neuron"
NB = f"{A}.ipynb"
SOLUTION = COURSE.source_notebook(A)
RELEASE = COURSE.release_folder(A) / NB
LIMITS = ["--timeout", "5", "--memory-mb", "600", "--sandbox", "require"]
# Written by both paths but holding timings, paths and the scheduler's address.
NOT_COMPARED = {"grade.log"}


def with_answer(exercise: str, code: str) -> str:
    nb = json.loads(SOLUTION.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{exercise}-solution":
            cell["source"] = code
    return json.dumps(nb, ensure_ascii=False)


def make_class(root: Path) -> Path:
    """Correct, blank, a mutant each kind of test catches, broken JSON, a kernel that exits; and
    a roster with an absent student."""
    mutants = catalogue(A)
    visible = next(m for m in mutants if m.caught_by == "visible")
    hidden = next(m for m in mutants if m.caught_by == "hidden")
    notebooks = {
        "correct": SOLUTION.read_text(encoding="utf-8"),
        "blank": RELEASE.read_text(encoding="utf-8"),
        "visible_mutant": with_answer(visible.exercise, visible.source),
        "hidden_mutant": with_answer(hidden.exercise, hidden.source),
        "broken": SOLUTION.read_text(encoding="utf-8")[:3000],
        "exits": with_answer("network", "import os\nos._exit(0)\n"),
    }
    for student, text in notebooks.items():
        (root / "subs" / student).mkdir(parents=True)
        (root / "subs" / student / NB).write_text(text, encoding="utf-8")
    roster = root / "roster.csv"
    roster.write_text("student_id\n" + "\n".join([*notebooks, "absent"]) + "\n")
    return roster


def run(root: Path, name: str, *extra: str, env: dict | None = None):
    out, db = root / name, root / f"{name}.db"
    args = [*LIMITS, "--roster", str(root / "roster.csv"), *extra]
    return grade_cli(A, root / "subs", out, db, *args, env=env), out, db


def outputs(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in NOT_COMPARED
    }


def gradebook(db: Path) -> dict[tuple[str, str], float]:
    """Every cell's score in the gradebook, per student."""
    scores = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for student in gb.students:
            nb = gb.find_submission_notebook(A, A, student.id)
            for g in nb.grades:
                scores[(student.id, g.name)] = float(g.score)
    return scores


def assert_same_as_local(local, out: Path, db: Path) -> None:
    _, local_out, local_db = local
    expected, got = outputs(local_out), outputs(out)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], f"{name} differs from local grading"
    assert gradebook(db) == gradebook(local_db)


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    root = tmp_path_factory.mktemp("distributed")
    make_class(root)
    result, out, db = run(root, "local", "--jobs", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return root, out, db


@pytest.mark.slow
def test_a_local_cluster_grades_exactly_as_the_local_pool(local):
    root = local[0]
    result, out, db = run(root, "dask", "--scheduler", "local:2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_as_local(local, out, db)
    grades = (out / "grades.csv").read_text(encoding="utf-8")
    # The class is what it claims to be: full marks, zeros and partial scores all occur.
    assert "correct,01-neuron,11,11" in grades and "blank,01-neuron,0,11" in grades
    log = (out / "grade.log").read_text(encoding="utf-8")
    assert "Dask scheduler tcp://127.0.0.1:" in log and ": 2 workers" in log
    assert "5 to execute" in log  # all but the broken JSON


def dask_workers(grader: psutil.Process) -> list[psutil.Process]:
    """The LocalCluster's worker processes (spawned by the grader's nannies)."""
    found = []
    for child in grader.children():
        try:
            if any("multiprocessing" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def mounted_under(folder: Path) -> list[str]:
    mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    return [m.split()[4] for m in mounts if m.split()[4].startswith(str(folder) + "/")]


@pytest.mark.slow
def test_a_worker_killed_mid_task_costs_nothing(local):
    root = local[0]
    tmpdir = root / "t"
    tmpdir.mkdir()
    out, db = root / "killed", root / "killed.db"
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    cmd = [sys.executable, "-m", "autograder.cli", "grade", A, str(root / "subs")]
    cmd += ["--out", str(out), "--db", f"sqlite:///{db}", "--quiet", *LIMITS]
    cmd += ["--roster", str(root / "roster.csv"), "--scheduler", "local:2"]
    cmd += ["--state", str(state_root(out))]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    killed = None
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline and killed is None:
        for worker in dask_workers(psutil.Process(proc.pid)):
            try:
                lines = [" ".join(k.cmdline()) for k in worker.children(recursive=True)]
            except psutil.Error:
                continue
            # A kernel started afresh, or one forked from the worker's zygote (same cmdline).
            busy = any("ipykernel_launcher" in line for line in lines) or (
                sum("autograder.grading.zygote" in line for line in lines) > 1
            )
            if busy:
                killed = worker.pid
                os.kill(killed, signal.SIGKILL)
                break
        time.sleep(0.2)
    stdout, stderr = proc.communicate(timeout=600)
    assert killed, "no busy Dask worker process was found to kill"
    assert proc.returncode == 0, stderr[-3000:]
    assert_same_as_local(local, out, db)
    # The scheduler ran the lost task again: grade.py never saw a failure, nothing was flagged
    # or cached as the machine's fault.
    log = (out / "grade.log").read_text(encoding="utf-8")
    assert "(attempt" not in log, log
    for path in sorted((state_of(A, out) / "cache").glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))["result"]
        assert not result.get("infrastructure"), path.stem
    # What the dead worker could not clean up (its kernel's run folder, a tmpfs) was swept.
    assert mounted_under(tmpdir) == []
    assert sorted(p.name for p in tmpdir.glob("ag-*")) == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    (tmp_path / "subs" / "s1").mkdir(parents=True)
    shutil.copy(SOLUTION, tmp_path / "subs" / "s1" / NB)
    address = f"tcp://127.0.0.1:{free_port()}"
    out = tmp_path / "out"
    result = grade_cli(A, tmp_path / "subs", out, tmp_path / "gb.db", "--scheduler", address)
    assert result.returncode == 2, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"autograder: {address}: Dask scheduler unreachable"), lines[0]
    assert not (out / "grades.csv").exists()


@pytest.mark.parametrize(
    "spec", ["local:0", "local:x", "http://127.0.0.1:8786", "tcp://host", "nonsense"]
)
def test_a_malformed_scheduler_names_the_option(spec):
    with pytest.raises(CourseError) as e:
        parse(spec)
    assert str(e.value).startswith(f"--scheduler: {spec!r}: "), str(e.value)


def test_scheduler_addresses_are_read_as_dask_reads_them():
    assert parse("local:2") == ("local", 2)
    assert parse("tcp://10.0.0.5:8786") == ("address", "tcp://10.0.0.5:8786")
    assert parse("headnode:8786") == ("address", "tcp://headnode:8786")
    assert parse("tls://sched.example.org:8786") == ("address", "tls://sched.example.org:8786")
