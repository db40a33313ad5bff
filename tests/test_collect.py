"""`collect()`: symbolic links are refused, never followed; the layout is chosen from what fits.

Unit tests on folders built in ``tmp_path`` with real files and real ``os.symlink``.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from autograder.errors import CourseError
from autograder.grading.collect import LINK, NOT_A_FOLDER, NOT_LMS, collect

NB = "01-neuron.ipynb"


def put(path: Path, text: str = '{"cells": []}') -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(collected) -> dict[str, list[str]]:
    """student -> the names of their files."""
    return {s: [f.name for f in sub.files] for s, sub in sorted(collected.submissions.items())}


def link_line(rel: str) -> str:
    return f"{rel}: {LINK}"


@pytest.fixture
def solution(tmp_path) -> Path:
    """The instructor's solution, outside SUBMISSIONS."""
    return put(tmp_path / "course" / "solutions" / NB, '{"solution": true}')


# --- symbolic links -------------------------------------------------------------------------


def test_a_student_folder_that_is_a_link_is_refused(tmp_path, solution):
    subs = tmp_path / "subs"
    put(subs / "ivanov" / NB)
    os.symlink(solution.parent, subs / "copycat")
    c = collect(subs, tmp_path / "work")
    assert c.layout == "folders"
    assert found(c) == {"copycat": [], "ivanov": [NB]}
    assert c.problems == [link_line("copycat")]
    assert c.submissions["copycat"].problems == [link_line("copycat")]
    assert c.submissions["ivanov"].problems == []
    assert "символическая ссылка" in c.problems[0] and "\n" not in c.problems[0]


def test_a_notebook_that_is_a_link_is_refused(tmp_path, solution):
    subs = tmp_path / "subs"
    put(subs / "honest" / NB)
    (subs / "symlink_solution").mkdir()
    os.symlink(solution, subs / "symlink_solution" / NB)
    (subs / "symlink_copycat").mkdir()
    os.symlink(Path("..") / "honest" / NB, subs / "symlink_copycat" / NB)
    assert (subs / "symlink_copycat" / NB).is_file()  # the link works: it is not followed
    c = collect(subs, tmp_path / "work")
    assert c.layout == "folders"
    assert found(c) == {"honest": [NB], "symlink_copycat": [], "symlink_solution": []}
    assert c.problems == [
        link_line(f"symlink_copycat/{NB}"),
        link_line(f"symlink_solution/{NB}"),
    ]
    assert c.submissions["symlink_copycat"].problems == [link_line(f"symlink_copycat/{NB}")]
    assert c.submissions["symlink_solution"].problems == [link_line(f"symlink_solution/{NB}")]
    assert c.submissions["honest"].problems == []


def test_a_link_deep_inside_a_student_folder_is_refused(tmp_path, solution):
    subs = tmp_path / "subs"
    put(subs / "petrova" / NB)
    put(subs / "ivanov" / "draft.ipynb")
    deep = subs / "ivanov" / "a" / "b" / "c"
    put(deep / "data.csv", "x\n1\n")
    os.symlink(solution, deep / NB)
    os.symlink(subs / "petrova" / NB, deep / "copy.ipynb")
    c = collect(subs, tmp_path / "work")
    assert found(c) == {"ivanov": ["data.csv", "draft.ipynb"], "petrova": [NB]}
    expected = [link_line(f"ivanov/a/b/c/{NB}"), link_line("ivanov/a/b/c/copy.ipynb")]
    assert c.problems == expected
    assert c.submissions["ivanov"].problems == expected
    assert c.submissions["petrova"].problems == []


def test_a_link_to_a_folder_is_not_recursed_into(tmp_path, solution):
    subs = tmp_path / "subs"
    put(subs / "ivanov" / NB)
    put(solution.parent / "nested" / "more.ipynb")
    os.symlink(solution.parent, subs / "ivanov" / "shared")
    os.symlink(subs / "ivanov", subs / "ivanov" / "loop")  # a cycle: no endless walk either
    c = collect(subs, tmp_path / "work")
    assert found(c) == {"ivanov": [NB]}
    assert c.problems == [link_line("ivanov/loop"), link_line("ivanov/shared")]
    assert c.submissions["ivanov"].problems == c.problems


def test_links_are_refused_in_the_lms_layout_too(tmp_path, solution):
    subs = tmp_path / "subs"
    put(subs / "Иван Петров_1001_assignsubmission_file_" / NB)
    (subs / "Анна Смирнова_1002_assignsubmission_file_").mkdir()
    os.symlink(solution, subs / "Анна Смирнова_1002_assignsubmission_file_" / NB)
    os.symlink(solution, subs / f"Олег_1003_assignsubmission_file_{NB}")
    c = collect(subs, tmp_path / "work")
    assert c.layout == "lms"
    assert found(c) == {"1001": [NB], "1002": [], "1003": []}
    assert c.submissions["1002"].problems == [
        link_line(f"Анна Смирнова_1002_assignsubmission_file_/{NB}")
    ]
    assert c.submissions["1003"].problems == [link_line(f"Олег_1003_assignsubmission_file_{NB}")]
    assert c.submissions["1001"].problems == []
    assert sorted(c.problems) == sorted(
        c.submissions["1002"].problems + c.submissions["1003"].problems
    )


