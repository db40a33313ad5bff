"""Shared test set-up: one cell timeout for nbval and grading, quiet kernels, course fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.build.course import Course
from autograder.build.execute import QUIET_ENV

ROOT = Path(__file__).resolve().parent.parent
COURSE = Course(ROOT)


def _retry_kernel_start(start, attempts=3):
    """Kernel start-up can fail on a race for TCP ports when tests run in parallel: retry it."""

    def start_with_retries(*args, **kwargs):
        for attempt in range(attempts):
            try:
                return start(*args, **kwargs)
            except RuntimeError:
                if attempt == attempts - 1:
                    raise

    return start_with_retries


def pytest_configure(config):
    import nbval.kernel

    nbval.kernel.start_new_kernel = _retry_kernel_start(nbval.kernel.start_new_kernel)
    # nbval's per-cell timeout is the one nbgrader grades with (nbgrader_config.py).
    if hasattr(config.option, "nbval_cell_timeout"):
        config.option.nbval_cell_timeout = COURSE.cell_timeout
    # Kernels started by nbval inherit this environment: keep TensorFlow off stderr.
    os.environ.update(QUIET_ENV)


def pytest_collection_modifyitems(config, items):
    # nbval cells run real kernels: mark them slow like the other notebook-level tests.
    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.slow)


def assignments() -> list[str]:
    return COURSE.assignments()


@pytest.fixture(scope="session")
def course() -> Course:
    return COURSE


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """``item.rep_call``: the test's own outcome, for fixtures that keep evidence of a failure
    (the browser tests' screenshots)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
