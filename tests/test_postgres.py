"""`autograder grade --db postgresql://…` against a real PostgreSQL server started by the tests.

The checks the SQLite tests make (tests/test_grade_command.py), on a small class: the gradebook's
scores equal grades.csv and equal local SQLite grading of the same class; a regrade updates only
the changed student and keeps a manual override; two assignments graded at once by two processes
into one database lose nothing.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.build.nbgrader_cmd import nbgrader_env
from autograder.grading.dblock import gradebook_lock
from autograder.grading.grade import _check_db
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli, read_csv, state_root
from tests.postgres import pg_server  # noqa: F401  (a fixture)
from tests.test_grade_command import (
    MAX,
    RELEASE,
    SOLUTION,
    WRONG_TRAIN,
    last_plan,
    load,
    set_answer,
)

pytestmark = pytest.mark.slow

A = "01-neuron"
B = "03-losses"  # the other cheap assignment (about 2.6 s of cells)
LIMITS = ("--jobs", "2", "--timeout", "10")
# student -> (score, status)
EXPECTED = {
    "correct": (MAX, "graded"),
    "blank": (0.0, "graded"),
    "partial": (MAX - 2, "graded"),
    "bad_json": (0.0, "unusable"),
    "absent": (0.0, "no submission"),
}


def grade_into(url: str, assignment: str, subs: Path, out: Path, *extra: str):
    """grade_cli into the gradebook at ``url`` (argparse keeps the ``--db`` given last)."""
    unused = out.parent / f"{out.name}-unused.db"
    result = grade_cli(assignment, subs, out, unused, *LIMITS, "--db", url, *extra)
    assert not unused.exists(), "graded into SQLite, not into PostgreSQL"
    return result


def make_class(root: Path) -> Path:
    for student, nb in (
        ("correct", load(SOLUTION)),
        ("blank", load(RELEASE)),
        ("partial", set_answer(load(SOLUTION), "train_neuron", WRONG_TRAIN)),
    ):
        (root / student).mkdir(parents=True)
        (root / student / f"{A}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (root / "bad_json").mkdir()
    (root / "bad_json" / f"{A}.ipynb").write_text(SOLUTION.read_text()[:3000], encoding="utf-8")
    roster = root.parent / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(EXPECTED) + "\n", encoding="utf-8")
    return roster


def gradebook_scores(url: str, assignment: str) -> dict[str, float]:
    with Gradebook(url) as gb:
        return {s.student.id: float(s.score) for s in gb.find_assignment(assignment).submissions}


def csv_scores(out: Path) -> dict[str, float]:
    return {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}


@pytest.fixture(scope="module")
def graded(pg_server, tmp_path_factory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("pg")
    roster = make_class(tmp / "subs")
    url = pg_server.create_database()
    result = grade_into(url, A, tmp / "subs", tmp / "out", "--roster", str(roster))
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp, url, roster


def test_class_graded_into_postgresql_equals_grades_csv(graded):
    tmp, url, _ = graded
    rows = {r["student_id"]: r for r in read_csv(tmp / "out" / "grades.csv")}
    assert {s: float(r["score"]) for s, r in rows.items()} == {
        s: score for s, (score, _) in EXPECTED.items()
    }
    assert gradebook_scores(url, A) == csv_scores(tmp / "out")
    statuses = {r["student_id"]: r["status"] for r in read_csv(tmp / "out" / "exercises.csv")}
    assert statuses["correct"] == "passed" and statuses["absent"] == "no submission"
    with Gradebook(url) as gb:  # the gradebook nbgrader itself reads: cells, maxima, students
        assert float(gb.find_assignment(A).max_score) == MAX
        assert {s.id for s in gb.students} == set(EXPECTED)
        cells = gb.find_submission_notebook(A, A, "correct").grades
        assert cells and all(g.score == g.max_score for g in cells)


def test_postgresql_and_sqlite_give_the_same_files(graded):
    tmp, _, roster = graded
    local = tmp / "local"
    result = grade_cli(A, tmp / "subs", local, tmp / "local.db", *LIMITS, "--roster", str(roster))
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("grades.csv", "exercises.csv", "lms.csv"):
        assert (local / name).read_bytes() == (tmp / "out" / name).read_bytes(), name
    assert gradebook_scores(f"sqlite:///{tmp / 'local.db'}", A) == gradebook_scores(graded[1], A)


def test_regrade_updates_only_the_changed_student_and_keeps_a_manual_override(graded, tmp_path):
    tmp, url, roster = graded
    before = csv_scores(tmp / "out")
    with Gradebook(url) as gb:  # an instructor gives back the hidden points of train_neuron
        grade = gb.find_grade("train_neuron-hidden", A, A, "partial")
        bonus = float(grade.max_score) - float(grade.auto_score)
        assert bonus > 0
        grade.manual_score = grade.max_score
        gb.db.commit()
        untouched = {
            (g.name, s): (g.auto_score, g.manual_score)
            for s in ("correct", "bad_json")
            for g in gb.find_submission_notebook(A, A, s).grades
        }
    subs = tmp_path / "subs"
    shutil.copytree(tmp / "subs", subs)
    shutil.copy(SOLUTION, subs / "blank" / f"{A}.ipynb")
    result = grade_into(url, A, subs, tmp / "out", "--roster", str(roster))
    assert result.returncode == 0, result.stderr[-3000:]
    assert last_plan(tmp / "out").startswith("1 to execute")
    after = csv_scores(tmp / "out")
    assert after == {**before, "blank": MAX, "partial": before["partial"] + bonus}
    assert gradebook_scores(url, A) == after
    with Gradebook(url) as gb:
        assert gb.find_grade("train_neuron-hidden", A, A, "partial").manual_score is not None
        assert untouched == {
            (g.name, s): (g.auto_score, g.manual_score)
            for s in ("correct", "bad_json")
            for g in gb.find_submission_notebook(A, A, s).grades
        }
        assert len(gb.find_assignment(A).submissions) == len(EXPECTED)  # nothing duplicated


def test_two_assignments_graded_at_once_into_one_database(pg_server, tmp_path):  # noqa: F811
    """Two `autograder grade` processes, started together on an empty database, the same
    students in both: every grade of both is there."""
    url = pg_server.create_database()
    classes = {}
    for assignment in (A, B):
        solution = COURSE.source_notebook(assignment)
        release = COURSE.release_folder(assignment) / f"{assignment}.ipynb"
        subs = tmp_path / assignment / "subs"
        for student, nb in (("s1", solution), ("s2", release), ("s3", solution)):
            if assignment == B and student == "s3":
                nb = release
            (subs / student).mkdir(parents=True)
            shutil.copy(nb, subs / student / f"{assignment}.ipynb")
        classes[assignment] = subs
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    procs = {}
    for assignment, subs in classes.items():
        out = tmp_path / assignment / "out"
        cmd = [sys.executable, "-m", "autograder.cli", "grade", assignment, str(subs)]
        cmd += ["--out", str(out), "--db", url, "--quiet", "--state", str(state_root(out))]
        cmd += ["--jobs", "1", "--timeout", "10"]
        procs[assignment] = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    for assignment, proc in procs.items():
        _, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, f"{assignment}: {err[-3000:]}"
    for assignment, full in ((A, {"s1", "s3"}), (B, {"s1"})):
        out = tmp_path / assignment / "out"
        scores = csv_scores(out)
        maximum = float(read_csv(out / "grades.csv")[0]["max_score"])
        assert scores == {s: (maximum if s in full else 0.0) for s in ("s1", "s2", "s3")}
        assert gradebook_scores(url, assignment) == scores, assignment
    with Gradebook(url) as gb:
        assert sorted(s.id for s in gb.students) == ["s1", "s2", "s3"]
        assert sorted(a.name for a in gb.assignments) == [A, B]


STUDENTS = 5


def _open_and_enrol(url: str, barrier, results) -> None:
    """What each grading run does to a gradebook: open it (creating the tables if there are
    none), then add the class one student at a time, as grade._save does."""
    warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy autoflush warnings
    barrier.wait()
    try:
        _check_db(url)
        for i in range(STUDENTS):
            with gradebook_lock(url), Gradebook(url) as gb:
                gb.update_or_create_student(f"s{i}")
        results.put("ok")
    except Exception as e:
        results.put(f"{type(e).__name__}: {str(e).splitlines()[0]}")


def test_two_writers_on_an_empty_gradebook_take_turns(pg_server, monkeypatch):  # noqa: F811
    """Without the writer lock nbgrader's table creation races ("duplicate key value violates
    unique constraint pg_type_typname_nsp_index") in most tries here; with it none fails."""
    # nbgrader creates a new gradebook by running `alembic` from PATH (the venv's bin).
    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])
    ctx = multiprocessing.get_context("fork")
    for _ in range(2):  # each try pays nbgrader's `alembic` run on a new gradebook (~5-10 s)
        url = pg_server.create_database("race")
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_open_and_enrol, args=(url, barrier, results)) for _ in "ab"]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        assert outcomes == ["ok", "ok"], outcomes
        with Gradebook(url) as gb:
            assert sorted(s.id for s in gb.students) == sorted(f"s{i}" for i in range(STUDENTS))
