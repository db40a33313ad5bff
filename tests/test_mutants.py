"""Each exercise's tests reject plausible wrong answers (tests/mutants/) and pass the solution.

The solution notebook runs once per assignment in a real kernel; for every mutant the exercise's
solution cell is replaced by the mutant's code, the exercise's visible and hidden test cells are
re-run, and the solution is restored. A test cell fails as the course's grader scores it 0: by
raising (a warning on stderr costs nothing in grading, so it catches nothing here either).

The fairness rule: a mutant that breaks a requirement the statement states is caught by the
VISIBLE tests (``caught_by="visible"``), so the student sees it before submitting; only the
over-fitting kind (hard-coded for the visible inputs, special-cased to the visible shapes) may
pass them and be caught by the hidden tests alone (``caught_by="hidden"``).

Feedback that teaches (``autograder diagnose``): where the diagnoses file says a student failing
the way a mutant fails is told the mutant's diagnosis, the message the test cell really shows
carries it (visible: the student's own kernel; hidden: as the instructor's tools add it), and no
message ever carries another mutant's diagnosis.
"""

from __future__ import annotations

import pytest

from tests.conftest import assignments
from tests.diagnosis_lookup import (
    HIDDEN_KEY,
    diagnoses_of,
    hidden_points,
    reference_of,
    shown,
    visible_point,
)
from tests.kernel_sessions import exercises, run_exercise_tests, sessions  # noqa: F401
from tests.mutants import Mutant, catalogue, overfit_impossible

pytestmark = pytest.mark.slow

MUTANT_CASES = [
    pytest.param(a, m, id=f"{a}::{m.exercise}::{m.name}")
    for a in assignments()
    for m in catalogue(a)
]
EXERCISE_CASES = [
    pytest.param(a, name, id=f"{a}::{name}") for a in assignments() for name in exercises(a)
]


@pytest.mark.parametrize("assignment, exercise", EXERCISE_CASES)
def test_catalogue_covers_exercise(assignment, exercise):
    mutants = [m for m in catalogue(assignment) if m.exercise == exercise]
    assert len(mutants) >= 2, f"{exercise}: at least two mutants are needed in tests/mutants/"
    assert any(m.caught_by == "visible" for m in mutants), (
        f"{exercise}: at least one mutant must break a stated requirement (caught_by='visible')"
    )
    if exercise in overfit_impossible(assignment):
        return
    assert any(m.caught_by == "hidden" for m in mutants), (
        f"{exercise}: at least one over-fitting mutant must pass the visible tests and fail the "
        "hidden ones (or say in OVERFIT_IMPOSSIBLE why the exercise allows no over-fitting)"
    )


def test_overfit_impossible_names_real_exercises():
    for assignment in assignments():
        unknown = set(overfit_impossible(assignment)) - set(exercises(assignment))
        assert not unknown, f"{assignment}: OVERFIT_IMPOSSIBLE names no exercise: {unknown}"


@pytest.mark.parametrize("assignment, mutant", MUTANT_CASES)
def test_mutant_is_rejected(sessions, assignment, mutant: Mutant):  # noqa: F811
    all_exercises = exercises(assignment)
    assert mutant.exercise in all_exercises, f"no exercise {mutant.exercise!r} in {assignment}"
    ex = all_exercises[mutant.exercise]
    session = sessions(assignment)
    try:
        session.run_code(mutant.source)
        outcome = run_exercise_tests(session, ex)
    finally:
        session.run_cell(ex.cells["solution"])
    visible_ok, why_visible, _ = outcome["visible"]
    hidden_ok, why_hidden, _ = outcome["hidden"]
    if mutant.caught_by == "visible":
        assert not visible_ok, "the visible tests accept this wrong answer"
    else:
        assert visible_ok, f"expected to pass the visible tests, failed: {why_visible}"
        assert not hidden_ok, "the hidden tests accept this wrong answer"
    doc, ref = diagnoses_of(assignment), reference_of(assignment)
    if not visible_ok:
        _, wanted = visible_point(doc, ref, mutant.exercise, mutant)
        _assert_diagnosis(why_visible, wanted, mutant)
    if not hidden_ok:
        key = HIDDEN_KEY.search(why_hidden)
        wanted = hidden_points(doc, ref, mutant).get(key.group(1)) if key else None
        _assert_diagnosis(why_hidden, wanted, mutant)
    # The solution, restored, passes again: the mutant left no state behind.
    restored = run_exercise_tests(session, ex)
    assert all(ok for ok, _, _ in restored.values()), restored


def _assert_diagnosis(message: str, wanted: str | None, mutant: Mutant) -> None:
    got = shown(message)
    if wanted:
        assert got == mutant.diagnosis, f"the message lacks its diagnosis: {message}"
    else:
        assert got in ("", mutant.diagnosis), f"another mistake's diagnosis: {got}"


@pytest.mark.parametrize("assignment, exercise", EXERCISE_CASES)
def test_solution_passes_visible_and_hidden_tests_silently(sessions, assignment, exercise):  # noqa: F811
    ex = exercises(assignment)[exercise]
    outcome = run_exercise_tests(sessions(assignment), ex)
    assert all(ok and not err for ok, _, err in outcome.values()), outcome
