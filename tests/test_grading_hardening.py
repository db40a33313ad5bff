"""The real `autograder grade` on tiny classes of 01-neuron notebooks: collection and the
grader's own infrastructure (reviews/redteam-1.md: A1, E3, D9, D10, D1, E2).

Each test grades a class of a few copies of the solution (11 points) and one odd entry: a hand-in
that is a symbolic link, a folder name that looks like an LMS download, a student id that is a
spreadsheet formula, a worker process killed in the middle of the run, a kernel that sends lone
surrogates, right answers that print progress at every step.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from autograder.grading.report import folder_name
from tests.attacks.catalogue import ATTACKS, HONEST_CONTROLS
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli, read_csv, state_of, state_root

pytestmark = pytest.mark.slow

A = "01-neuron"
NB = f"{A}.ipynb"
SOLUTION = COURSE.source_notebook(A)
RELEASE = ROOT / "notebooks" / A / NB
MAX = 11.0
OUTPUT_FILES = ("grades.csv", "exercises.csv", "lms.csv", "report.html")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIMITS = ("--jobs", "2", "--timeout", "10", "--memory-mb", "1500")


def gid(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def solution_copy(folder: Path, name: str = NB) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOLUTION, folder / name)
    return folder / name


def with_answer(folder: Path, exercise: str, code: str) -> None:
    nb = json.loads(SOLUTION.read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if gid(c) == f"{exercise}-solution"]
    cell["source"] = code
    folder.mkdir(parents=True)
    (folder / NB).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def csv_cells(out: Path) -> list[tuple[str, str]]:
    cells = []
    for name in ("grades.csv", "exercises.csv", "lms.csv"):
        with open(out / name, newline="", encoding="utf-8") as f:
            cells += [(name, c) for row in csv.reader(f) for c in row]
    return cells


def scores(out: Path) -> dict[str, float]:
    return {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}


def run(tmp: Path, subs: Path, name: str = "out", *extra: str) -> subprocess.CompletedProcess:
    out = tmp / name
    tmpdir = tmp / "t"
    tmpdir.mkdir(exist_ok=True)
    return grade_cli(
        A,
        subs,
        out,
        tmp / "gradebook.db",
        *(extra or LIMITS),
        env={"TMPDIR": str(tmpdir)},
        timeout=900,
    )


def assert_complete(r: subprocess.CompletedProcess, out: Path) -> None:
    """Exit 0; every output file and one feedback file per student; no grader state in --out."""
    assert r.returncode == 0, r.stderr[-3000:]
    missing = [n for n in OUTPUT_FILES if not (out / n).is_file()]
    for student in scores(out):
        if student.startswith("'") and student[1:].startswith(FORMULA_START):
            student = student[1:]  # the CSV's neutralised id: the feedback folder has the real one
        if not (out / "feedback" / folder_name(student) / f"{A}.html").is_file():
            missing.append(f"feedback of {student!r}")
    assert missing == []
    assert [p for p in out.rglob("*") if p.name in (".work", ".cache")] == []


def executed_count(out: Path) -> int:
    """How many submissions the last run executed ("N to execute" in grade.log)."""
    counts = re.findall(r"(\d+) to execute", (out / "grade.log").read_text(encoding="utf-8"))
    return int(counts[-1])


# --- A1 and D9: hand-ins that are links; a student id that is a formula -------------------------


@pytest.fixture(scope="module")
def links_and_formula(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("links")
    subs = tmp / "subs"
    solution_copy(subs / "honest")
    solution_copy(subs / "=1+1")
    (subs / "symlink_solution").mkdir()
    os.symlink(SOLUTION, subs / "symlink_solution" / NB)
    (subs / "symlink_copycat").mkdir()
    os.symlink(Path("..") / "honest" / NB, subs / "symlink_copycat" / NB)
    return tmp / "out", run(tmp, subs)


def test_a_linked_hand_in_gets_nothing_and_is_flagged(links_and_formula):
    out, r = links_and_formula
    assert_complete(r, out)
    assert scores(out) == {
        "honest": MAX,
        "'=1+1": MAX,
        "symlink_solution": 0.0,
        "symlink_copycat": 0.0,
    }
    report = (out / "report.html").read_text(encoding="utf-8")
    for student in ("symlink_solution", "symlink_copycat"):
        feedback = (out / "feedback" / student / f"{A}.html").read_text(encoding="utf-8")
        assert "символическая ссылка" in feedback
        assert "BEGIN SOLUTION" not in feedback and "X.T @" not in feedback
        assert student in report.split("Требуют внимания")[1]


def test_a_formula_student_id_is_neutralised_in_every_csv(links_and_formula):
    out, r = links_and_formula
    assert_complete(r, out)
    cells = csv_cells(out)
    assert [c for c in cells if c[1].startswith(FORMULA_START)] == []
    for name in ("grades.csv", "exercises.csv", "lms.csv"):
        assert (name, "'=1+1") in cells, name


# --- E3: one folder name that looks like an LMS download -----------------------------------------


def test_an_lms_looking_folder_does_not_drop_the_class(tmp_path):
    subs = tmp_path / "subs"
    for student in ("ivanov", "petrova", "st_2023_101_sidorov"):
        solution_copy(subs / student)
    r = run(tmp_path, subs)
    out = tmp_path / "out"
    assert_complete(r, out)
    assert scores(out) == {"ivanov": MAX, "petrova": MAX, "st_2023_101_sidorov": MAX}


# --- D10: a worker process dies in the middle of the run ------------------------------------------


def grade_command(subs: Path, out: Path, db: Path) -> list[str]:
    cmd = [sys.executable, "-m", "autograder.cli", "grade", A, str(subs), "--out", str(out)]
    return cmd + ["--db", f"sqlite:///{db}", "--quiet", *LIMITS, "--state", str(state_root(out))]


def workers(grader: psutil.Process) -> list[psutil.Process]:
    """The run's worker processes: children of the command running the same interpreter (forked
    from it), not kernels."""
    found = []
    for child in grader.children():
        try:
            cmd = child.cmdline()
        except psutil.Error:
            continue
        if cmd[:1] == [sys.executable] and not any("ipykernel" in part for part in cmd):
            found.append(child)
    return found


def mounted_under(folder: Path) -> list[str]:
    mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    return [m.split()[4] for m in mounts if m.split()[4].startswith(str(folder) + "/")]


@pytest.fixture(scope="module")
def worker_killed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workerkill")
    subs, out, db = tmp / "subs", tmp / "out", tmp / "gradebook.db"
    students = {f"s{i}": MAX for i in range(1, 6)}
    for student in students:
        solution_copy(subs / student)
    (subs / "blank").mkdir(parents=True)
    shutil.copyfile(RELEASE, subs / "blank" / NB)
    students["blank"] = 0.0
    tmpdir = tmp / "t"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    proc = subprocess.Popen(
        grade_command(subs, out, db),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cache = state_of(A, out) / "cache"
    killed = None
    deadline = time.monotonic() + 600
    while proc.poll() is None and time.monotonic() < deadline:
        if list(cache.glob("*.json")):
            found = workers(psutil.Process(proc.pid))
            if found:
                killed = found[0].pid
                os.kill(killed, signal.SIGKILL)
                break
        time.sleep(0.1)
    stdout, stderr = proc.communicate(timeout=900)
    first = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    left_mounted = mounted_under(tmpdir)
    left_files = sorted(str(p) for p in tmpdir.iterdir())
    grades_first = scores(out) if (out / "grades.csv").exists() else {}
    rerun = grade_cli(A, subs, out, db, *LIMITS, env={"TMPDIR": str(tmpdir)}, timeout=900)
    yield {
        "out": out,
        "cache": cache,
        "students": students,
        "killed": killed,
        "first": first,
        "grades_first": grades_first,
        "rerun": rerun,
        "mounted": left_mounted,
        "left": left_files,
    }
    for point in mounted_under(tmpdir):
        subprocess.run(["umount", "-l", point], check=False)


def test_a_killed_worker_costs_nobody_a_point(worker_killed):
    w = worker_killed
    assert w["killed"], "no worker process was found to kill"
    assert_complete(w["first"], w["out"])
    assert w["grades_first"] == w["students"]


def test_a_killed_worker_is_not_cached_as_a_failure(worker_killed):
    w = worker_killed
    for path in sorted(w["cache"].glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))["result"]
        assert not result.get("infrastructure"), path.stem
        assert not str(result.get("problem", "")).startswith("сбой"), (path.stem, result["problem"])
    assert_complete(w["rerun"], w["out"])
    assert executed_count(w["out"]) == 0
    assert scores(w["out"]) == w["students"]


def test_a_killed_worker_leaves_nothing_on_the_host(worker_killed):
    """The dead worker could not clean up its kernel's run folder (a tmpfs): the run must."""
    assert worker_killed["mounted"] == [], "run folders still mounted after the run"
    assert worker_killed["left"] == [], "run folders left in the grader's TMPDIR"


