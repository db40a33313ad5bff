"""solutions/ -> notebooks/ + reference: ``autograder build`` and ``autograder check-release``.

A build of an assignment (1) validates its source notebook, (2) executes it in a fresh kernel,
recording every ``expect`` value as the hidden-test reference and refreshing the solution's
outputs (nbval's reference), (3) runs nbgrader ``generate_assignment`` in a scratch course to make
the student release, normalised for clean diffs. Everything is made in a temporary folder first and
put in place only when every requested assignment built, so a failure leaves nothing half-written.
Course-wide pages (``solutions/*.md``: the glossary) are released as they are.
"""

from __future__ import annotations

import filecmp
import fnmatch
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import diagnoses
from ..checks import RECORD_ENV
from ..errors import CourseError
from ..reference import REFERENCE_FILENAME, differences, dump
from . import notebooks
from .course import Course
from .execute import CellFailed, displays_value, kernel_session, stderr_text
from .generate import generate_release
from .validate import validate_source


@dataclass
class Built:
    """What a build of one assignment produced, still in the temporary folder."""

    assignment: str
    solution_text: str  # the executed, normalised solution notebook
    reference_text: str
    release: Path  # folder with the student release


def build(course: Course, assignments: list[str] | None = None) -> list[str]:
    """Build the given assignments (default: all) and put the results in place."""
    names = _requested(course, assignments)
    with tempfile.TemporaryDirectory(prefix="autograder-build-") as tmp:
        built = [_build_one(course, name, Path(tmp) / name) for name in names]
        for b in built:
            _install(course, b)
    for page in course.shared_files():
        course.release_dir.mkdir(parents=True, exist_ok=True)
        _replace_text(course.release_dir / page.name, page.read_text(encoding="utf-8"))
    return names


def check_release(course: Course, assignments: list[str] | None = None) -> list[str]:
    """Rebuild in a temporary folder; return the paths that differ from what is committed.

    References are compared numerically (:func:`autograder.reference.differences`): floats that
    differ only by another CPU's rounding are in sync; any real change of a value is not.
    """
    stale: list[str] = []
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        for name in _requested(course, assignments):
            b = _build_one(course, name, Path(tmp) / name)
            ref = course.reference_file(name)
            if not ref.is_file() or differences(ref.read_text(encoding="utf-8"), b.reference_text):
                stale.append(_rel(course, ref))
            stale += [_rel(course, p) for p in _diff_tree(b.release, course.release_folder(name))]
            if stale_diagnoses(course, name):
                stale.append(_rel(course, course.source_dir / name / diagnoses.DIAGNOSES_FILENAME))
    for page in course.shared_files():
        released = course.release_dir / page.name
        if not released.is_file() or released.read_bytes() != page.read_bytes():
            stale.append(_rel(course, released))
    return stale


def _requested(course: Course, assignments: list[str] | None) -> list[str]:
    if not assignments:
        names = course.assignments()
        if not names:
            raise CourseError(course.source_dir, "no assignments to build")
        return names
    for name in assignments:
        course.check_assignment(name)
    return list(assignments)


def _build_one(course: Course, name: str, work: Path) -> Built:
    source_path = course.source_notebook(name)
    label = _rel(course, source_path)
    nb = notebooks.read(source_path, label)
    validate_source(nb, label)
    # A private copy to execute in, so files the notebook writes reach neither source nor release.
    run_dir = work / "run"
    course.copy_assignment(name, run_dir)
    solution, (values, tolerances, checks), timing = _execute_recording(course, nb, run_dir, label)
    release = generate_release(course, name, work / "course", f"sqlite:///{work / 'gradebook.db'}")
    for path in sorted(release.rglob("*.ipynb")):
        rel_nb = notebooks.normalise(nbformat.read(path, as_version=4), keep_outputs=False)
        path.write_text(notebooks.dumps(rel_nb), encoding="utf-8")
    leaked = [p for p in release.rglob("*") if fnmatch.fnmatch(p.name, REFERENCE_FILENAME)]
    if leaked:
        raise CourseError(label, "the release would contain the hidden-test reference")
    _release_diagnoses(course, name, release)
    return Built(
        assignment=name,
        solution_text=notebooks.dumps(notebooks.normalise(solution, keep_outputs=True)),
        reference_text=dump(values, name, tolerances, checks, timing),
        release=release,
    )


def _release_diagnoses(course: Course, name: str, release: Path) -> None:
    """The visible part of ``autograder diagnose``'s file, for the student's own checks."""
    doc = diagnoses.load(course.source_dir / name / diagnoses.DIAGNOSES_FILENAME)
    if doc.get("visible"):
        text = json.dumps(diagnoses.visible_part(doc), ensure_ascii=False, indent=1, sort_keys=True)
        (release / diagnoses.DIAGNOSES_FILENAME).write_text(text + "\n", encoding="utf-8")


