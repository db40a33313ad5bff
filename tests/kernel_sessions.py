"""One kernel per assignment with its whole solution notebook executed, for tests that swap an
exercise's answer (mutants, alternatives) and re-run the exercise's test cells."""

from __future__ import annotations

import shutil
from contextlib import ExitStack

import pytest

from autograder.build import notebooks
from autograder.build.execute import CellFailed, kernel_session, stderr_text
from autograder.checks import REFERENCE_ENV
from tests.conftest import COURSE


def exercises(assignment: str) -> dict[str, notebooks.Exercise]:
    nb = notebooks.read(COURSE.source_notebook(assignment))
    return {ex.name: ex for ex in notebooks.exercises(nb)}


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    """``sessions(assignment)``: the assignment's kernel, started on first use."""
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


def run_test_cell(session, index: int) -> tuple[bool, str, str]:
    """(passed, why not, stderr): a test cell passes in grading when it raises nothing; what it
    writes to stderr is returned apart (the course's grader does not zero a cell for it). Why not
    is the whole message of the cell's error, as the student reads it."""
    try:
        cell = session.run_cell(index)
    except CellFailed as e:
        errors = [o for o in session.nb.cells[index].outputs if o.output_type == "error"]
        return False, (f"{errors[0].ename}: {errors[0].evalue}" if errors else e.summary), ""
    return True, "", stderr_text(cell)


def run_exercise_tests(session, ex: notebooks.Exercise) -> dict[str, tuple[bool, str, str]]:
    return {part: run_test_cell(session, ex.cells[part]) for part in ("visible", "hidden")}
