"""The grading run's gradebook writer (one open gradebook, one transaction per notebook) writes
exactly what nbgrader's own SaveAutoGrades writes, and one notebook nbgrader refuses leaves the
others' grades intact. Real nbgrader gradebook (SQLite), real release of the course."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades
from sqlalchemy import text

from autograder.build import notebooks
from autograder.grading import gradebook
from autograder.grading.grade import _register_assignment
from autograder.grading.gradebook import Writer
from tests.conftest import COURSE

ASSIGNMENT = "01-neuron"


@pytest.fixture
def registered(tmp_path):
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    template, notebook_id = _register_assignment(COURSE, ASSIGNMENT, db, tmp_path / "work")
    return db, template, notebook_id


def _rows(db: str, notebook_id: str, student: str) -> dict[str, tuple]:
    with Gradebook(db) as gb:
        nb = gb.find_submission_notebook(notebook_id, ASSIGNMENT, student)
        grades = {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in nb.grades}
        comments = {c.name: c.auto_comment for c in nb.comments}
    return {"grades": grades, "comments": comments}


def _with_a_failing_test(template):
    """The release with one test cell's output an error: that cell scores zero."""
    nb = copy.deepcopy(template)
    test = next(c for c in nb.cells if notebooks.is_test_cell(c))
    test.outputs = [
        nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=[])
    ]
    return nb


def test_the_same_rows_as_nbgrader_save_auto_grades(registered):
    db, template, notebook_id = registered
    nb = _with_a_failing_test(template)
    with Writer(db, ASSIGNMENT, notebook_id) as writer:
        assert writer.save("ours", copy.deepcopy(nb))
    with Gradebook(db) as gb:
        gb.update_or_create_student("nbgrader")
        gb.update_or_create_submission(ASSIGNMENT, "nbgrader")
    res = {"nbgrader": {"db_url": db, "assignment": ASSIGNMENT, "notebook": notebook_id}}
    res["nbgrader"]["student"] = "nbgrader"
    SaveAutoGrades().preprocess(copy.deepcopy(nb), res)
    ours, theirs = _rows(db, notebook_id, "ours"), _rows(db, notebook_id, "nbgrader")
    assert ours == theirs
    scores = [auto for auto, _, _ in ours["grades"].values()]
    assert 0 in scores and any(s > 0 for s in scores), scores  # the failing cell and the rest


def test_a_manual_score_marks_the_cell_for_review_as_nbgrader_does(registered):
    db, template, notebook_id = registered
    with Writer(db, ASSIGNMENT, notebook_id) as writer:
        assert writer.save("s1", copy.deepcopy(template))
        name = next(iter(_rows(db, notebook_id, "s1")["grades"]))
        with Gradebook(db) as gb:
            gb.find_grade(name, notebook_id, ASSIGNMENT, "s1").manual_score = 0.5
            gb.db.commit()
        assert writer.save("s1", copy.deepcopy(template))  # a regrade
    auto, manual, review = _rows(db, notebook_id, "s1")["grades"][name]
    assert manual == 0.5 and review is True, (auto, manual, review)


def test_a_notebook_nbgrader_refuses_scores_zero_and_the_next_one_is_saved(registered):
    db, template, notebook_id = registered
    broken = copy.deepcopy(template)
    for cell in broken.cells:  # a grade cell the gradebook does not know: nbgrader raises
        if notebooks.is_test_cell(cell):
            cell.metadata.nbgrader["grade_id"] = "not-in-the-gradebook"
            break
    with Writer(db, ASSIGNMENT, notebook_id) as writer:
        assert writer.save("good-before", copy.deepcopy(template))
        assert writer.save("broken", broken) is False
        assert writer.save("good-after", copy.deepcopy(template))
        assert writer.save("absent", None)
    with Gradebook(db) as gb:
        scores = {
            s: gb.find_submission(ASSIGNMENT, s).score
            for s in ("good-before", "broken", "good-after", "absent")
        }
        full = gb.find_submission(ASSIGNMENT, "good-before").max_score
    assert scores == {"good-before": full, "broken": 0, "good-after": full, "absent": 0}, scores
    assert full > 0


def test_a_new_gradebook_is_stamped_with_the_revision_alembic_reports(tmp_path, monkeypatch):
    import nbgrader.api

    # nbgrader's own way, `alembic heads` in a new Python (the venv's bin on PATH), against ours.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    expected = nbgrader.api.get_alembic_version()
    assert gradebook.alembic_head() == expected
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", nbgrader.api.get_alembic_version)
    gradebook.stamp_new_gradebooks_in_process()
    assert nbgrader.api.get_alembic_version is gradebook.alembic_head
    with Gradebook(f"sqlite:///{tmp_path}/gb.db") as gb:
        assert gb.db.execute(text("SELECT version_num FROM alembic_version")).scalar() == expected