def stale_diagnoses(course: Course, name: str) -> bool:
    """Whether the assignment's diagnoses were made from another notebook or catalogue."""
    from .diagnose import catalogue_file, inputs_digest

    path = course.source_dir / name / diagnoses.DIAGNOSES_FILENAME
    if not catalogue_file(course, name).is_file():
        return False  # no catalogue (a course without tests/mutants/): nothing to diagnose with
    if not path.is_file():
        return True
    return diagnoses.load(path).get("inputs") != inputs_digest(course, name)


def _execute_recording(course: Course, nb, run_dir: Path, label: str):
    """Run the solution top to bottom, recording expect() values and visible checks by cell.

    Returns the executed notebook, (values, tolerances, checks) for the reference, and how long
    the solution took (its slowest cell and the whole notebook, seconds): grading derives its
    time limits from them.
    """
    record = run_dir.parent / "record.jsonl"
    record.touch()
    values: dict = {}
    tolerances: dict = {}
    checks: dict = {}
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a copy: outputs are written into it
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    slowest = total = 0.0
    with kernel_session(nb, run_dir, course.cell_timeout, {RECORD_ENV: str(record)}) as session:
        done = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            gid = notebooks.grade_id(cell) or f"cell {index + 1}"
            started = time.monotonic()
            try:
                session.run_cell(index)
            except CellFailed as e:
                raise CourseError(label, f"{gid!r} raised {e.summary}") from None
            seconds = time.monotonic() - started
            slowest, total = max(slowest, seconds), total + seconds
            new = record.read_text(encoding="utf-8").splitlines()[done:]
            done += len(new)
            for line in new:
                entry = json.loads(line)
                if "check" in entry:
                    if gid.endswith("-hidden"):
                        raise CourseError(
                            label, f"{gid!r}: hidden tests use expect(), not assert_*"
                        )
                    if notebooks.is_test_cell(cell):
                        checks.setdefault(gid, []).append(entry)
                    continue
                key = entry["key"]
                exercise = gid.removesuffix("-hidden")
                if exercise == gid or not key.startswith(exercise + "/"):
                    raise CourseError(
                        label,
                        f"expect key {key!r} used in {gid!r}: keys 'EX/…' belong in EX-hidden",
                    )
                values[key] = entry["value"]
                tolerances[key] = [entry["rtol"], entry["atol"]]
            _check_test_cell(cell, gid, label)
    timing = {"slowest_cell": round(slowest, 2), "total": round(total, 2)}
    return nb, (values, tolerances, checks), timing


def _check_test_cell(cell, gid: str, label: str) -> None:
    if not cell.metadata.get("nbgrader", {}).get("grade"):
        return
    err = stderr_text(cell)
    if err:
        first = err.strip().splitlines()[0] if err.strip() else "(blank)"
        raise CourseError(label, f"{gid!r} writes to stderr (nbgrader would score it 0): {first}")
    if displays_value(cell):
        raise CourseError(label, f"{gid!r} ends in a value (nbgrader would read it as a score)")


def _install(course: Course, b: Built) -> None:
    """Put one build in place: each file is replaced whole (write to a temp name, rename)."""
    _replace_text(course.source_notebook(b.assignment), b.solution_text)
    ref = course.reference_file(b.assignment)
    # Last-bit float noise of another CPU is no change: the committed reference stays as it is
    # (unless it has no timing yet).
    committed = ref.read_text(encoding="utf-8") if ref.is_file() else ""
    if not committed or differences(committed, b.reference_text) or '"timing"' not in committed:
        _replace_text(ref, b.reference_text)
    target = course.release_folder(b.assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{b.assignment}.new")
    outgoing = target.with_name(f".{b.assignment}.old")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(b.release, incoming)
    if target.exists():
        target.rename(outgoing)
    incoming.rename(target)
    shutil.rmtree(outgoing, ignore_errors=True)


def _replace_text(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _diff_tree(built: Path, committed: Path) -> list[Path]:
    """Files of ``committed`` that differ from ``built``, are missing, or are extra."""
    if not committed.is_dir():
        return [committed]
    cmp = filecmp.dircmp(built, committed)
    out: list[Path] = []

    def walk(c: filecmp.dircmp, rel: Path) -> None:
        out.extend(committed / rel / n for n in c.left_only + c.right_only)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        # A notebook built by another patch release of Python is in sync (its language_info).
        mismatch = [n for n in mismatch if not _same_notebook(Path(c.left) / n, Path(c.right) / n)]
        out.extend(committed / rel / n for n in mismatch + errors)
        for sub, sc in c.subdirs.items():
            walk(sc, rel / sub)

    walk(cmp, Path())
    return sorted(out)


def _same_notebook(a: Path, b: Path) -> bool:
    if a.suffix != ".ipynb":
        return False
    return notebooks.same_but_python_version(
        a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    )


def _rel(course: Course, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(course.root))
    except ValueError:
        return str(path)
