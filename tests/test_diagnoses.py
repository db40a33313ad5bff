"""Diagnoses from the mutant catalogue (``autograder diagnose``): in sync, covering the catalogue,
and public only where their inputs are.

That the messages students really read carry them is tested where those messages are made:
tests/test_mutants.py (every mutant, the student's kernel), tests/test_grade_every_assignment.py
(the real grader), tests/test_checks.py (the rendering).
"""

from __future__ import annotations

import json

import pytest

from autograder import diagnoses
from autograder.build.release import stale_diagnoses
from tests.conftest import COURSE, assignments
from tests.diagnosis_lookup import coverage, diagnoses_of
from tests.mutants import DIAGNOSIS_START, catalogue

# The share of the mutants that fail by a check's verdict which are told their own diagnosis;
# the rest are indistinguishable there from a mutant with another diagnosis (asserted below).
MIN_SHARE = 0.85


@pytest.mark.parametrize("assignment", assignments())
def test_every_mutant_has_a_diagnosis(assignment):
    for m in catalogue(assignment):
        assert m.diagnosis.startswith(DIAGNOSIS_START), f"{m.exercise}: {m.name}: no diagnosis"
        assert "\n" not in m.diagnosis and len(m.diagnosis) <= 160, f"{m.name}: one short line"


@pytest.mark.parametrize("assignment", assignments())
def test_diagnoses_are_in_sync_with_notebook_and_catalogue(assignment):
    assert not stale_diagnoses(COURSE, assignment), (
        f"solutions/{assignment}/diagnoses.json is stale: run `autograder diagnose {assignment}`"
    )


@pytest.mark.parametrize("assignment", assignments())
def test_diagnoses_cover_the_catalogue(assignment, capsys):
    mutants = catalogue(assignment)
    failing, diagnosed, missed = coverage(assignment, mutants)
    with capsys.disabled():
        print(
            f"\n{assignment}: {diagnosed} of {failing} mutants failing a check are told their "
            f"diagnosis ({diagnosed / failing:.0%}); not told: {missed or 'none'}"
        )
    assert diagnosed >= MIN_SHARE * failing, missed


def _hidden_only_texts(doc: dict) -> set[str]:
    visible = {
        e["diagnosis"]
        for cell in doc.get("visible", {}).values()
        for slot in cell["checks"].values()
        for e in slot["mutants"]
    }
    hidden = {e["diagnosis"] for entries in doc.get("hidden", {}).values() for e in entries}
    return hidden - visible


@pytest.mark.parametrize("assignment", assignments())
def test_release_holds_only_the_visible_diagnoses(assignment):
    doc = diagnoses_of(assignment)
    released = COURSE.release_folder(assignment) / diagnoses.DIAGNOSES_FILENAME
    assert json.loads(released.read_text(encoding="utf-8")) == diagnoses.visible_part(doc)
    texts = "".join(
        p.read_text(encoding="utf-8")
        for p in COURSE.release_folder(assignment).rglob("*")
        if p.is_file()
    )
    leaked = [t for t in _hidden_only_texts(doc) if t in texts]
    assert not leaked, f"diagnoses of hidden keys in the release: {leaked}"
    # No recorded value of a hidden key: the release file has no hidden part at all, and the
    # encoded values of hidden keys appear nowhere in it.
    for key in doc.get("hidden", {}):
        assert key not in released.read_text(encoding="utf-8"), key
