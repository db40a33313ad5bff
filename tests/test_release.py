"""The release pipeline: notebooks/ and references in sync, clean releases, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import reference
from autograder.build import notebooks
from autograder.build.course import Course
from autograder.build.release import check_release
from tests.conftest import COURSE, ROOT, assignments
from tests.grade_cli import autograder_cli as autograder

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS")


@pytest.mark.slow
def test_release_and_references_are_in_sync_with_solutions():
    assert check_release(COURSE) == [], "run `autograder build` and commit the result"


@pytest.mark.parametrize("assignment", assignments())
def test_release_holds_no_solution_hidden_test_reference_or_output(assignment):
    folder = COURSE.release_folder(assignment)
    assert not list(folder.rglob("reference.json"))
    release = notebooks.read(folder / f"{assignment}.ipynb")
    source = notebooks.read(COURSE.source_notebook(assignment))
    assert set(release.metadata) == {"kernelspec", "language_info"}
    for cell in release.cells:
        assert not any(marker in cell.source for marker in SOLUTION_MARKERS), cell.source
        assert set(cell.metadata) <= {"nbgrader", "editable", "deletable", "tags"}
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    for ex in notebooks.exercises(source):
        hidden = release.cells[ex.cells["hidden"]].source
        assert "expect(" not in hidden, f"{ex.name}: hidden tests leaked into the release"
        assert hidden.startswith("# Скрытые проверки")
        solution = source.cells[ex.cells["solution"]].source
        body = solution.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        released = release.cells[ex.cells["solution"]].source
        # Lines of a few characters (a closing bracket, `return x`) prove nothing.
        for line in (ln.strip() for ln in body.splitlines()):
            if len(line) >= 12:
                assert line not in released, f"{ex.name}: solution line leaked: {line}"
        # The stub says in Russian why Run All stops there.
        assert 'raise NotImplementedError("Упражнение ещё не решено' in released


@pytest.mark.parametrize("assignment", assignments())
def test_reference_has_every_key_the_hidden_tests_use(assignment):
    source = notebooks.read(COURSE.source_notebook(assignment))
    keys = json.loads(COURSE.reference_file(assignment).read_text())["values"]
    for ex in notebooks.exercises(source):
        hidden = source.cells[ex.cells["hidden"]].source
        used = [part.split('"')[1] for part in hidden.split("expect(")[1:]]
        assert used, f"{ex.name}: no expect() in the hidden tests"
        for key in used:
            assert key.startswith(f"{ex.name}/") and key in keys, key


# --- bad input: one line naming the file and the problem, non-zero exit, nothing written -------


@pytest.fixture
def scratch_course(tmp_path):
    """A copy of the course with one assignment, built, to break in various ways."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    name = assignments()[0]
    shutil.copytree(COURSE.source_dir / name, root / "solutions" / name)
    shutil.copytree(COURSE.release_folder(name), root / "notebooks" / name)
    return Course(root), name


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def edit_source(course: Course, name: str, change) -> Path:
    path = course.source_notebook(name)
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)
    return path


def cell_by_id(nb, grade_id):
    return next(c for c in nb.cells if notebooks.grade_id(c) == grade_id)


def first_test_cell(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))


def break_json(course, name):
    path = course.source_notebook(name)
    path.write_text(path.read_text()[:-200])


def duplicate_grade_id(course, name):
    def change(nb):
        ids = [notebooks.grade_id(c) for c in nb.cells if notebooks.grade_id(c)]
        cell_by_id(nb, ids[1]).metadata.nbgrader.grade_id = ids[0]

    edit_source(course, name, change)


def drop_points(course, name):
    edit_source(course, name, lambda nb: first_test_cell(nb).metadata.nbgrader.pop("points"))


def expect_twice(course, name):
    def change(nb):
        hidden = next(c for c in nb.cells if (notebooks.grade_id(c) or "").endswith("-hidden"))
        lines = [line for line in hidden.source.splitlines() if line.startswith("expect(")]
        hidden.source = hidden.source.replace(lines[0], lines[0] + "\n" + lines[0])

    edit_source(course, name, change)