def test_a_top_level_file_link_is_refused_not_a_student(tmp_path, solution):
    subs = tmp_path / "subs"
    put(subs / "ivanov" / NB)
    os.symlink(solution, subs / NB)
    c = collect(subs, tmp_path / "work")
    assert found(c) == {"ivanov": [NB]}
    assert c.problems == [link_line(NB)]


# --- the layout -----------------------------------------------------------------------------


def test_one_lms_looking_folder_does_not_drop_the_class(tmp_path):
    subs = tmp_path / "subs"
    for student in ("ivanov", "petrova", "st_2023_101_sidorov"):
        put(subs / student / NB)
    c = collect(subs, tmp_path / "work")
    assert c.layout == "folders"
    assert found(c) == {"ivanov": [NB], "petrova": [NB], "st_2023_101_sidorov": [NB]}
    assert c.problems == []


def test_a_stray_file_does_not_switch_the_layout(tmp_path):
    subs = tmp_path / "subs"
    put(subs / "ivanov" / NB)
    put(subs / "petrova" / NB)
    put(subs / "notes_2024_05_draft.txt", "todo")
    c = collect(subs, tmp_path / "work")
    assert c.layout == "folders"
    assert found(c) == {"ivanov": [NB], "petrova": [NB]}
    assert len(c.problems) == 1
    assert c.problems[0].startswith(f"notes_2024_05_draft.txt: {NOT_A_FOLDER}")
    assert "skipped" in c.problems[0]


def test_a_moodle_download_is_still_lms(tmp_path):
    subs = tmp_path / "subs"
    put(subs / "Иван Петров_1001_assignsubmission_file_" / NB)
    put(subs / "Анна Смирнова_1002_assignsubmission_file_" / "work" / NB)
    put(subs / f"Олег Сидоров_1003_assignsubmission_file_{NB}")  # Moodle's flat variant
    put(subs / ".DS_Store", "")
    put(subs / "__MACOSX" / "._x", "")
    c = collect(subs, tmp_path / "work")
    assert c.layout == "lms"
    assert found(c) == {
        "1001": [NB],
        "1002": [NB],
        "1003": [f"Олег Сидоров_1003_assignsubmission_file_{NB}"],
    }
    assert c.problems == []  # hidden entries are not students and not worth a line


def test_a_canvas_download_is_still_lms(tmp_path):
    subs = tmp_path / "subs"
    put(subs / f"petrov_1001_55501_{NB}")
    put(subs / f"ivanova_LATE_1002_55502_{NB}")
    put(subs / "ivanova_LATE_1002_55503_helpers.py", "x = 1")
    c = collect(subs, tmp_path / "work")
    assert c.layout == "lms"
    assert found(c) == {
        "1001": [f"petrov_1001_55501_{NB}"],
        "1002": [f"ivanova_LATE_1002_55502_{NB}", "ivanova_LATE_1002_55503_helpers.py"],
    }
    assert c.problems == []


def test_an_lms_download_with_a_stray_file_is_lms_and_says_so(tmp_path):
    subs = tmp_path / "subs"
    for i, name in enumerate(["Иван", "Анна", "Олег"]):
        put(subs / f"{name}_100{i}_assignsubmission_file_" / NB)
    put(subs / "index.html", "<html></html>")
    c = collect(subs, tmp_path / "work")
    assert c.layout == "lms"
    assert found(c) == {"1000": [NB], "1001": [NB], "1002": [NB]}
    assert c.problems == [f"index.html: {NOT_LMS}"]


def test_a_plain_student_folder_with_a_notebook_keeps_the_folder_layout(tmp_path):
    subs = tmp_path / "subs"
    for i, name in enumerate(["Иван", "Анна", "Олег"]):
        put(subs / f"{name}_100{i}_assignsubmission_file_" / NB)
    put(subs / "ivanov" / "hw" / NB)
    c = collect(subs, tmp_path / "work")
    assert c.layout == "folders"
    assert sorted(c.submissions) == [
        "ivanov",
        "Анна_1001_assignsubmission_file_",
        "Иван_1000_assignsubmission_file_",
        "Олег_1002_assignsubmission_file_",
    ]
    assert c.problems == []


def test_layout_can_be_forced(tmp_path):
    subs = tmp_path / "subs"
    for student in ("ivanov", "petrova", "st_2023_101_sidorov"):
        put(subs / student / NB)
    lms = collect(subs, tmp_path / "work", layout="lms")
    assert lms.layout == "lms"
    assert found(lms) == {"2023": [NB]}
    assert lms.problems == [f"ivanov: {NOT_LMS}", f"petrova: {NOT_LMS}"]

    moodle = tmp_path / "moodle"
    put(moodle / "Иван_1001_assignsubmission_file_" / NB)
    put(moodle / "Анна_1002_assignsubmission_file_" / NB)
    folders = collect(moodle, tmp_path / "work", layout="folders")
    assert folders.layout == "folders"
    assert sorted(folders.submissions) == [
        "Анна_1002_assignsubmission_file_",
        "Иван_1001_assignsubmission_file_",
    ]
    assert folders.problems == []
    assert collect(moodle, tmp_path / "work").layout == "lms"


