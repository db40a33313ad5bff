"""The verdict on every test cell, decided in the grader's own process.

The student's kernel cannot be trusted to judge itself: it can patch numpy, builtins, the checks,
IPython's hooks. So in grading the checks only *report* what they got (:mod:`autograder.checks`,
``AUTOGRADER_EMIT``), as plain data in display outputs, and the verdict is taken here:

- a hidden test cell passes when it raised nothing and every ``expect`` key of its exercise
  arrived exactly once with a value that matches the reference, compared here with the
  tolerances recorded at build time (the reference never enters the sandbox);
- a visible test cell passes when it raised nothing and made exactly the checks the solution made
  at build time, in the same order, each of which holds again here — on the two sides the kernel
  reported (an expected side may depend on the student's results: "X and y were permuted
  together"), with the tolerances recorded at build time.

Fail closed: a missing, extra, duplicated or malformed report, a crash, a timeout or a cell that
never ran is 0 for that cell, with a reason. A failing cell gets an error output (nbgrader scores
it 0 and the feedback says why); in a passing cell, text on stderr is shown as ordinary output
(a warning does not cost a correct answer its points) and a value shown by the last line is
dropped from every test cell (nbgrader would read it as partial credit; no test cell of the course
ends in a value, so one shown there was forged). Report outputs are removed everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from .. import checks, diagnoses
from ..build import notebooks
from ..checks import RECORD_MIME
from ..reference import UNENCODABLE, Malformed, compare, decode, decode_untrusted
from .text import error_label, type_label

NOT_RUN = "CellNotRun"
HIDDEN_PREFIX = "Скрытая проверка"
FAILED = "AssertionError"


@dataclass
class Reference:
    values: dict[str, Any]  # expect key -> the solution's value
    tolerances: dict[str, tuple[float, float]]  # expect key -> (rtol, atol)
    checks: dict[str, list[dict]]  # visible test cell -> the expected side of each check
    diagnoses: dict = field(default_factory=dict)  # autograder.diagnoses, hidden keys included

    @classmethod
    def load(cls, path: Path) -> Reference:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        values = {k: decode(v) for k, v in doc["values"].items()}
        tol = {k: (float(r), float(a)) for k, (r, a) in doc.get("tolerances", {}).items()}
        return cls(values, tol, doc.get("checks", {}), doc.get("diagnoses") or {})

    def keys_of(self, exercise: str) -> list[str]:
        return sorted(k for k in self.values if k.startswith(exercise + "/"))


def verify(nb: nbformat.NotebookNode, ref: Reference) -> dict[str, str]:
    """Judge every test cell of an executed notebook in place (see the module's docstring).

    Returns the grader's own verdict text for each test cell it failed, by grade_id: feedback
    quotes these, never what the kernel wrote (a student's error text could be anything).
    """
    verdicts: dict[str, str] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        reports = [o for o in cell.outputs if is_report(o)]
        cell.outputs = [o for o in cell.outputs if not is_report(o)]
        if not notebooks.is_test_cell(cell):
            continue
        # No test cell of the course ends in a value (the build refuses it): one shown here was
        # forged (a hook, a display), and nbgrader would read it as partial credit.
        cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
        gid = notebooks.grade_id(cell) or ""
        data = [o["data"][RECORD_MIME] for o in reports]
        if gid.endswith("-hidden"):
            problem = _hidden(gid.removesuffix("-hidden"), data, ref)
        elif gid in ref.checks:
            digest = diagnoses.cell_digest(cell.source)
            problem = _visible(ref.checks[gid], data, ref.diagnoses, digest)
        else:  # a test cell with no recorded checks: nbgrader's own rules apply
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            # Its own error fails the cell (nbgrader scores it 0); the feedback quotes the grader.
            verdicts[gid] = _error_verdict(gid, problem, errors[0])
            continue
        if problem:
            verdicts[gid] = problem
            cell.outputs.append(
                nbformat.v4.new_output("error", ename=FAILED, evalue=problem, traceback=[problem])
            )
        else:
            cell.outputs = [_harmless(o) for o in cell.outputs]
    return verdicts


TIMEOUTS = ("KeyboardInterrupt", "CellTimeoutError")


def _error_verdict(gid: str, problem: str | None, error) -> str:
    """The grader's words for a test cell that raised: never the kernel's message, which is the
    student's code speaking (it could quote the hidden tests from the cell history)."""
    if error.get("ename") in TIMEOUTS:
        return "превышено время выполнения ячейки (бесконечный цикл?)"
    what = error_label(error.get("ename", ""))
    if gid.endswith("-hidden"):
        # The keys reported before the error may still tell the mistake.
        likely = diagnoses.diagnosis_in(problem or "")
        return diagnoses.with_diagnosis(f"{HIDDEN_PREFIX}: {what}", likely)
    if problem and "не выполнена" not in problem:
        return problem  # a check that failed, judged again here: its own message
    return f"{what}; {problem}" if problem else what


def is_report(output) -> bool:
    """Whether an output is a check's report (what the grader judges, never shown)."""
    return output.get("output_type") == "display_data" and RECORD_MIME in output.get("data", {})


def _harmless(output):
    if output.output_type == "stream" and output.name == "stderr":
        return nbformat.v4.new_output("stream", name="stdout", text=output.text)
    return output


# --- hidden tests ---------------------------------------------------------------------------------


def _hidden(exercise: str, reports: list, ref: Reference) -> str | None:
    wanted = ref.keys_of(exercise)
    got: dict[str, Any] = {}
    for report in reports:
        key = report.get("key") if isinstance(report, dict) else None
        if not isinstance(key, str) or set(report) != {"key", "value"}:
            return f"{HIDDEN_PREFIX}: получен результат неизвестного вида"
        if key not in wanted:
            return f"{HIDDEN_PREFIX}: лишний результат (ключ не из этого упражнения)"
        if key in got:
            return f"{HIDDEN_PREFIX} {key!r}: результат получен дважды"
        got[key] = report["value"]
    first: str | None = None
    failed: dict[str, tuple] = {}  # every failing key, for the diagnosis
    for key in wanted:
        if key not in got:
            first = first or (
                f"{HIDDEN_PREFIX} {key!r} не пройдена: значение не получено "
                "(ячейка не дошла до этой проверки)"
            )
            break
        try:
            value = decode_untrusted(got[key])
        except Malformed as e:
            first = first or f"{HIDDEN_PREFIX} {key!r} не пройдена: значение не читается ({e})"
            break
        rtol, atol = ref.tolerances.get(key, (1e-6, 1e-9))
        problem = _unencodable(value) or compare(ref.values[key], value, rtol, atol)
        if problem:
            first = first or f"{HIDDEN_PREFIX} {key!r} не пройдена: {problem}"
            failed[key] = (value, rtol, atol)
    if first is None:
        return None
    # The diagnosis names the mistake, never an input or an expected value.
    return diagnoses.with_diagnosis(first, diagnoses.for_hidden_keys(ref.diagnoses, failed))


def _unencodable(value: Any) -> str | None:
    """A report that says the value was not plain data (anywhere inside it)."""
    if isinstance(value, dict):
        if set(value) == {UNENCODABLE}:
            return f"получен {type_label(value[UNENCODABLE])}, а не числа, строки или массивы"
        return next((p for v in value.values() if (p := _unencodable(v))), None)
    if isinstance(value, list):
        return next((p for v in value if (p := _unencodable(v))), None)
    return None


# --- visible tests --------------------------------------------------------------------------------


def _visible(recorded: list[dict], reports: list, diag: dict, digest: str) -> str | None:
    for index, want in enumerate(recorded):
        name = want["options"].get("name", "результат")
        if index >= len(reports):
            return (
                f"Проверка «{name}» не выполнена: её результат не получен "
                f"({len(reports)} из {len(recorded)} проверок ячейки)"
            )
        report = reports[index]
        if not isinstance(report, dict) or set(report) != {"check", "actual", "expected"}:
            return f"Проверка «{name}»: получен результат другой проверки"
        if report["check"] != want["check"]:
            # Another branch of the cell ran (``assert_true(False)`` in an except): the mutant
            # catalogue may still know the mistake.
            problem = f"Проверка «{name}»: получен результат другой проверки"
            try:
                actual = decode_untrusted(report["actual"])
            except Malformed:
                return problem
            likely = diagnoses.for_visible(diag, digest, index, report["check"], actual, {})
            return diagnoses.with_diagnosis(problem, likely)
        try:
            actual = decode_untrusted(report["actual"])
            expected = decode_untrusted(report["expected"])
        except Malformed as e:
            return f"Проверка «{name}»: результат не читается ({e})"
        problem = recheck(want, actual, expected)
        if problem:
            likely = diagnoses.for_visible(
                diag, digest, index, want["check"], actual, want["options"]
            )
            return diagnoses.with_diagnosis(problem, likely)
    if len(reports) > len(recorded):
        return f"лишние результаты проверок: {len(reports)} вместо {len(recorded)}"
    return None


class _Shape:
    """Stands for an array of which only the shape was reported."""

    def __init__(self, shape):
        self.shape = tuple(shape)


def recheck(want: dict, actual: Any, expected: Any) -> str | None:
    """Run the same check again, here, on the reported sides, with the build's options."""
    check, opts = want["check"], dict(want["options"])
    name = opts.get("name", "результат")
    if isinstance(actual, dict) and set(actual) == {UNENCODABLE}:
        what = "массив numpy" if check == "assert_dtype" else "числа, строки или массивы"
        got = type_label(actual[UNENCODABLE])
        return f"Проверка не пройдена: {name}\n  ожидались {what}, получен {got}"
    if _unencodable(expected):
        return f"Проверка не пройдена: {name}\n  ожидаемое значение не простые данные"
    runs: dict[str, Callable[[], None]] = {
        "assert_close": lambda: checks.assert_close(actual, expected, **opts),
        "assert_equal": lambda: checks.assert_equal(actual, expected, **opts),
        "assert_shape": lambda: checks.assert_shape(_shape(actual), tuple(expected), **opts),
        "assert_dtype": lambda: checks.assert_dtype(_dtype(actual), expected, **opts),
        "assert_in_range": lambda: checks.assert_in_range(actual, *expected, **opts),
        "assert_unchanged": lambda: checks.assert_unchanged(expected, actual, **opts),
    }
    if check not in runs:
        return f"Проверка «{name}»: неизвестная проверка {check!r}"
    try:
        runs[check]()
    except AssertionError as e:
        return str(e)
    except Exception as e:  # a malformed report: it fails, it never crashes the grader
        return f"Проверка «{name}» не пройдена: результат не подходит ({type(e).__name__})"
    return None


def _shape(actual: Any) -> _Shape:
    if not isinstance(actual, list) or not all(type(n) is int and n >= 0 for n in actual):
        raise Malformed("shape")
    return _Shape(actual)


def _dtype(actual: Any) -> np.ndarray:
    if not isinstance(actual, str) or len(actual) > 8:
        raise Malformed("dtype")
    return np.empty(0, dtype=np.dtype(actual))
