"""Reading a student's notebook defensively and rebuilding it on the instructor's template.

What is graded is the instructor's notebook (the release, whose read-only and test cells nbgrader
restores from the gradebook) with the student's answers put into it: deleted, duplicated, edited or
re-typed cells and stripped metadata cannot stop grading or cost honest work. Every such repair is
reported as a flag (Russian, for the instructor and the student).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..build.notebooks import grade_id


@dataclass
class Prepared:
    student: str
    nb: nbformat.NotebookNode | None  # None: nothing gradable
    digest: str = ""  # sha256 of the graded file's bytes
    source: str = ""  # the file graded, relative name
    flags: list[str] = field(default_factory=list)
    fatal: str = ""  # why nothing could be graded


def choose_notebook(files: list[Path], expected: str) -> tuple[Path | None, list[str]]:
    """The notebook to grade among a student's files, and flags about the choice."""
    notebooks = [f for f in files if f.suffix.lower() == ".ipynb"]
    flags: list[str] = []
    if not notebooks:
        others = ", ".join(f.name for f in files[:3]) or "ничего"
        return None, [f"нет файла .ipynb (прислано: {others})"]
    exact = [f for f in notebooks if f.name == expected]
    chosen = exact[0] if exact else max(notebooks, key=lambda f: f.stat().st_mtime)
    if not exact:
        flags.append(f"файл называется {chosen.name!r} вместо {expected!r} — оценён всё равно")
    if len(notebooks) > 1:
        ignored = ", ".join(sorted(f.name for f in notebooks if f != chosen))
        flags.append(f"несколько тетрадок: оценена {chosen.name!r}, пропущены: {ignored}")
    return chosen, flags


def read_student_notebook(path: Path) -> tuple[dict | None, str, str]:
    """(notebook as JSON data or None, sha256, the reason it is unusable or "")."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return None, digest, "пустой файл"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, digest, "файл не в кодировке UTF-8 (не тетрадка Jupyter?)"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        return None, digest, f"повреждённый JSON (строка {e.lineno}, столбец {e.colno})"
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        return None, digest, "это не тетрадка Jupyter (нет списка ячеек)"
    return doc, digest, ""


def rebuild(
    student_doc: dict, template: nbformat.NotebookNode
) -> tuple[nbformat.NotebookNode, list[str]]:
    """The template with the student's answers and extra code cells in it; flags of repairs."""
    flags: list[str] = []
    nb = copy.deepcopy(template)
    by_gid = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
    by_id = {c.get("id"): i for i, c in enumerate(nb.cells) if c.get("id")}
    locked_sources = {
        c.source.strip()
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("locked")
        or c.metadata.get("nbgrader", {}).get("grade")
    }
    solution_idx = {
        i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution")
    }
    answers: dict[int, str] = {}
    extras: dict[int, list[str]] = {}
    anchor = -1
    had_metadata = False
    duplicates: set[str] = set()
    for raw in student_doc.get("cells", []):
        if not isinstance(raw, dict):
            continue
        source = raw.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        meta = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        nbg = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        gid = nbg.get("grade_id")
        had_metadata |= bool(gid)
        index = by_gid.get(gid) if gid else by_id.get(raw.get("id"))
        if index is not None:
            anchor = max(anchor, index)
            if index in solution_idx:
                if index in answers:
                    duplicates.add(grade_id(nb.cells[index]))
                    continue
                answers[index] = source
            continue
        if raw.get("cell_type") != "code" or not source.strip():
            continue
        if source.strip() in locked_sources:
            flags.append("копия ячейки с проверками не выполнялась")
            continue
        extras.setdefault(anchor, []).append(source)
    if not had_metadata:
        flags.append("метаданные nbgrader удалены: ячейки сопоставлены по идентификаторам")
    if duplicates:
        flags.append(f"ячейки ответов продублированы, оценена первая: {sorted(duplicates)}")
    missing = sorted(grade_id(nb.cells[i]) for i in solution_idx - answers.keys())
    if missing:
        where = ": учтён код из других ячеек" if extras else ""
        flags.append(f"не найдены ячейки ответов {missing}{where}")
    for i in solution_idx:
        # A missing answer cell becomes empty, so that a stub does not hide code written elsewhere.
        nb.cells[i].source = answers.get(i, "" if extras else nb.cells[i].source)
    cells = []
    for pos in [-1, *range(len(nb.cells))]:
        if pos >= 0:
            cells.append(nb.cells[pos])
        for code in extras.get(pos, []):
            cells.append(nbformat.v4.new_code_cell(code))
    for i, cell in enumerate(cells):
        cell["id"] = cell.get("id") or f"student-{i}"
    nb.cells = cells
    return nb, flags


def prepare(student: str, files: list[Path], expected: str, template) -> Prepared:
    """Everything that can be decided before running a kernel."""
    chosen, flags = choose_notebook(files, expected)
    if chosen is None:
        return Prepared(student, None, flags=flags, fatal=flags[0])
    doc, digest, problem = read_student_notebook(chosen)
    if problem:
        return Prepared(student, None, digest, chosen.name, flags, fatal=problem)
    nb, repairs = rebuild(doc, template)
    return Prepared(student, nb, digest, chosen.name, flags + repairs)
