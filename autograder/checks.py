"""Checks used by the course notebooks.

Visible tests call the ``assert_*`` helpers: on success they are silent and return None (a number
on the last line of a test cell would be read by nbgrader as partial credit); on failure they raise
``AssertionError`` with a Russian message — what was checked, expected vs got, a hint.

Hidden tests call :func:`expect` with a key and a value computed from the student's code. The value
is compared with the solution's, recorded by ``autograder build``; hidden tests hold no expected
values, and the failure message never shows the reference.

Three modes, chosen by the instructor's tools through the environment:

- build (``AUTOGRADER_RECORD``): every check's expected side and every ``expect`` value of the
  solution is appended to a JSON-lines file — the assignment's reference;
- grading (``AUTOGRADER_EMIT``): the kernel is the student's and cannot be trusted to judge, so
  each check and ``expect`` *reports* what it got, as plain data, in a display output of the
  cell; the grader compares it with the reference in its own process
  (:mod:`autograder.grading.verify`);
- otherwise visible checks compare in the kernel, and ``expect`` compares with a reference file
  when one is given (``AUTOGRADER_REFERENCE``; the tests of this repository).
"""

from __future__ import annotations

import json
import linecache
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from . import diagnoses as _diagnoses
from . import reference as _reference

__all__ = [
    "CheckFailed",
    "assert_close",
    "assert_dtype",
    "assert_equal",
    "assert_in_range",
    "assert_no_warnings",
    "assert_shape",
    "assert_true",
    "assert_type",
    "assert_unchanged",
    "call_catching_warnings",
    "expect",
]

# Environment variables set by the instructor's tools (never by students).
RECORD_ENV = "AUTOGRADER_RECORD"  # build: append the solution's values to this JSON-lines file
EMIT_ENV = "AUTOGRADER_EMIT"  # grading: report values to the grader, judge nothing here
REFERENCE_ENV = "AUTOGRADER_REFERENCE"  # tests: compare expect() values with this reference file
RECORD_MIME = "application/vnd.autograder.record+json"


def _plain(value: Any) -> Any:
    """Plain data for a report: the value encoded, or what kind of thing could not be."""
    try:
        return _reference.encode(value)
    except (TypeError, ValueError, OverflowError):
        return {_reference.UNENCODABLE: type(value).__name__}
    except Exception as e:  # an object that raises on inspection: say so, never crash the check
        return {_reference.UNENCODABLE: f"{type(value).__name__} ({type(e).__name__})"}


def _floats(value: Any) -> Any:
    arr = _reference.as_float_array(value)
    return _plain(value if arr is None else arr)


_COMPREHENSIONS = frozenset(["<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"])


def _called_by_cell_code() -> bool:
    """Whether the check was called by a cell's own top-level code, as test cells call them.

    A check a student calls inside their own function (``assert_shape`` in ``sigmoid``) is theirs:
    it compares here as in plain Jupyter and reports nothing, so it can never stand in for, or
    crowd out, the reports of the test cell that happens to be running.
    """
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back  # the checks' own frames (assert_true -> assert_equal -> _report)
    while frame is not None and frame.f_code.co_name in _COMPREHENSIONS:
        frame = frame.f_back
    return frame is not None and frame.f_code.co_name == "<module>"