# --- D1: lone surrogates from a kernel, graded twice ----------------------------------------------


def test_lone_surrogates_never_stop_the_reports_nor_the_rerun(tmp_path):
    (attack,) = [a for a in ATTACKS if a.name == "raw_surrogate_error"]
    subs = tmp_path / "subs"
    solution_copy(subs / "honest")
    with_answer(subs / attack.name, attack.exercise, attack.code)
    out = tmp_path / "out"
    for attempt in range(2):
        r = run(tmp_path, subs)
        assert_complete(r, out)
        assert scores(out) == {"honest": MAX, attack.name: MAX - 2}, attempt
        text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.csv"))
        text += "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
        assert not re.search("[\ud800-\udfff\x00\x1b]", text)
    assert executed_count(out) == 0


# --- E2: honest progress printing, under the grader's own time limits ----------------------------


def test_honest_progress_printing_keeps_full_marks(tmp_path):
    subs = tmp_path / "subs"
    for name, exercise, code in HONEST_CONTROLS:
        with_answer(subs / name, exercise, code)
    r = run(tmp_path, subs, "out", "--jobs", "2", "--memory-mb", "1500")
    out = tmp_path / "out"
    assert_complete(r, out)
    reasons = {
        (x["student_id"], x["exercise"]): x["reason"]
        for x in read_csv(out / "exercises.csv")
        if x["reason"]
    }
    assert scores(out) == {name: MAX for name, _, _ in HONEST_CONTROLS}, reasons
