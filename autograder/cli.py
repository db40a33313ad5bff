"""The instructor's command line: ``autograder build`` and ``autograder check-release``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import release
from .course import Course
from .errors import CourseError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="autograder", description="«Нейросети с нуля»: the course's release pipeline."
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="course root (default: the folder with nbgrader_config.py, here or above)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser(
        "build", help="execute solutions, record hidden-test references, regenerate notebooks/"
    )
    p_build.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    p_check = sub.add_parser(
        "check-release", help="fail if notebooks/ or a reference is out of sync with solutions/"
    )
    p_check.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    args = parser.parse_args(argv)

    try:
        course = Course.find(args.root)
        if args.command == "build":
            for name in release.build(course, args.assignments):
                print(f"built {name}")
            return 0
        stale = release.check_release(course, args.assignments)
        if stale:
            for path in stale:
                print(
                    f"{path}: out of sync with solutions/ (run `autograder build`)", file=sys.stderr
                )
            return 1
        print("release and references are in sync with solutions/")
        return 0
    except CourseError as e:
        print(f"autograder: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
