"""Start-up time of the instructor's processes.

jsonschema (nbformat validates every notebook with it) imports ``rfc3987_syntax`` when installed
(jupyter's ``jsonschema[format-nongpl]`` installs it), and that module compiles about forty Lark
parsers at import: 2 s of CPU in every process that reads a notebook — each ``autograder``
command, each Dask worker. They check only the ``iri`` formats, which no notebook or nbgrader
schema uses (python-jsonschema/jsonschema#1428), so the grader's processes go without them.
"""

from __future__ import annotations

import sys

SLOW_FORMAT_CHECKERS = ("rfc3987_syntax",)


def skip_slow_format_checkers() -> None:
    """Make ``import rfc3987_syntax`` fail fast (jsonschema then skips the ``iri`` checkers).
    Only before jsonschema is imported: afterwards its checkers exist already."""
    if "jsonschema" in sys.modules:
        return
    for name in SLOW_FORMAT_CHECKERS:
        sys.modules.setdefault(name, None)
