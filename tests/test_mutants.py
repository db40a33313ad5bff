"""Each exercise's tests reject plausible wrong answers (tests/mutants/) and pass the solution.

The solution notebook runs once per assignment in a real kernel; for every mutant the exercise's
solution cell is replaced by the mutant's code, the exercise's visible and hidden test cells are
re-run, and the solution is restored. A test cell fails the way nbgrader would score it 0: by
raising, or by writing to stderr.
"""

from __future__ import annotations

import shutil
from contextlib import ExitStack

import pytest

from autograder import notebooks
from autograder.checks import REFERENCE_ENV
from autograder.execute import CellFailed, kernel_session, stderr_text
from tests.conftest import COURSE, assignments
from tests.mutants import Mutant, catalogue

pytestmark = pytest.mark.slow


def _exercises(assignment: str) -> dict[str, notebooks.Exercise]:
    nb = notebooks.read(COURSE.source_notebook(assignment))
    return {ex.name: ex for ex in notebooks.exercises(nb)}


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    """One kernel per assignment, with the whole solution notebook executed (lazily started)."""
    with ExitStack() as stack:
        started = {}

        def get(assignment: str):
            if assignment not in started:
                work = tmp_path_factory.mktemp(assignment)
                shutil.copytree(COURSE.source_dir / assignment, work, dirs_exist_ok=True)
                nb = notebooks.read(COURSE.source_notebook(assignment))
                env = {REFERENCE_ENV: str(COURSE.reference_file(assignment))}
                session = stack.enter_context(kernel_session(nb, work, COURSE.cell_timeout, env))
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code":
                        session.run_cell(index)
                started[assignment] = session
            return started[assignment]

        yield get


def _passes(session, index: int) -> tuple[bool, str]:
    try:
        cell = session.run_cell(index)
    except CellFailed as e:
        return False, e.summary
    err = stderr_text(cell)
    return (not err, f"stderr: {err.strip()[:200]}" if err else "")


def _run_tests(session, ex: notebooks.Exercise) -> dict[str, tuple[bool, str]]:
    return {part: _passes(session, ex.cells[part]) for part in ("visible", "hidden")}


MUTANT_CASES = [
    pytest.param(a, m, id=f"{a}::{m.exercise}::{m.name}")
    for a in assignments()
    for m in catalogue(a)
]
EXERCISE_CASES = [
    pytest.param(a, name, id=f"{a}::{name}") for a in assignments() for name in _exercises(a)
]


@pytest.mark.parametrize("assignment, exercise", EXERCISE_CASES)
def test_catalogue_covers_exercise(assignment, exercise):
    mutants = [m for m in catalogue(assignment) if m.exercise == exercise]
    assert len(mutants) >= 2, f"{exercise}: at least two mutants are needed in tests/mutants/"
    assert any(m.caught_by == "hidden" for m in mutants), (
        f"{exercise}: at least one mutant must pass the visible tests and fail the hidden ones"
    )


@pytest.mark.parametrize("assignment, mutant", MUTANT_CASES)
def test_mutant_is_rejected(sessions, assignment, mutant: Mutant):
    exercises = _exercises(assignment)
    assert mutant.exercise in exercises, f"no exercise {mutant.exercise!r} in {assignment}"
    ex = exercises[mutant.exercise]
    session = sessions(assignment)
    try:
        session.run_code(mutant.source)
        outcome = _run_tests(session, ex)
    finally:
        session.run_cell(ex.cells["solution"])
    visible_ok, why_visible = outcome["visible"]
    hidden_ok, _ = outcome["hidden"]
    if mutant.caught_by == "visible":
        assert not visible_ok, "the visible tests accept this wrong answer"
    else:
        assert visible_ok, f"expected to pass the visible tests, failed: {why_visible}"
        assert not hidden_ok, "the hidden tests accept this wrong answer"
    # The solution, restored, passes again: the mutant left no state behind.
    restored = _run_tests(session, ex)
    assert all(ok for ok, _ in restored.values()), restored


@pytest.mark.parametrize("assignment, exercise", EXERCISE_CASES)
def test_solution_passes_visible_and_hidden_tests_silently(sessions, assignment, exercise):
    ex = _exercises(assignment)[exercise]
    outcome = _run_tests(sessions(assignment), ex)
    assert all(ok for ok, _ in outcome.values()), outcome
