"""Finding the submissions of a class: a folder per student, a zip of that, or an LMS bulk download.

Accepted layouts of ``SUBMISSIONS``:
- ``SUBMISSIONS/<student_id>/<anything>.ipynb``, or a ``.zip`` of it;
- nbgrader's ``submitted/<student_id>/<assignment>/…`` (what ``nbgrader collect`` leaves): when any
  student folder holds a folder named after the assignment being graded, only those folders are
  read (a student's other assignments are not theirs to be graded on here);
- an LMS bulk download, as a folder or a zip, whose file or folder names carry the student id:
  Moodle ``Full Name_12345_assignsubmission_file_`` folders (or the same as a file-name prefix) and
  Canvas ``name_12345_67890_file.ipynb`` / ``name_LATE_12345_67890_file.ipynb`` files. Another LMS:
  pass ``--pattern`` with a regular expression whose named group ``student`` is the id.

The LMS layout is chosen only when the top-level entries fit it (all of them match a pattern, or two
thirds do and no other one is a plain folder holding a notebook), or when asked for (``layout``,
``--pattern``); otherwise the folder layout. Every top-level entry the chosen layout skips gets a
line in ``problems``: nothing is dropped silently.

Zip entries are extracted one by one and refused, with a message, when they would escape the target
folder (``..``, absolute paths), are links, or are absurdly large. In a folder, symbolic links are
never followed: a student folder, a notebook or anything below that is a link is refused, with a
line (a hand-in linked to the solution or to another student's notebook is not that student's).
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import CourseError

MOODLE = r"^(?P<name>.+?)_(?P<student>\d+)_assignsubmission_file_"
CANVAS = r"^(?P<name>[^_]+)_(?:LATE_)?(?P<student>\d+)_\d+_"
MAX_ENTRY_BYTES = 50 * 2**20  # a notebook is small; anything bigger is refused
MAX_TOTAL_BYTES = 2 * 2**30
MAX_RATIO = 200  # uncompressed / compressed: a zip bomb
LAYOUTS = ("auto", "folders", "lms")

LINK = "refused: a symbolic link, not followed (отклонено: символическая ссылка)"
NOT_REGULAR = "refused: not a regular file or folder (отклонено: не обычный файл)"
NOT_A_FOLDER = "skipped: not a student folder (пропущено: не папка студента)"
NOT_LMS = "skipped: does not match the LMS pattern (пропущено: имя не подходит под шаблон LMS)"


@dataclass
class Submission:
    student: str
    files: list[Path] = field(default_factory=list)  # notebooks and other files found
    problems: list[str] = field(default_factory=list)  # the lines of Collected.problems about them


@dataclass
class Collected:
    submissions: dict[str, Submission]
    problems: list[str]  # what was refused or skipped, one line each
    layout: str


def collect(
    path: Path,
    work: Path,
    pattern: str | None = None,
    layout: str = "auto",
    assignment: str | None = None,
) -> Collected:
    """Find every student's files under ``path`` (a folder or a zip, extracted into ``work``).

    ``layout`` is "folders" (a folder per student), "lms" (names carrying the student id) or
    "auto": the LMS layout when the top-level entries fit it (see ``_fits_lms``); ``pattern``
    implies the LMS layout. Symbolic links are never followed: each one is refused, with a line in
    ``problems`` and in its student's ``Submission.problems``; so is each top-level entry skipped.
    """
    if layout not in LAYOUTS:
        raise CourseError("--layout", f"unknown layout {layout!r}: one of auto, folders, lms")
    if pattern and layout == "folders":
        raise CourseError("--pattern", "applies to the LMS layout, not to --layout folders")
    path = Path(path)
    if not path.exists():
        raise CourseError(path, "no such file or folder")
    problems: list[str] = []
    prefix = ""
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise CourseError(path, "not a folder and not a zip archive")
        root = work / "unzipped"
        problems += safe_extract(path, root)
        prefix = f"{path.name}: "
    elif path.is_dir():
        root = path
    else:
        raise CourseError(path, "unreadable")
    regexes = [re.compile(pattern)] if pattern else [re.compile(MOODLE), re.compile(CANVAS)]
    base = root
    root = _skip_wrapper_folder(root, regexes, layout, assignment)
    entries = [e for e in sorted(root.iterdir()) if not _hidden(e.name)]
    if layout == "auto":
        layout = "lms" if pattern or _fits_lms(entries, regexes) else "folders"
    where = _Where(base, prefix, problems)
    if layout == "lms":
        subs = _by_name_pattern(entries, regexes, where)
    else:
        subs = _by_folder(entries, where, _nbgrader_layout(entries, assignment))
    return Collected(subs, problems, layout)


def _nbgrader_layout(entries: list[Path], assignment: str | None) -> str | None:
    """The assignment, when some student folder holds a folder of that name (nbgrader's
    ``submitted/<student>/<assignment>/``)."""
    if not assignment:
        return None
    for e in entries:
        if _real_dir(e) and _real_dir(e / assignment):
            return assignment
    return None


@dataclass
class _Where:
    """Names paths relative to SUBMISSIONS in the problem lines, and collects the lines."""

    base: Path
    prefix: str  # "archive.zip: " for a zip
    problems: list[str]

    def say(self, entry: Path, what: str, own: list[str] | None = None) -> None:
        line = f"{self.prefix}{entry.relative_to(self.base).as_posix()}: {what}"
        self.problems.append(line)
        if own is not None:
            own.append(line)


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _match(name: str, regexes: list[re.Pattern]) -> str | None:
    for rx in regexes:
        m = rx.match(name)
        if m:
            return m.group("student")
    return None


def _real_dir(p: Path) -> bool:
    return p.is_dir() and not p.is_symlink()


def _walk(folder: Path, where: _Where, own: list[str]) -> list[Path]:
    """The regular files below ``folder``, hidden ones left out; links refused, never followed."""
    files: list[Path] = []
    try:
        children = sorted(folder.iterdir())
    except OSError as err:
        where.say(folder, f"skipped: unreadable folder ({err.strerror})", own)
        return files
    for child in children:
        if _hidden(child.name):
            continue
        if child.is_symlink():
            where.say(child, LINK, own)
        elif child.is_dir():
            files += _walk(child, where, own)
        elif child.is_file():
            files.append(child)
        else:
            where.say(child, NOT_REGULAR, own)
    return files


def _holds_notebook(folder: Path) -> bool:
    quiet = _Where(folder, "", [])
    return any(p.suffix.lower() == ".ipynb" for p in _walk(folder, quiet, []))


def _fits_lms(entries: list[Path], regexes: list[re.Pattern]) -> bool:
    """Whether the (not hidden) top-level entries look like an LMS download.

    Yes when every one matches a pattern; or when at least two thirds do and none of the others is
    a plain folder holding a notebook (that one is a student of the folder layout).
    """
    matching = [e for e in entries if _match(e.name, regexes)]
    if not matching:
        return False
    rest = [e for e in entries if not _match(e.name, regexes)]
    if len(matching) < 2 * len(rest):
        return False
    return not any(_real_dir(e) and _holds_notebook(e) for e in rest)


def _skip_wrapper_folder(
    root: Path, regexes: list[re.Pattern], layout: str, assignment: str | None = None
) -> Path:
    """A zip of ``submissions/`` holds one folder that holds the students: look inside it."""
    entries = [e for e in root.iterdir() if not _hidden(e.name)]
    if len(entries) != 1 or not _real_dir(entries[0]):
        return root
    only = entries[0]
    if assignment and _real_dir(only / assignment):
        return root  # nbgrader's submitted/ with one student: their folder, not a wrapper
    if layout != "folders" and _match(only.name, regexes):
        return root  # a class of one LMS student
    inner = [e for e in only.iterdir() if not _hidden(e.name)]
    if not inner:
        return root
    if all(e.is_dir() for e in inner):
        return only
    if layout == "auto" and _fits_lms(inner, regexes):
        return only
    if layout == "lms" and any(_match(e.name, regexes) for e in inner):
        return only
    return root


def _by_folder(
    entries: list[Path], where: _Where, assignment: str | None = None
) -> dict[str, Submission]:
    """A folder per student; anything else at the top level is skipped, with a line. In
    nbgrader's layout (``assignment`` given) only ``<student>/<assignment>/`` is read."""
    subs: dict[str, Submission] = {}
    for entry in entries:
        if entry.is_symlink():
            if entry.is_dir():  # a student folder that is a link: the student has no files
                sub = subs[entry.name] = Submission(entry.name)
                where.say(entry, LINK, sub.problems)
            else:
                where.say(entry, LINK)
        elif entry.is_dir() and not entry.name.startswith("__"):
            sub = subs[entry.name] = Submission(entry.name)
            folder = entry / assignment if assignment else entry
            if assignment and (folder.is_symlink() or not folder.is_dir()):
                what = (
                    LINK if folder.is_symlink() else f"no folder {assignment}/ (nbgrader's layout)"
                )
                where.say(entry, f"{what}: nothing submitted for {assignment}", sub.problems)
                continue
            sub.files = _walk(folder, where, sub.problems)
        elif entry.is_dir():
            where.say(entry, NOT_A_FOLDER)
        elif entry.is_file():
            where.say(entry, f"{NOT_A_FOLDER}: a file outside any student folder")
        else:
            where.say(entry, NOT_REGULAR)
    return subs


def _by_name_pattern(
    entries: list[Path], regexes: list[re.Pattern], where: _Where
) -> dict[str, Submission]:
    """Group files by the student id found in their own or their top folder's name."""
    found: dict[str, Submission] = {}
    for entry in entries:
        student = _match(entry.name, regexes)
        if student is None:
            where.say(entry, NOT_LMS)
            continue
        sub = found.setdefault(student, Submission(student))
        if entry.is_symlink():
            where.say(entry, LINK, sub.problems)
        elif entry.is_dir():
            sub.files += _walk(entry, where, sub.problems)
        elif entry.is_file():
            sub.files.append(entry)
        else:
            where.say(entry, NOT_REGULAR, sub.problems)
    return found


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