def test_pattern_implies_lms(tmp_path):
    subs = tmp_path / "subs"
    put(subs / "hw1-s001" / NB)
    put(subs / "hw1-s002" / NB)
    put(subs / "readme.txt", "hi")
    c = collect(subs, tmp_path / "work", pattern=r"^hw1-(?P<student>s\d+)$")
    assert c.layout == "lms"
    assert found(c) == {"s001": [NB], "s002": [NB]}
    assert c.problems == [f"readme.txt: {NOT_LMS}"]
    with pytest.raises(CourseError, match="LMS layout"):
        collect(subs, tmp_path / "work", pattern=r"(?P<student>x)", layout="folders")
    with pytest.raises(CourseError, match="unknown layout"):
        collect(subs, tmp_path / "work", layout="moodle")


def test_dunder_folders_are_skipped_with_a_line(tmp_path):
    subs = tmp_path / "subs"
    put(subs / "ivanov" / NB)
    put(subs / "ivanov" / ".ipynb_checkpoints" / "01-neuron-checkpoint.ipynb")
    put(subs / "__pycache__" / "x.pyc", "")
    c = collect(subs, tmp_path / "work")
    assert found(c) == {"ivanov": [NB]}
    assert c.problems == [f"__pycache__: {NOT_A_FOLDER}"]


# --- zips, as before ------------------------------------------------------------------------


def test_a_zip_with_a_wrapper_folder(tmp_path):
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"submissions/ivanov/{NB}", "{}")
        zf.writestr(f"submissions/petrova/{NB}", "{}")
        zf.writestr(f"submissions/st_2023_101_sidorov/{NB}", "{}")
        zf.writestr("__MACOSX/submissions/._ivanov", "")
    c = collect(archive, tmp_path / "work")
    assert c.layout == "folders"
    assert found(c) == {"ivanov": [NB], "petrova": [NB], "st_2023_101_sidorov": [NB]}
    assert c.problems == []


def test_a_moodle_zip_with_a_wrapper_folder_and_refused_entries(tmp_path):
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"hw/Иван_1001_assignsubmission_file_/{NB}", "{}")
        zf.writestr(f"hw/Анна_1002_assignsubmission_file_{NB}", "{}")
        zf.writestr("hw/grades.csv", "x")
        zf.writestr("../escape.ipynb", "{}")
        link = zipfile.ZipInfo(f"hw/Олег_1003_assignsubmission_file_/{NB}")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    c = collect(archive, tmp_path / "work")
    assert c.layout == "lms"
    assert found(c) == {"1001": [NB], "1002": [f"Анна_1002_assignsubmission_file_{NB}"]}
    assert c.problems == [
        "moodle.zip: ../escape.ipynb: refused (path escapes the folder ('..'))",
        f"moodle.zip: hw/Олег_1003_assignsubmission_file_/{NB}: refused (symbolic link)",
        f"moodle.zip: hw/grades.csv: {NOT_LMS}",
    ]
    assert not (tmp_path / "escape.ipynb").exists()


# --- nbgrader's submitted/<student>/<assignment>/ -------------------------------------------------


def test_nbgrader_layout_reads_only_the_assignment_being_graded(tmp_path):
    subs = tmp_path / "submitted"
    put(subs / "alice" / "01-neuron" / NB)
    put(subs / "alice" / "01-neuron" / "timestamp.txt", "2026-12-01 10:00:00")
    put(subs / "alice" / "02-activations" / "02-activations.ipynb")
    put(subs / "bob" / "02-activations" / "02-activations.ipynb")  # not submitted 01 yet
    c = collect(subs, tmp_path / "work", assignment="01-neuron")
    assert found(c) == {"alice": [NB, "timestamp.txt"], "bob": []}
    assert c.submissions["alice"].problems == []
    assert c.submissions["bob"].problems == [
        "bob: no folder 01-neuron/ (nbgrader's layout): nothing submitted for 01-neuron"
    ]


def test_nbgrader_layout_with_one_student_is_not_a_wrapper_folder(tmp_path):
    subs = tmp_path / "submitted"
    put(subs / "alice" / "01-neuron" / NB)
    c = collect(subs, tmp_path / "work", assignment="01-neuron")
    assert found(c) == {"alice": [NB]}


def test_a_flat_class_is_read_as_before_when_no_folder_is_named_after_the_assignment(tmp_path):
    subs = tmp_path / "subs"
    put(subs / "alice" / "work" / NB)
    put(subs / "bob" / NB)
    c = collect(subs, tmp_path / "work", assignment="01-neuron")
    assert found(c) == {"alice": [NB], "bob": [NB]}
