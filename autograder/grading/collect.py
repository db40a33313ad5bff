"""Finding the submissions of a class: a folder per student, a zip of that, or an LMS bulk download.

Accepted layouts of ``SUBMISSIONS``:
- ``SUBMISSIONS/<student_id>/<anything>.ipynb`` (nbgrader's own layout), or a ``.zip`` of it;
- an LMS bulk download, as a folder or a zip, whose file or folder names carry the student id:
  Moodle ``Full Name_12345_assignsubmission_file_`` folders (or the same as a file-name prefix) and
  Canvas ``name_12345_67890_file.ipynb`` / ``name_LATE_12345_67890_file.ipynb`` files. Another LMS:
  pass ``--pattern`` with a regular expression whose named group ``student`` is the id.

Zip entries are extracted one by one and refused, with a message, when they would escape the target
folder (``..``, absolute paths), are links, or are absurdly large.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import CourseError

MOODLE = r"^(?P<name>.+?)_(?P<student>\d+)_assignsubmission_file_"
CANVAS = r"^(?P<name>[^_]+)_(?:LATE_)?(?P<student>\d+)_\d+_"
MAX_ENTRY_BYTES = 50 * 2**20  # a notebook is small; anything bigger is refused
MAX_TOTAL_BYTES = 2 * 2**30
MAX_RATIO = 200  # uncompressed / compressed: a zip bomb


@dataclass
class Submission:
    student: str
    files: list[Path] = field(default_factory=list)  # notebooks and other files found


@dataclass
class Collected:
    submissions: dict[str, Submission]
    problems: list[str]  # what was refused or skipped, one line each
    layout: str


def collect(path: Path, work: Path, pattern: str | None = None) -> Collected:
    """Find every student's files under ``path`` (a folder or a zip, extracted into ``work``)."""
    path = Path(path)
    if not path.exists():
        raise CourseError(path, "no such file or folder")
    problems: list[str] = []
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise CourseError(path, "not a folder and not a zip archive")
        root = work / "unzipped"
        problems += safe_extract(path, root)
    elif path.is_dir():
        root = path
    else:
        raise CourseError(path, "unreadable")
    root = _skip_wrapper_folder(root)
    regexes = [re.compile(pattern)] if pattern else [re.compile(MOODLE), re.compile(CANVAS)]
    by_lms = _by_name_pattern(root, regexes)
    if by_lms:
        return Collected(by_lms, problems, "lms")
    subs: dict[str, Submission] = {}
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and not entry.name.startswith((".", "__")):
            files = sorted(p for p in entry.rglob("*") if p.is_file() and _wanted(p))
            subs[entry.name] = Submission(entry.name, files)
        elif entry.is_file() and _wanted(entry):
            problems.append(f"{entry.name}: a file outside any student folder — skipped")
    return Collected(subs, problems, "folders")


def _wanted(p: Path) -> bool:
    return not any(part.startswith(".") or part == "__MACOSX" for part in p.parts[-3:])


def _skip_wrapper_folder(root: Path) -> Path:
    """A zip of ``submissions/`` holds one folder that holds the students: look inside it."""
    entries = [e for e in root.iterdir() if not e.name.startswith(".") and e.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir():
        inner = [e for e in entries[0].iterdir() if not e.name.startswith(".")]
        if (
            inner
            and all(e.is_dir() for e in inner)
            or _by_name_pattern(entries[0], [re.compile(MOODLE), re.compile(CANVAS)])
        ):
            return entries[0]
    return root


def _by_name_pattern(root: Path, regexes: list[re.Pattern]) -> dict[str, Submission]:
    """Group files by the student id found in their own or their top folder's name."""
    found: dict[str, list[Path]] = defaultdict(list)
    for entry in sorted(root.iterdir()):
        for rx in regexes:
            m = rx.match(entry.name)
            if m:
                student = m.group("student")
                if entry.is_dir():
                    found[student] += sorted(
                        p for p in entry.rglob("*") if p.is_file() and _wanted(p)
                    )
                else:
                    found[student].append(entry)
                break
    return {s: Submission(s, files) for s, files in found.items()}


def safe_extract(archive: Path, target: Path) -> list[str]:
    """Extract ``archive`` into ``target`` entry by entry; return the refused entries."""
    problems: list[str] = []
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            name = info.filename
            why = _refuse(info)
            if why is None and total + info.file_size > MAX_TOTAL_BYTES:
                why = "the archive unpacks to more than 2 GiB"
            if why:
                problems.append(f"{archive.name}: {name}: refused ({why})")
                continue
            if info.is_dir():
                continue
            dest = target.joinpath(*PurePosixPath(name).parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with zf.open(info) as src, open(dest, "wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_ENTRY_BYTES:
                        break
                    out.write(chunk)
            if written > MAX_ENTRY_BYTES:
                dest.unlink()
                problems.append(f"{archive.name}: {name}: refused (larger than 50 MiB)")
                continue
            total += written
    return problems


def _refuse(info: zipfile.ZipInfo) -> str | None:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if ".." in path.parts:
        return "path escapes the folder ('..')"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if info.file_size > MAX_ENTRY_BYTES:
        return "larger than 50 MiB"
    if (
        info.compress_size
        and info.file_size / info.compress_size > MAX_RATIO
        and (info.file_size > 2**20)
    ):
        return "compression ratio of a zip bomb"
    return None
