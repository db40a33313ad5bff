"""nbgrader's formgrader on a course graded by `autograder grade`, over HTTP.

The class is laid out as `nbgrader submit` and `collect` leave it (``submitted/<student>/<a>/``
and a ``timestamp.txt``) in a scratch copy of the course and graded from there by `autograder grade
--autograded <course>/autograded`. A real `jupyter server` of this environment (nbgrader's server
extensions on, the venv's bin on PATH for alembic, a token, a free port) runs in that copy;
formgrader's JSON API (``/formgrader/api/...``) and its manual grading page show the scores of
grades.csv, cell by cell; a manual score set through the API survives a regrade after a
resubmission, and the totals stay consistent. The gradebook is the course's SQLite file, and a
real PostgreSQL server (tests/postgres.py).
"""

from __future__ import annotations

import html
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from autograder.build import notebooks
from tests import browser
from tests.conftest import COURSE, ROOT
from tests.grade_cli import grade_cli, read_csv
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
COURSE_ID = COURSE.config.CourseDirectory.course_id
LIMITS = ("--jobs", "2", "--timeout", "10")


class Formgrader:
    """formgrader's JSON API of a running server, authenticated by its token."""

    def __init__(self, base: str):
        self.base = f"{base}/formgrader/api"

    def call(self, path: str, method: str = "GET", body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}/{path}", data=data, method=method)
        request.add_header("Authorization", f"token {browser.TOKEN}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def page(self, path: str) -> str:
        """One of formgrader's HTML pages."""
        request = urllib.request.Request(f"{self.base.removesuffix('/api')}/{path}")
        request.add_header("Authorization", f"token {browser.TOKEN}")
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode("utf-8")

    def submissions(self) -> dict[str, dict]:
        return {s["student"]: s for s in self.call(f"submissions/{A}")}

    def notebooks(self) -> dict[str, dict]:
        """«Manage Submissions» of the notebook: the graded notebooks formgrader finds."""
        return {n["student"]: n for n in self.call(f"submitted_notebooks/{A}/{A}")}

    def grades(self, student: str) -> dict[str, dict]:
        """The cells' grades of the student's notebook, as the manual grading page loads them."""
        notebook_id = self.notebooks()[student]["id"]
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


def hand_in(root: Path, student: str, nb: dict, when: str) -> None:
    """What `nbgrader submit` and `nbgrader collect` leave in the course: the notebook and the
    time of the submission."""
    folder = root / "submitted" / student / A
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{A}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")


def grade_here(root: Path, url: str):
    """`autograder grade` of the course copy's submitted/ into its gradebook and autograded/."""
    out = root.parent / "out"
    extra = ("--db", url, "--autograded", str(root / "autograded"))
    return grade_cli(A, root / "submitted", out, root.parent / "unused.db", *LIMITS, *extra)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def course(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"formgrader-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'course' / 'gradebook.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("formgrader")
    root = course_copy(tmp / "course", url)
    for student, nb in (
        ("correct", load(SOLUTION)),
        ("blank", load(RELEASE)),
        ("partial", set_answer(load(SOLUTION), "train_neuron", WRONG_TRAIN)),
    ):
        hand_in(root, student, nb, "2026-11-30 10:00:00.000000 UTC")
    graded = grade_here(root, url)
    assert graded.returncode == 0, graded.stderr[-3000:]
    port = browser.free_port()
    env = browser.clean_home(tmp / "home")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # alembic
    command = [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser"]
    command += [f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={browser.TOKEN}"]
    with browser.lab_server(command, port, root, env, tmp / "server.log") as base:
        yield Formgrader(base), url, root, tmp


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
    # «Manage Assignments»: submissions counted in submitted/, maximum and average the gradebook's.
    assignments = {a["name"]: a for a in fg.call("assignments")}
    assert assignments[A]["num_submissions"] == 3
    assert float(assignments[A]["max_score"]) == MAX
    assert assignments[A]["average_score"] == pytest.approx(sum(scores.values()) / len(scores))
    # «Manage Students»: each student's total over the course, and per notebook.
    students = {s["id"]: s for s in fg.call("students")}
    assert {s: float(v["score"]) for s, v in students.items()} == scores
    for student, total in scores.items():
        (notebook,) = fg.call(f"student_notebook_submissions/{student}/{A}")
        assert notebook["id"] is not None and float(notebook["score"]) == total, student
    # «Manage Submissions»: every student autograded (none left as "needs autograding"), and the
    # notebook list the manual grading pages come from.
    submissions = fg.submissions()
    assert {s: float(v["score"]) for s, v in submissions.items()} == scores
    assert all(v["autograded"] and float(v["max_score"]) == MAX for v in submissions.values())
    assert {s: float(n["score"]) for s, n in fg.notebooks().items()} == scores
    for student, total in scores.items():  # cell by cell, as the manual grading page loads them
        cells = fg.grades(student)
        assert notebook_score(cells) == total, student
        assert all(g["manual_score"] is None for g in cells.values())


def test_the_manual_grading_page_shows_the_graded_notebook(course):
    fg, _, _, _ = course
    page = fg.page(f"submissions/{fg.notebooks()['partial']['id']}/")
    cells = fg.grades("partial")
    for name in cells:  # a score box for every graded cell
        assert f'id="{name}"' in page, name
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # the code as shown, without highlighting
    assert "w = w + X_train.T @ ((y_train - out) * out * (1 - out))" in text  # partial's own code


def test_manual_score_set_in_formgrader_survives_a_regrade(course):
    fg, url, root, tmp = course
    hidden = fg.grades("partial")["train_neuron-hidden"]
    assert hidden["auto_score"] < hidden["max_score"]
    put = fg.call(f"grade/{hidden['id']}", "PUT", {"manual_score": hidden["max_score"]})
    assert put["manual_score"] == hidden["max_score"] and not put["needs_manual_grade"]
    bonus = hidden["max_score"] - hidden["auto_score"]
    # A teaching assistant has blank's page open while blank resubmits and the class is regraded.
    assert notebook_score(fg.grades("blank")) == 0
    hand_in(root, "blank", load(SOLUTION), "2026-11-30 12:00:00.000000 UTC")
    assert not fg.submissions()["blank"]["autograded"]  # formgrader sees the newer submission
    regraded = grade_here(root, url)
    assert regraded.returncode == 0, regraded.stderr[-3000:]
    assert last_plan(tmp / "out").startswith("1 to execute")
    scores = csv_scores(tmp / "out")
    assert scores == {"correct": MAX, "blank": MAX, "partial": MAX - 2 + bonus}
    submissions = fg.submissions()
    assert {s: float(v["score"]) for s, v in submissions.items()} == scores
    assert all(v["autograded"] for v in submissions.values())
    cells = fg.grades("partial")
    kept = cells["train_neuron-hidden"]
    assert kept["manual_score"] == hidden["max_score"]
    assert kept["auto_score"] == hidden["auto_score"]
    assert notebook_score(cells) == scores["partial"]
    assert notebook_score(fg.grades("blank")) == MAX
    students = {s["id"]: float(s["score"]) for s in fg.call("students")}
    assert students == scores


def test_autograded_inside_out_is_refused_before_grading(tmp_path):
    """--out is what teaching assistants may hand out; graded notebooks hold the hidden tests."""
    out = tmp_path / "out"
    hand_in(tmp_path, "correct", load(SOLUTION), "2026-11-30 10:00:00.000000 UTC")
    extra = ("--autograded", str(out / "autograded"))
    result = grade_cli(A, tmp_path / "submitted", out, tmp_path / "gb.db", *extra)
    assert result.returncode == 2
    assert "--autograded must not be inside --out" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (out / "autograded").exists() and not (out / "grades.csv").exists()


def solved(nb: dict) -> dict:
    """The released notebook with every answer cell typed as in the solution (without the
    solution markers), as a student who solved it would hand it in."""
    answers = {notebooks.grade_id(c): c.source for c in notebooks.read(SOLUTION).cells if c.source}
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("-solution"):
            lines = answers[gid].splitlines()
            cell["source"] = "\n".join(
                ln
                for ln in lines
                if "### BEGIN SOLUTION" not in ln and "### END SOLUTION" not in ln
            )
    return nb


def test_nbgrader_exchange_round_trip_then_autograder_grade(tmp_path):
    """The JupyterHub flow with nbgrader's own exchange: the instructor releases, a student
    fetches, validates and submits, the instructor collects; `autograder grade` grades
    submitted/ and formgrader shows the submission as autograded, with full marks."""
    url = f"sqlite:///{tmp_path / 'course' / 'gradebook.db'}"
    root = course_copy(tmp_path / "course", url)
    shutil.copytree(ROOT / "notebooks" / A, root / "notebooks" / A)
    exchange, home = tmp_path / "exchange", tmp_path / "student"
    exchange.mkdir()
    home.mkdir()
    shared = f"\nc.Exchange.root = {str(exchange)!r}\n"
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(shared)
    (home / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {COURSE_ID!r}{shared}",
        encoding="utf-8",
    )
    env = browser.clean_home(tmp_path / "home")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    def nbgrader(cwd: Path, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"nbgrader {args}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
        return done.stdout + done.stderr

    nbgrader(root, "release_assignment", A)
    nbgrader(home, "fetch_assignment", A)
    fetched = home / A / f"{A}.ipynb"
    assert load(fetched) == load(RELEASE)
    fetched.write_text(json.dumps(solved(load(fetched))), encoding="utf-8")
    validated = nbgrader(home, "validate", str(fetched))  # what the Validate button runs
    assert "Success! Your notebook passes all the tests." in validated, validated[-2000:]
    nbgrader(home, "submit", A)
    nbgrader(root, "collect", A)
    (student,) = [p.name for p in (root / "submitted").iterdir()]
    assert student == pwd.getpwuid(os.getuid()).pw_name
    assert (root / "submitted" / student / A / "timestamp.txt").is_file()
    # One Unix account submits only as itself: a classmate's blank hand-in is laid out by hand.
    hand_in(root, "classmate", load(RELEASE), "2026-11-30 10:00:00.000000 UTC")
    graded = grade_here(root, url)
    assert graded.returncode == 0, graded.stderr[-3000:]
    assert csv_scores(root.parent / "out") == {student: MAX, "classmate": 0.0}
    port = browser.free_port()
    command = [sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser"]
    command += [f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={browser.TOKEN}"]
    with browser.lab_server(command, port, root, env, tmp_path / "server.log") as base:
        fg = Formgrader(base)
        (assignment,) = [a for a in fg.call("assignments") if a["name"] == A]
        assert assignment["num_submissions"] == 2
        submission = fg.submissions()[student]
        assert submission["autograded"] and float(submission["score"]) == MAX
        assert notebook_score(fg.grades(student)) == MAX