def _report(check: str, actual: Any, expected: Any, **options: Any) -> None:
    """Build: record a visible check and its expected side; grading: report both sides.

    ``actual`` and ``expected`` are callables, so nothing is computed in the plain mode. Only
    checks called by a cell's top-level code record or report (:func:`_called_by_cell_code`).
    """
    global _current
    _current = None
    if not _called_by_cell_code():
        return
    record_to = os.environ.get(RECORD_ENV)
    if not (record_to or os.environ.get(EMIT_ENV)):
        # The student's own run: remember which check this is, to diagnose it if it fails.
        _current = (_cell_ordinal(), check, actual, options)
        return
    if record_to:
        entry = {"check": check, "expected": _reference.encode(expected()), "options": options}
        with open(record_to, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    elif os.environ.get(EMIT_ENV):
        # Both sides: an expected side may depend on the student's results (e.g. "X and y were
        # permuted together"). The tolerances are the build's, never reported.
        _emit({"check": check, "actual": _safely(actual), "expected": _safely(expected, _plain)})


# The check running now in a student's own run: (its place in the cell, check, actual, options).
_current: tuple | None = None
_cell = {"count": None, "digest": "", "next": 0}


def _cell_ordinal() -> tuple[str, int]:
    """(digest of the running cell's source, how many checks it made before this one)."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        count, source = shell.execution_count, shell.history_manager.input_hist_raw[-1]
    except Exception:  # not in IPython, or no history: no diagnosis, nothing else changes
        return "", -1
    if _cell["count"] != count:
        _cell.update(count=count, digest=_diagnoses.cell_digest(source), next=0)
    _cell["next"] += 1
    return _cell["digest"], _cell["next"] - 1


def _diagnosis() -> str | None:
    """The likely mistake behind the check failing now, from the release's diagnoses file."""
    if _current is None:
        return None
    (digest, index), check, actual, options = _current
    if index < 0:
        return None
    path = Path.cwd() / _diagnoses.DIAGNOSES_FILENAME
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    if _loaded_diagnoses.get(path, (None,))[0] != stamp:
        _loaded_diagnoses[path] = (stamp, _diagnoses.load(path))
    try:
        value = _reference.decode(_safely(actual))
        return _diagnoses.for_visible(
            _loaded_diagnoses[path][1], digest, index, check, value, options
        )
    except Exception:  # help only: a diagnosis never breaks a check
        return None


_loaded_diagnoses: dict[Path, tuple] = {}


def _safely(side, then=lambda x: x) -> Any:
    try:
        return then(side())
    except Exception as e:  # a value that raises on inspection is reported, not a crash
        return {_reference.UNENCODABLE: type(e).__name__}


def _emit(record: dict) -> None:
    from IPython.display import publish_display_data

    publish_display_data({RECORD_MIME: record})


def _fmt(value: Any, digits: int = 6) -> str:
    """Short, readable text of a value for a message (lists and arrays laid out alike)."""
    if isinstance(value, np.ndarray) or isinstance(value, (list, tuple)):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            return _capped(value)
        if arr.dtype.kind in "biuf":
            return np.array2string(arr, precision=digits, threshold=20, edgeitems=3, separator=", ")
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{digits}g}"
    return _capped(value)


