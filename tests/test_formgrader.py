"""nbgrader's formgrader on a course graded by `autograder grade`, over HTTP.

A real `jupyter server` of this environment (nbgrader's server extensions on, the venv's bin on
PATH for alembic, a token, a free port) in a scratch copy of the course; formgrader's JSON API
(``/formgrader/api/...``) shows the scores of grades.csv, cell by cell; a manual score set through
the API survives a regrade by `autograder grade`, and the totals stay consistent. The gradebook is
the course's SQLite file, and a real PostgreSQL server (tests/postgres.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import urllib.request
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests import browser
from tests.conftest import ROOT
from tests.grade_cli import grade_cli, read_csv
from tests.postgres import pg_server  # noqa: F401  (a fixture)
from tests.test_grade_command import MAX, RELEASE, SOLUTION, WRONG_TRAIN, load, set_answer

pytestmark = pytest.mark.slow

A = "01-neuron"
LIMITS = ("--jobs", "2", "--timeout", "10")


class Formgrader:
    """formgrader's JSON API of a running server, authenticated by its token."""

    def __init__(self, base: str, db_url: str):
        self.base, self.db_url = f"{base}/formgrader/api", db_url

    def call(self, path: str, method: str = "GET", body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}/{path}", data=data, method=method)
        request.add_header("Authorization", f"token {browser.TOKEN}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def submissions(self) -> dict[str, dict]:
        return {s["student"]: s for s in self.call(f"submissions/{A}")}

    def grades(self, student: str) -> dict[str, dict]:
        """The cells' grades of the student's notebook, as the manual grading page loads them."""
        # The notebook's id from the gradebook: formgrader's notebook lists show only notebooks
        # with a file in nbgrader's autograded/ folder, which `autograder grade` does not write.
        with Gradebook(self.db_url) as gb:
            notebook_id = gb.find_submission_notebook(A, A, student).id
        return {g["name"]: g for g in self.call(f"grades?submission_id={notebook_id}")}


def course_copy(root: Path, db_url: str) -> Path:
    """The course as formgrader reads it: its nbgrader config (pointing at ``db_url``) and the
    source folder of the assignment."""
    root.mkdir(parents=True)
    config = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    config += f"\nc.CourseDirectory.db_url = {db_url!r}\n"
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "solutions" / A, root / "solutions" / A)
    return root


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def course(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"formgrader-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'course' / 'gradebook.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("formgrader")
    root = course_copy(tmp / "course", url)
    subs = tmp / "subs"
    for student, nb in (
        ("correct", load(SOLUTION)),
        ("blank", load(RELEASE)),
        ("partial", set_answer(load(SOLUTION), "train_neuron", WRONG_TRAIN)),
    ):
        (subs / student).mkdir(parents=True)
        (subs / student / f"{A}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    graded = grade_cli(A, subs, tmp / "out", tmp / "unused.db", *LIMITS, "--db", url)
    assert graded.returncode == 0, graded.stderr[-3000:]
    port = browser.free_port()
    env = browser.clean_home(tmp / "home")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # alembic
    command = [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser"]
    command += [f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={browser.TOKEN}"]
    with browser.lab_server(command, port, root, env, tmp / "server.log") as base:
        yield Formgrader(base, url), url, subs, tmp


def cell_score(grade: dict) -> float:
    """A cell's score as nbgrader counts it: the manual score if there is one, else the
    automatic one, plus any extra credit."""
    score = grade["manual_score"] if grade["manual_score"] is not None else grade["auto_score"]
    return float(score or 0) + float(grade["extra_credit"] or 0)


def notebook_score(cells: dict[str, dict]) -> float:
    return sum(cell_score(g) for g in cells.values())


def csv_scores(out: Path) -> dict[str, float]:
    return {r["student_id"]: float(r["score"]) for r in read_csv(out / "grades.csv")}


def test_formgrader_shows_the_scores_of_grades_csv(course):
    fg, _, _, tmp = course
    scores = csv_scores(tmp / "out")
    assert scores == {"correct": MAX, "blank": 0.0, "partial": MAX - 2}
    # «Manage Assignments»: the maximum and the average are the gradebook's (its count of
    # submissions is of nbgrader's submitted/ folder, which this course does not use).
    assignments = {a["name"]: a for a in fg.call("assignments")}
    assert float(assignments[A]["max_score"]) == MAX
    assert assignments[A]["average_score"] == pytest.approx(sum(scores.values()) / len(scores))
    # «Manage Students»: each student's total over the course.
    students = {s["id"]: s for s in fg.call("students")}
    assert {s: float(v["score"]) for s, v in students.items()} == scores
    submissions = fg.submissions()  # «Manage Submissions» of the assignment
    assert {s: float(v["score"]) for s, v in submissions.items()} == scores
    assert all(float(v["max_score"]) == MAX for v in submissions.values())
    for student, total in scores.items():  # cell by cell, as the manual grading view shows them
        cells = fg.grades(student)
        assert notebook_score(cells) == total, student
        assert all(g["manual_score"] is None for g in cells.values())


def test_manual_score_set_in_formgrader_survives_a_regrade(course, tmp_path):
    fg, url, subs, tmp = course
    hidden = fg.grades("partial")["train_neuron-hidden"]
    assert hidden["auto_score"] < hidden["max_score"]
    put = fg.call(f"grade/{hidden['id']}", "PUT", {"manual_score": hidden["max_score"]})
    assert put["manual_score"] == hidden["max_score"] and not put["needs_manual_grade"]
    bonus = hidden["max_score"] - hidden["auto_score"]
    # A regrade with one changed submission: blank now hands in the solution.
    changed = tmp_path / "subs"
    shutil.copytree(subs, changed)
    shutil.copy(SOLUTION, changed / "blank" / f"{A}.ipynb")
    regraded = grade_cli(A, changed, tmp / "out", tmp / "unused.db", *LIMITS, "--db", url)
    assert regraded.returncode == 0, regraded.stderr[-3000:]
    scores = csv_scores(tmp / "out")
    assert scores == {"correct": MAX, "blank": MAX, "partial": MAX - 2 + bonus}
    assert {s: float(v["score"]) for s, v in fg.submissions().items()} == scores
    cells = fg.grades("partial")
    kept = cells["train_neuron-hidden"]
    assert (
        kept["manual_score"] == hidden["max_score"] and kept["auto_score"] == hidden["auto_score"]
    )
    assert notebook_score(cells) == scores["partial"]
    assert notebook_score(fg.grades("blank")) == MAX
