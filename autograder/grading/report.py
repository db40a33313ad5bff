"""What grading writes: grades.csv, exercises.csv, lms.csv, per-student feedback and report.html.

Feedback and report show visible-test messages and, for hidden tests, only the key and the size of
the error (``expect``'s message): never hidden-test source, inputs, expected values or tracebacks.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from .grade import StudentResult
from .text import clean, csv_cell

log = logging.getLogger("autograder.grading.grade")

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)

_STATUS_RU = {
    "passed": "зачтено",
    "partial": "частично",
    "failed": "не зачтено",
    "not run": "не выполнялось",
    "no submission": "не сдано",
}

FEEDBACK = _ENV.get_template("feedback.html.j2")
REPORT = _ENV.get_template("report.html.j2")


def write_outputs(out: Path, assignment: str, notebook: str, results: list[StudentResult]) -> None:
    """Write every output file. Kernel-supplied text is cleaned first, CSV cells cannot become
    formulas, and each student's feedback is written on its own: one student never stops the
    others' files."""
    out.mkdir(parents=True, exist_ok=True)
    results = [_cleaned(r) for r in results]
    with _open(out / "grades.csv") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "assignment", "score", "max_score"])
        for r in results:
            w.writerow(_row(r.student, assignment, _num(r.score), _num(r.max_score)))
    with _open(out / "exercises.csv") as f:
        w = csv.writer(f)
        w.writerow(
            ["student_id", "exercise", "score", "max_score", "status", "reason", "diagnosis"]
        )
        for r in results:
            for e in r.exercises:
                w.writerow(
                    _row(
                        r.student,
                        e.name,
                        _num(e.score),
                        _num(e.max_score),
                        e.status,
                        e.reason,
                        " | ".join(e.diagnoses),
                    )
                )
    # Moodle's grade import and Canvas's gradebook import both take an id column and a score.
    with _open(out / "lms.csv") as f:
        w = csv.writer(f)
        w.writerow(["ID number", "SIS User ID", assignment])
        for r in results:
            w.writerow(_row(r.student, r.student, _num(r.score)))
    for r in results:
        try:
            folder = out / "feedback" / folder_name(r.student)
            folder.mkdir(parents=True, exist_ok=True)
            html = FEEDBACK.render(assignment=assignment, r=r, status_ru=_STATUS_RU)
            (folder / f"{notebook}.html").write_text(html, encoding="utf-8", errors="replace")
        except Exception as e:  # noqa: BLE001 — one student's feedback never stops the others
            log.error("%s: feedback not written (%s)", r.student, type(e).__name__)
    (out / "report.html").write_text(
        _report(assignment, results), encoding="utf-8", errors="replace"
    )


def folder_name(student: str) -> str:
    """A student's feedback folder: the id itself when it is a plain name."""
    name = "".join(ch if ch.isalnum() or ch in "-_.@ " else "_" for ch in student).strip()
    return name if name.strip(".") else "_"


def _open(path: Path):
    return open(path, "w", newline="", encoding="utf-8", errors="replace")


def _row(*cells) -> list[str]:
    return [csv_cell(c) for c in cells]


def _cleaned(r: StudentResult) -> StudentResult:
    """A copy of a result whose every text is safe to write (see :mod:`.text`)."""
    exercises = [
        replace(
            e,
            reason=clean(e.reason, 1000),
            details=[clean(d) for d in e.details],
            diagnoses=[clean(d, 500) for d in e.diagnoses],
        )
        for e in r.exercises
    ]
    return replace(
        r,
        student=clean(r.student, 200),
        flags=[clean(f, 500) for f in r.flags],
        exercises=exercises,
        source=clean(r.source, 500),
        answers={k: clean(v, 100_000) for k, v in r.answers.items()},
    )


def _num(x: float) -> str:
    return f"{x:g}"


def _report(assignment: str, results: list[StudentResult]) -> str:
    graded = [r for r in results if r.status != "no submission"]
    scores = sorted(r.score for r in results)
    max_score = max((r.max_score for r in results), default=0.0)
    per_ex: dict[str, list] = {}
    for r in graded:
        for e in r.exercises:
            per_ex.setdefault(e.name, []).append(e)
    rows = []
    for name, items in per_ex.items():
        passed = sum(e.status == "passed" for e in items)
        common = Counter(e.reason for e in items if e.status != "passed" and e.reason)
        # How many students made each mistake the catalogue knows: what to teach again.
        mistakes = Counter(d for e in items if e.status != "passed" for d in e.diagnoses)
        rows.append(
            {
                "name": name,
                "passed": passed,
                "total": len(items),
                "rate": passed / len(items) if items else 0.0,
                "common": common.most_common(3),
                "mistakes": mistakes.most_common(),
            }
        )
    rows.sort(key=lambda row: row["rate"])
    n = len(results)
    return REPORT.render(
        assignment=assignment,
        n=n,
        n_graded=len(graded),
        n_missing=n - len(graded),
        mean=sum(scores) / n if n else 0.0,
        median=scores[n // 2] if n else 0.0,
        max_score=max_score,
        histogram=_histogram(scores, max_score),
        exercises=rows,
        flagged=[r for r in results if r.flags],
    )


def _histogram(scores: list[float], max_score: float) -> str:
    """The scores' distribution as an inline SVG bar chart: no plotting library in the grader's
    process (importing matplotlib for one figure cost half a second at the end of every run)."""
    bins = max(1, min(20, int(max_score) + 1))
    top = max(max_score, 1.0)
    counts = [0] * bins
    for score in scores:
        counts[min(bins - 1, max(0, int(score / top * bins)))] += 1
    width, height, left, bottom, pad = 480, 200, 40, 34, 8
    plot_w, plot_h = width - left - pad, height - bottom - pad
    tallest = max(counts, default=0) or 1
    bar = plot_w / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="распределение баллов" font-family="sans-serif" font-size="11">',
        f'<line x1="{left}" y1="{pad + plot_h}" x2="{left + plot_w}" y2="{pad + plot_h}" '
        'stroke="#333"/>',
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{pad + plot_h}" stroke="#333"/>',
    ]
    for i, count in enumerate(counts):
        h = plot_h * count / tallest
        x = left + i * bar
        lo, hi = top * i / bins, top * (i + 1) / bins
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{pad + plot_h - h:.1f}" width="{bar - 2:.1f}" '
            f'height="{h:.1f}" fill="#4c72b0"><title>{_num(round(lo, 2))}–{_num(round(hi, 2))}: '
            f"{count}</title></rect>"
        )
    for value in sorted({0, tallest}):
        y = pad + plot_h - plot_h * value / tallest
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for value in sorted({0.0, top / 2, top}):
        x = left + plot_w * value / top
        parts.append(
            f'<text x="{x:.1f}" y="{pad + plot_h + 14}" text-anchor="middle">{_num(value)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">баллы</text>'
    )
    parts.append(
        f'<text x="12" y="{pad + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {pad + plot_h / 2:.1f})">студентов</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