BAD_INPUTS = {
    "invalid JSON": (break_json, "invalid JSON"),
    "duplicated grade_id": (duplicate_grade_id, "duplicated grade_id"),
    "test cell without points": (drop_points, "has no points"),
    "expect key used twice": (expect_twice, "использован дважды"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_build_rejects_bad_source_in_one_line_and_writes_nothing(scratch_course, case):
    course, name = scratch_course
    breaker, says = BAD_INPUTS[case]
    breaker(course, name)
    before = snapshot(course.root)
    result = autograder("build", cwd=course.root)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert f"solutions/{name}/{name}.ipynb" in message and says in message, message
    assert snapshot(course.root) == before


def test_build_rejects_an_unknown_assignment(scratch_course):
    course, _ = scratch_course
    before = snapshot(course.root)
    result = autograder("build", "99-nothing", cwd=course.root)
    assert result.returncode == 2
    assert "unknown assignment '99-nothing'" in result.stderr and "\n" not in result.stderr.strip()
    assert snapshot(course.root) == before


@pytest.mark.slow
def test_check_release_names_the_stale_notebook(scratch_course):
    course, name = scratch_course
    release = course.release_folder(name) / f"{name}.ipynb"
    release.write_text(release.read_text().replace("Нейрон", "Нейронъ", 1))
    result = autograder("check-release", cwd=course.root)
    assert result.returncode == 1
    assert f"notebooks/{name}/{name}.ipynb: out of sync" in result.stderr


def test_course_pages_are_released_as_they_are_and_checked(scratch_course):
    course, _ = scratch_course
    page = "Глоссарий: **пакет** (*batch*).\n"
    (course.source_dir / "glossary.md").write_text(page, encoding="utf-8")
    assert check_release(course) == ["notebooks/glossary.md"]
    assert autograder("build", cwd=course.root).returncode == 0
    assert (course.release_dir / "glossary.md").read_text(encoding="utf-8") == page
    assert check_release(course) == []


@pytest.mark.parametrize("assignment", assignments())
def test_release_carries_the_kernels_language_info_so_it_opens_unmodified(assignment):
    release = notebooks.read(COURSE.release_folder(assignment) / f"{assignment}.ipynb")
    # JupyterLab writes the kernel's language_info on connect; a different one marks it modified.
    assert release.metadata.language_info == notebooks.language_info()


def test_a_notebook_built_by_another_python_patch_release_is_in_sync():
    nb = notebooks.read(COURSE.release_folder(assignments()[0]) / f"{assignments()[0]}.ipynb")
    text = notebooks.dumps(nb)
    nb.metadata.language_info.version = "3.11.99"
    assert notebooks.same_but_python_version(text, notebooks.dumps(nb))
    nb.cells[0].source += " "
    assert not notebooks.same_but_python_version(text, notebooks.dumps(nb))


def test_every_notebook_links_the_glossary():
    assert (COURSE.source_dir / "glossary.md").is_file()
    for name in assignments():
        text = COURSE.release_folder(name).joinpath(f"{name}.ipynb").read_text(encoding="utf-8")
        assert "](../glossary.md)" in text, f"{name} does not link the glossary"


# --- references on another CPU --------------------------------------------------------------------


def _floats_moved(data, ulps: int, counter: list[int]):
    """Every float of a reference moved by ``ulps`` units in the last place (alternating sign)."""
    if isinstance(data, float):
        counter[0] += 1
        direction = np.inf if counter[0] % 2 else -np.inf
        for _ in range(ulps):
            data = float(np.nextafter(data, direction))
        return data
    if isinstance(data, list):
        return [_floats_moved(x, ulps, counter) for x in data]
    if isinstance(data, dict):
        return {k: _floats_moved(v, ulps, counter) for k, v in data.items()}
    return data


@pytest.mark.parametrize("assignment", assignments())
def test_last_bit_float_noise_keeps_a_reference_in_sync(assignment):
    committed = COURSE.reference_file(assignment).read_text(encoding="utf-8")
    counter = [0]
    moved = json.dumps(_floats_moved(json.loads(committed), 3, counter), indent=1)
    assert counter[0] > 0
    assert moved != committed
    assert reference.differences(committed, moved) == []


@pytest.mark.parametrize("assignment", assignments())
def test_a_real_change_of_a_reference_value_is_out_of_sync(assignment):
    committed = COURSE.reference_file(assignment).read_text(encoding="utf-8")
    doc = json.loads(committed)
    changed = 0
    for key, value in doc["values"].items():
        arr = reference.decode(value)
        if not isinstance(arr, (float, np.floating, np.ndarray)) or np.asarray(arr).dtype != float:
            continue
        arr = np.array(arr, dtype=float)
        i = int(np.argmax(np.isfinite(arr.ravel())))
        if not np.isfinite(arr.ravel()[i]):
            continue
        rtol, atol = doc["tolerances"][key]
        # A tenth of the grading tolerance (for an exact key, 1e-9): graded alike, but real.
        x = abs(arr.ravel()[i])
        arr.ravel()[i] += max(0.1 * (atol + rtol * x), 1e-9 * max(x, 1.0))
        edited = json.loads(committed)
        edited["values"][key] = reference.encode(arr if arr.ndim else np.float64(arr))
        diff = reference.differences(committed, json.dumps(edited))
        assert diff and key in diff[0], key
        changed += 1
    assert changed > 0


def test_structural_changes_of_a_reference_are_out_of_sync():
    base = {
        "assignment": "x",
        "values": {"a/b": 1.5, "a/n": 3, "a/s": "Neuron", "a/t": True},
        "tolerances": {"a/b": [1e-6, 1e-9], "a/n": [1e-6, 1e-9], "a/s": [0, 0], "a/t": [0, 0]},
    }
    text = json.dumps(base)
    assert reference.differences(text, text) == []
    for key, new in [("a/n", 4), ("a/s", "neuron"), ("a/t", False), ("a/b", [1.5])]:
        edited = json.loads(text)
        edited["values"][key] = new
        assert reference.differences(text, json.dumps(edited)), key
    fewer = json.loads(text)
    del fewer["values"]["a/b"]
    assert reference.differences(text, json.dumps(fewer))
    assert reference.differences(text, "not json")
