"""End to end with real nbgrader: the solution earns full marks, the untouched release zero."""

from __future__ import annotations

import pytest

from autograder.build import notebooks
from tests.conftest import COURSE, assignments
from tests.nbgrader_course import autograde

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", assignments())
def test_solution_scores_full_marks_and_release_zero(assignment, tmp_path):
    results = autograde(
        COURSE,
        assignment,
        {
            "solution": COURSE.source_notebook(assignment),
            "blank": COURSE.release_folder(assignment) / f"{assignment}.ipynb",
        },
        tmp_path,
    )
    expected_max = sum(
        ex.max_points
        for ex in notebooks.exercises(notebooks.read(COURSE.source_notebook(assignment)))
    )
    solution, blank = results["solution"], results["blank"]
    assert solution.max_score == expected_max > 0
    lost = {
        cell: score for cell, score in solution.cells.items() if score is not None and score < 1e-9
    }
    assert solution.score == solution.max_score, f"solution lost points in {lost}"
    assert blank.score == 0, f"the blank release earned points: {blank.cells}"
    assert blank.max_score == expected_max
