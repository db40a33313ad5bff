"""The instructor's command line: build, check-release, grade, publish."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .fastimport import skip_slow_format_checkers

skip_slow_format_checkers()  # before anything imports nbformat

from .build import release  # noqa: E402
from .build.course import Course  # noqa: E402
from .build.nbgrader_cmd import nbgrader_env  # noqa: E402
from .build.publish import publish  # noqa: E402
from .diagnoses import DIAGNOSES_FILENAME  # noqa: E402
from .errors import CourseError  # noqa: E402


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
    p_diagnose = sub.add_parser(
        "diagnose",
        help="run the mutant catalogue (tests/mutants/) on every check: solutions/A/diagnoses.json",
    )
    p_diagnose.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    p_grade = sub.add_parser(
        "grade", help="grade a class: gradebook, grades.csv, exercises.csv, feedback, report"
    )
    p_grade.add_argument("assignment", metavar="ASSIGNMENT")
    p_grade.add_argument(
        "submissions",
        metavar="SUBMISSIONS",
        type=Path,
        help="folder of <student_id>/ folders, a zip of it, or an LMS bulk download",
    )
    p_grade.add_argument("--out", type=Path, required=True, help="folder for the results")
    p_grade.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="notebooks executed at once (default: CPU cores)",
    )
    p_grade.add_argument(
        "--db", default=None, help="gradebook SQLAlchemy URL (default: sqlite in the course root)"
    )
    p_grade.add_argument(
        "--timeout",
        type=int,
        default=None,
        help="per-cell timeout in seconds (default: nbgrader_config.py)",
    )
    p_grade.add_argument(
        "--roster",
        type=Path,
        default=None,
        help="CSV of student ids (first column): absent students get 0",
    )
    p_grade.add_argument(
        "--pattern", default=None, help="regex with a named group 'student' for LMS file names"
    )
    p_grade.add_argument(
        "--memory-mb", type=int, default=2048, help="resident memory cap per kernel (default 2048)"
    )
    p_grade.add_argument(
        "--sandbox",
        choices=["auto", "require", "off"],
        default="auto",
        help="run kernels in a bubblewrap sandbox: when available (auto, the default; a loud "
        "warning otherwise), or refuse to grade without it (require), or not at all (off)",
    )
    p_grade.add_argument(
        "--layout",
        choices=["auto", "folders", "lms"],
        default="auto",
        help="how SUBMISSIONS is laid out: a folder per student, an LMS bulk download, or "
        "decided from the entries (auto, the default; every skipped entry is reported)",
    )
    p_grade.add_argument(
        "--state",
        type=Path,
        default=None,
        help="folder for the grader's own work and cache, which hold the restored hidden tests "
        "(default: .autograder-state/ in the course root; never inside --out)",
    )
    p_grade.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="execute the submissions on a Dask cluster: a running scheduler (tcp://HOST:8786) "
        "or local:N, a LocalCluster of N worker processes for this run (default: --jobs local "
        "worker processes)",
    )
    p_grade.add_argument(
        "--autograded",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write each graded notebook to DIR/<student>/<assignment>/, as nbgrader's "
        "autograded/ folder (the course's, for formgrader's notebook views and manual grading; "
        "the notebooks hold the hidden tests)",
    )
    p_grade.add_argument("--quiet", action="store_true", help="no progress bar")
    p_publish = sub.add_parser("publish", help="write the student-only repository into DIR")
    p_publish.add_argument("target", metavar="DIR", type=Path)
    p_publish.add_argument(
        "--binder-url",
        metavar="URL",
        help="Binder link for the student README: a URL, or OWNER/REPO of its GitHub repository",
    )
    args = parser.parse_args(argv)

    # nbgrader's gradebook shells out to `alembic`, which lives beside this Python.
    os.environ["PATH"] = nbgrader_env()["PATH"]
    try:
        course = Course.find(args.root)
        if args.command == "grade":
            return _grade(course, args)
        if args.command == "publish":
            files = publish(course, args.target, args.binder_url)
            if not args.binder_url:
                print("note: no --binder-url: the README's Binder link is a placeholder")
            print(f"published {len(files)} files to {args.target}")
            return 0
        if args.command == "diagnose":
            from .build.diagnose import diagnose

            for name, what in diagnose(course, args.assignments):
                print(f"diagnosed {name}: {what}")
            print("now run `autograder build` to put the visible diagnoses in the release")
            return 0
        if args.command == "build":
            for name in release.build(course, args.assignments):
                print(f"built {name}")
            return 0
        stale = release.check_release(course, args.assignments)
        if stale:
            for path in stale:
                fix = "diagnose" if path.endswith(DIAGNOSES_FILENAME) else "build"
                print(
                    f"{path}: out of sync with solutions/ (run `autograder {fix}`)", file=sys.stderr
                )
            return 1
        print("release and references are in sync with solutions/")
        return 0
    except CourseError as e:
        print(f"autograder: {e}", file=sys.stderr)
        return 2


def _grade(course: Course, args) -> int:
    from .grading.grade import Options, grade
    from .grading.report import write_outputs

    if args.jobs < 1:
        raise CourseError("--jobs", "must be at least 1")
    opt = Options(
        args.jobs,
        args.db,
        args.timeout,
        args.roster,
        args.quiet,
        args.pattern,
        args.memory_mb,
        sandbox=args.sandbox,
        state=args.state,
        layout=args.layout,
        scheduler=args.scheduler,
        autograded=args.autograded,
    )
    results = grade(course, args.assignment, args.submissions, args.out, opt)
    write_outputs(args.out, args.assignment, args.assignment, results)
    flagged = sum(1 for r in results if r.flags)
    print(
        f"graded {len(results)} students of {args.assignment}; {flagged} flagged; "
        f"results in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