def _capped(value: Any, each: int = 80, whole: int = 400) -> str:
    """repr with long strings cut (a message quotes values the student's code produced)."""
    if isinstance(value, str):
        return repr(value if len(value) <= each else value[:each] + "…")
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        text = "[" + ", ".join(_capped(v, each, whole) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= whole else text[:whole] + "…"


def _fmt_pair(a: Any, b: Any) -> tuple[str, str]:
    """Two values as text, with enough digits that different values never print the same."""
    for digits in (6, 10, 17):
        ta, tb = _fmt(a, digits), _fmt(b, digits)
        if ta != tb:
            break
    return ta, tb


class CheckFailed(AssertionError):
    """A failed check. Jupyter shows its Russian message first and alone, with the test cell's
    line that made the check for context — not a traceback through this module (IPython calls
    ``_render_traceback_``). Everywhere else it is the AssertionError it always was."""

    def _render_traceback_(self) -> list[str]:
        lines = str(self).splitlines() or ["Проверка не пройдена"]
        out = [f"{_RED}{lines[0]}{_RESET}", *lines[1:]]
        where = _cell_line(self.__traceback__)
        if where:
            out += ["", f"{_DIM}{where}{_RESET}"]
        return out


_RED, _DIM, _RESET = "\x1b[1;31m", "\x1b[2m", "\x1b[0m"


def _cell_line(tb) -> str | None:
    """``строка N ячейки: <code>`` of the outermost frame run by a cell's top-level code."""
    found = None
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") == "__main__":
            found = tb
        tb = tb.tb_next
    if found is None:
        return None
    code = linecache.getline(found.tb_frame.f_code.co_filename, found.tb_lineno).strip()
    return f"строка {found.tb_lineno} ячейки: {code}" if code else None


def _fail(name: str, lines: list[str], hint: str | None) -> None:
    __tracebackhide__ = True
    text = [f"Проверка не пройдена: {name}"]
    diagnosis = _diagnosis()
    if diagnosis:
        text.append(diagnosis)
    text += [f"  {line}" for line in lines]
    if hint:
        text.append(f"Подсказка: {hint}")
    raise CheckFailed("\n".join(text))


def _none_returned(name: str, hint: str | None) -> None:
    __tracebackhide__ = True
    _fail(name, ["получено None: функция ничего не вернула — не забыли `return`?"], hint)


def assert_close(
    actual: Any,
    expected: Any,
    *,
    name: str = "результат",
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str | None = None,
) -> None:
    """Check that ``actual`` equals ``expected`` (numbers or arrays) within tolerances.

    The shapes must match exactly (a scalar and a 0-d array count as the same).
    """
    __tracebackhide__ = True
    _report(
        "assert_close",
        lambda: _floats(actual),
        lambda: np.asarray(expected, dtype=float),
        name=name,
        rtol=rtol,
        atol=atol,
        hint=hint,
    )
    if actual is None:
        _none_returned(name, hint)
    expected_arr = np.asarray(expected, dtype=float)
    got = _reference.as_float_array(actual)
    if got is None:
        _fail(
            name, [f"ожидалось число или массив чисел, получен тип {type(actual).__name__}"], hint
        )
    if got.shape != expected_arr.shape:
        _fail(
            name,
            [
                f"ожидалась форма {expected_arr.shape}, получена {got.shape}",
                f"получено: {_fmt(actual)}",
            ],
            hint,
        )
    bad, err = _reference.mismatches(got, expected_arr, rtol, atol)
    if not np.any(bad):
        return None
    want_text, got_text = _fmt_pair(expected_arr, got)
    lines = [f"ожидалось: {want_text}", f"получено:  {got_text}"]
    if expected_arr.ndim:
        score = np.where(bad, np.nan_to_num(err, nan=np.inf), -1.0)
        worst = np.unravel_index(int(np.argmax(score)), got.shape)
        want_el, got_el = _fmt_pair(expected_arr[worst], got[worst])
        lines.append(
            f"наибольшее расхождение в элементе {[int(i) for i in worst]}: ожидалось "
            f"{want_el}, получено {got_el}"
        )
    lines.append(f"допустимое расхождение: {atol:g} + {rtol:g} × |ожидаемое|")
    _fail(name, lines, hint)


def assert_equal(actual: Any, expected: Any, *, name: str = "результат", hint: str | None = None):
    """Check exact equality: strings, integers, booleans, lists or arrays of them."""
    __tracebackhide__ = True
    _report("assert_equal", lambda: _plain(actual), lambda: expected, name=name, hint=hint)
    if actual is None and expected is not None:
        _none_returned(name, hint)
    if isinstance(expected, (np.ndarray, list, tuple)):
        same = np.shape(actual) == np.shape(expected) and bool(
            np.all(np.asarray(actual) == np.asarray(expected))
        )
    else:
        same = type(actual) is type(expected) and actual == expected
        if not same and isinstance(expected, (int, float)) and not isinstance(expected, bool):
            number = (int, float, np.integer, np.floating)
            same = (
                isinstance(actual, number) and not isinstance(actual, bool) and actual == expected
            )
    if not same:
        want_text, got_text = _fmt_pair(expected, actual)
        _fail(name, [f"ожидалось: {want_text}", f"получено:  {got_text}"], hint)
    return None


def assert_true(condition: Any, *, name: str, hint: str | None = None) -> None:
    """Check that a condition holds; ``name`` says what must be true ("W1 обновлён на месте")."""
    __tracebackhide__ = True
    assert_equal(bool(condition), True, name=name, hint=hint)


def _type_name(t: type) -> str:
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _describe_type(value: Any) -> str:
    text = _type_name(type(value))
    if isinstance(value, np.ndarray):
        text += f" формы {value.shape}"
    return text


def assert_type(actual: Any, expected: type | tuple, *, name: str = "результат", hint=None):
    """Check the type of a value: ``assert_type(losses, list)``; a tuple allows any of its types.

    The message names the type received (an ndarray also with its shape).
    """
    __tracebackhide__ = True
    types = expected if isinstance(expected, tuple) else (expected,)
    want = " или ".join(_type_name(t) for t in types)
    got = want if isinstance(actual, types) else _describe_type(actual)
    assert_equal(got, want, name=f"{name}: тип", hint=hint)


def call_catching_warnings(func, *args, **kwargs) -> tuple[Any, list[str]]:
    """Call ``func(*args, **kwargs)``; return its result and the texts of the warnings it issued.

    For :func:`assert_no_warnings`: every warning is caught, even one shown before, and numpy's
    default floating-point warnings (overflow, division by zero, invalid; not underflow) are on.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            result = func(*args, **kwargs)
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


def assert_no_warnings(messages: list[str], *, name: str, hint: str | None = None) -> None:
    """Check that a call issued no warning (``messages`` from :func:`call_catching_warnings`)."""
    __tracebackhide__ = True
    assert_equal(list(messages), [], name=f"{name}: без предупреждений", hint=hint)


def assert_shape(actual: Any, expected_shape: tuple, *, name: str = "результат", hint=None):
    """Check the shape of an array (``np.shape``): e.g. ``(4, 1)`` for four samples, one output."""
    __tracebackhide__ = True
    _report(
        "assert_shape",
        lambda: _shape_of(actual),
        lambda: list(expected_shape),
        name=name,
        hint=hint,
    )
    if actual is None:
        _none_returned(name, hint)
    shape = np.shape(actual)
    if shape != tuple(expected_shape):
        _fail(name, [f"ожидалась форма {tuple(expected_shape)}, получена {shape}"], hint)
    return None


_KINDS = {"f": "вещественные числа (float)", "i": "целые числа (int)", "b": "логические (bool)"}


def assert_dtype(actual: Any, expected: Any, *, name: str = "результат", hint=None):
    """Check the element type of an array.

    ``expected`` is a numpy dtype (``np.float64``) or a kind: ``"float"``, ``"int"``, ``"bool"``.
    """
    __tracebackhide__ = True
    _report(
        "assert_dtype",
        lambda: _dtype_of(actual),
        lambda: expected if isinstance(expected, str) else np.dtype(expected).str,
        name=name,
        hint=hint,
    )
    if actual is None:
        _none_returned(name, hint)
    if not isinstance(actual, (np.ndarray, np.generic)):
        _fail(name, [f"ожидался массив numpy, получен тип {type(actual).__name__}"], hint)
    kind = (
        {"float": "f", "int": "i", "bool": "b"}.get(expected) if isinstance(expected, str) else None
    )
    if kind is not None:
        got_kind = "i" if actual.dtype.kind == "u" else actual.dtype.kind
        if got_kind != kind:
            _fail(name, [f"ожидались {_KINDS[kind]}, получен dtype {actual.dtype}"], hint)
    elif actual.dtype != np.dtype(expected):
        _fail(name, [f"ожидался dtype {np.dtype(expected)}, получен {actual.dtype}"], hint)
    return None


def assert_in_range(value: Any, low: float, high: float, *, name: str = "результат", hint=None):
    """Check that a single number lies in ``[low, high]``."""
    __tracebackhide__ = True
    _report(
        "assert_in_range",
        lambda: _floats(value),
        lambda: [float(low), float(high)],
        name=name,
        hint=hint,
    )
    if value is None:
        _none_returned(name, hint)
    arr = _reference.as_float_array(value)
    if arr is None or arr.size != 1:
        _fail(name, [f"ожидалось одно число, получено {_fmt(value)}"], hint)
    x = float(arr.reshape(()))
    if not low <= x <= high:
        _fail(name, [f"ожидалось число от {low:g} до {high:g}, получено {x:.6g}"], hint)
    return None


def assert_unchanged(before: Any, after: Any, *, name: str = "входные данные", hint=None):
    """Check that a function left its input as it was (compare a copy taken before the call)."""
    __tracebackhide__ = True
    _report(
        "assert_unchanged",
        lambda: _plain(np.asarray(after)),
        lambda: np.asarray(before),
        name=name,
        hint=hint,
    )
    if np.shape(before) != np.shape(after) or not np.array_equal(
        np.asarray(before), np.asarray(after), equal_nan=True
    ):
        was, now = _fmt_pair(before, after)
        lines = ["функция изменила свой аргумент", f"было:  {was}", f"стало: {now}"]
        lines += _largest_change(before, after)
        _fail(
            name,
            lines,
            hint or "не меняйте входные массивы на месте: работайте с копией или новым массивом",
        )
    return None


def _largest_change(before: Any, after: Any) -> list[str]:
    old, new = _reference.as_float_array(before), _reference.as_float_array(after)
    if old is None or new is None or old.shape != new.shape or old.size == 0:
        return []
    with np.errstate(invalid="ignore"):
        diff = np.nan_to_num(np.abs(new - old), nan=np.inf)
    at = np.unravel_index(int(np.argmax(diff)), old.shape)
    where = f" в элементе {[int(i) for i in at]}" if old.ndim else ""
    return [f"наибольшее изменение {float(diff[at]):.2g}{where}"]


def _shape_of(value: Any) -> Any:
    try:
        return [int(n) for n in np.shape(value)]
    except Exception as e:
        return {_reference.UNENCODABLE: f"{type(value).__name__} ({type(e).__name__})"}


def _dtype_of(value: Any) -> Any:
    if value is None or not isinstance(value, (np.ndarray, np.generic)):
        return {_reference.UNENCODABLE: type(value).__name__}
    return np.asarray(value).dtype.str


# --- hidden tests -------------------------------------------------------------------------------

_recorded: set[str] = set()
_loaded: dict[Path, dict[str, Any]] = {}


def _reference_path() -> Path:
    env = os.environ.get(REFERENCE_ENV)
    return Path(env) if env else Path.cwd() / _reference.REFERENCE_FILENAME


def expect(key: str, value: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Hidden-test check: ``value`` must match the solution's value recorded under ``key``.

    ``key`` is ``"exercise/what"``, e.g. ``"sigmoid/large-inputs"``. Values may be numbers, arrays,
    strings, or lists/dicts of them. Numbers are compared as ``|value - ref| <= atol + rtol*|ref|``.
    """
    __tracebackhide__ = True
    if not isinstance(key, str) or "/" not in key:
        raise ValueError(f"expect: ключ должен иметь вид 'упражнение/что', получено {key!r}")
    record_to = os.environ.get(RECORD_ENV)
    if (record_to or os.environ.get(EMIT_ENV)) and not _called_by_cell_code():
        # A hidden test's expect() is called by the test cell itself; one called from a
        # student's function is theirs: never a report the grader could count.
        return None
    if record_to:
        if key in _recorded:
            raise ValueError(f"expect: ключ {key!r} использован дважды")
        _recorded.add(key)
        entry = {"key": key, "value": _reference.encode(value), "rtol": rtol, "atol": atol}
        with open(record_to, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return None
    if os.environ.get(EMIT_ENV):
        # Judged by the grader, with the tolerances recorded at build time, not these.
        _emit({"key": key, "value": _plain(value)})
        return None
    path = _reference_path()
    if path not in _loaded:
        if not path.is_file():
            raise RuntimeError(
                f"Скрытая проверка {key!r}: нет файла эталонных значений {path}. "
                "Скрытые проверки выполняются только при оценивании."
            )
        _loaded[path] = _reference.load(path)
    values = _loaded[path]
    if key not in values:
        raise RuntimeError(
            f"Скрытая проверка {key!r}: в {path.name} нет значения для этого ключа — "
            "пересоберите курс командой `autograder build`."
        )
    problem = _reference.compare(values[key], value, rtol, atol)
    if problem:
        # Beside the instructor's reference, the diagnoses of hidden keys (as grading adds them).
        found = _diagnoses.load(path.with_name(_diagnoses.DIAGNOSES_FILENAME))
        likely = _diagnoses.for_hidden(found, key, value, rtol, atol)
        raise CheckFailed(
            _diagnoses.with_diagnosis(f"Скрытая проверка {key!r} не пройдена: {problem}", likely)
        )
    return None
