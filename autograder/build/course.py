"""Where things are in a course repository, and the settings shared with nbgrader_config.py."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from ..diagnoses import DIAGNOSES_FILENAME
from ..errors import CourseError
from ..reference import REFERENCE_FILENAME

CONFIG_FILENAME = "nbgrader_config.py"


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Course:
        """The course whose nbgrader_config.py is in ``start`` or the nearest parent folder."""
        start = Path(start or Path.cwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / CONFIG_FILENAME).is_file():
                return cls(folder)
        raise CourseError(start, f"no {CONFIG_FILENAME} here or in a parent folder")

    @cached_property
    def config(self):
        loader = PyFileConfigLoader(CONFIG_FILENAME, path=str(self.root))
        return loader.load_config()

    @property
    def source_dir(self) -> Path:
        return self.root / self.config.CourseDirectory.get("source_directory", "source")

    @property
    def release_dir(self) -> Path:
        return self.root / self.config.CourseDirectory.get("release_directory", "release")

    @property
    def cell_timeout(self) -> int:
        """Per-cell timeout in seconds, the same for grading and for nbval."""
        return int(self.config.Execute.get("timeout", 30))

    def assignments(self) -> list[str]:
        """Assignment ids: the folders of the source directory that hold a notebook."""
        if not self.source_dir.is_dir():
            return []
        return sorted(
            d.name for d in self.source_dir.iterdir() if d.is_dir() and any(d.glob("*.ipynb"))
        )

    def shared_files(self) -> list[Path]:
        """Course-wide pages for students (the glossary): Markdown files at the top of the source
        directory, released as they are beside the assignment folders."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p for p in self.source_dir.glob("*.md") if p.is_file())

    def check_assignment(self, assignment: str) -> None:
        if assignment not in self.assignments():
            known = ", ".join(self.assignments()) or "none"
            raise CourseError(
                self.source_dir / assignment, f"unknown assignment {assignment!r} (known: {known})"
            )

    def source_notebook(self, assignment: str) -> Path:
        """The assignment's notebook: ``solutions/A/A.ipynb``."""
        path = self.source_dir / assignment / f"{assignment}.ipynb"
        if not path.is_file():
            raise CourseError(path, "missing: the notebook must have the assignment's name")
        return path

    def copy_assignment(self, assignment: str, dest: Path, *also_ignore: str) -> None:
        """Copy the assignment's source folder to ``dest``, as nbgrader would: without the files
        nbgrader ignores, the hidden-test reference or the diagnoses (and ``also_ignore``)."""
        ignore = shutil.ignore_patterns(
            *self.config.CourseDirectory.get("ignore", []),
            REFERENCE_FILENAME,
            DIAGNOSES_FILENAME,
            *also_ignore,
        )
        shutil.copytree(self.source_dir / assignment, dest, ignore=ignore)

    def reference_file(self, assignment: str) -> Path:
        return self.source_dir / assignment / REFERENCE_FILENAME

    def release_folder(self, assignment: str) -> Path:
        return self.release_dir / assignment
