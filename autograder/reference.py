"""Hidden-test reference values: encoding to JSON and comparison with a student's value.

The reference holds the solution's values recorded by ``autograder build``. A comparison reports
*where* and *how much* a student's value differs, never the reference value itself, so that
grading feedback cannot leak what the hidden tests expect.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

REFERENCE_FILENAME = "reference.json"

_ARRAY = "__ndarray__"
_FLOAT = "__float__"  # non-finite floats, which JSON cannot hold
UNENCODABLE = "__unencodable__"  # a reported value that was not plain data (its type's name)
# Reported values are read with limits: a student's kernel must not exhaust the grader.
MAX_ELEMENTS = 10_000_000
MAX_DEPTH = 32
PLAIN_DTYPES = frozenset(["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"])


def encode(value: Any) -> Any:
    """Turn a value (number, string, array, list/tuple/dict of them) into plain JSON data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"expect: unsupported array dtype {arr.dtype}")
        return {
            _ARRAY: True,
            "dtype": arr.dtype.str.lstrip("<>|="),
            "shape": list(arr.shape),
            "data": [_encode_float(x) for x in arr.astype(float).ravel().tolist()]
            if arr.dtype.kind == "f"
            else arr.ravel().tolist(),
        }
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("expect: dict keys must be strings")
        return {k: encode(v) for k, v in value.items()}
    raise TypeError(f"expect: cannot record a value of type {type(value).__name__}")


def _encode_float(x: float) -> Any:
    return x if math.isfinite(x) else {_FLOAT: repr(x)}


def decode(data: Any) -> Any:
    """Inverse of :func:`encode` (a 0-d array comes back as a numpy scalar, as it went in)."""
    if isinstance(data, dict):
        if data.get(_ARRAY) is True:
            flat = [_decode_float(x) for x in data["data"]]
            arr = np.array(flat, dtype=data["dtype"]).reshape(data["shape"])
            return arr[()] if arr.ndim == 0 else arr
        if set(data) == {_FLOAT}:
            return float(data[_FLOAT])
        return {k: decode(v) for k, v in data.items()}
    if isinstance(data, list):
        return [decode(v) for v in data]
    return data


def _decode_float(x: Any) -> Any:
    return float(x[_FLOAT]) if isinstance(x, dict) else x


class Malformed(ValueError):
    """A reported value that is not well-formed plain data."""


def decode_untrusted(data: Any) -> Any:
    """:func:`decode` for what a student's kernel reported: plain data only, within limits.

    Raises :class:`Malformed` for anything else (an unknown dtype, a shape that does not fit the
    data, too many elements, too deep a structure). An ``UNENCODABLE`` marker is returned as is.
    """
    budget = [MAX_ELEMENTS]

    def walk(x: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise Malformed("слишком глубокая вложенность")
        budget[0] -= 1
        if budget[0] < 0:
            raise Malformed("слишком много элементов")
        if x is None or isinstance(x, (bool, str, int)):
            return x
        if isinstance(x, float):
            return x
        if isinstance(x, list):
            return [walk(v, depth + 1) for v in x]
        if not isinstance(x, dict):
            raise Malformed(f"неизвестный тип {type(x).__name__}")
        if set(x) == {UNENCODABLE}:
            return x
        if set(x) == {_FLOAT}:
            if x[_FLOAT] not in ("nan", "inf", "-inf"):
                raise Malformed("неверное особое число")
            return float(x[_FLOAT])
        if x.get(_ARRAY) is True:
            return _array(x)
        if not all(isinstance(k, str) for k in x):
            raise Malformed("ключи словаря не строки")
        return {k: walk(v, depth + 1) for k, v in x.items()}

    def _array(x: dict) -> Any:
        if set(x) != {_ARRAY, "dtype", "shape", "data"} or x["dtype"] not in PLAIN_DTYPES:
            raise Malformed("неверный массив")
        shape, flat = x["shape"], x["data"]
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_ELEMENTS for n in shape
        ):
            raise Malformed("неверная форма массива")
        if not isinstance(flat, list) or len(flat) != int(np.prod(shape, dtype=np.int64)):
            raise Malformed("данные массива не совпадают с формой")
        budget[0] -= len(flat)
        if budget[0] < 0:
            raise Malformed("слишком много элементов")
        for v in flat:
            ok = isinstance(v, (int, float)) or (
                isinstance(v, dict) and set(v) == {_FLOAT} and v[_FLOAT] in ("nan", "inf", "-inf")
            )
            if not ok:
                raise Malformed("элемент массива не число")
        try:
            arr = np.array([_decode_float(v) for v in flat], dtype=x["dtype"]).reshape(shape)
        except (TypeError, ValueError, OverflowError):
            raise Malformed("элементы не подходят к типу массива") from None
        return arr[()] if arr.ndim == 0 else arr

    return walk(data, 0)


def load(path: Path) -> dict[str, Any]:
    """Read a reference file: ``{"values": {key: encoded}}`` -> ``{key: decoded}``."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: decode(v) for k, v in doc["values"].items()}


def dump(
    values: dict[str, Any],
    assignment: str,
    tolerances: dict[str, list[float]] | None = None,
    checks: dict[str, list[dict]] | None = None,
    timing: dict[str, float] | None = None,
) -> str:
    """Serialise a reference as diff-friendly text.

    ``values``: encoded ``expect`` values by key; ``tolerances``: ``[rtol, atol]`` by key;
    ``checks``: by visible test cell, the expected side of each check it makes, in order;
    ``timing``: the solution's slowest cell and whole run in seconds at build time (grading's
    time limits come from them; machine-dependent, so never part of the sync check).
    """
    doc: dict[str, Any] = {"assignment": assignment, "values": values}
    if tolerances is not None:
        doc["tolerances"] = tolerances
    if checks is not None:
        doc["checks"] = checks
    if timing is not None:
        doc["timing"] = timing
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def compare(reference: Any, value: Any, rtol: float, atol: float, where: str = "") -> str | None:
    """Compare a student's value with the reference.

    Returns None when they agree, otherwise a Russian description of the first difference that
    names the position and the size of the error but not the reference value.
    """
    at = f" (в {where})" if where else ""
    if isinstance(reference, dict):
        if not isinstance(value, dict):
            return f"ожидался словарь, получен {type(value).__name__}{at}"
        missing = sorted(set(reference) - set(value))
        extra = sorted(set(value) - set(reference))
        if missing:
            return f"в словаре нет ключей {missing}{at}"
        if extra:
            return f"лишние ключи в словаре ({len(extra)}){at}"
        for k in sorted(reference):
            problem = compare(reference[k], value[k], rtol, atol, f"{where}[{k!r}]")
            if problem:
                return problem
        return None
    if isinstance(reference, list):
        if not isinstance(value, (list, tuple)):
            return f"ожидался список, получен {type(value).__name__}{at}"
        if len(value) != len(reference):
            return f"длина {len(value)} не совпадает с эталоном{at}"
        for i, (r, v) in enumerate(zip(reference, value, strict=True)):
            problem = compare(r, v, rtol, atol, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if reference is None or isinstance(reference, str):
        if type(value) is not type(reference) or value != reference:
            return f"значение не совпадает с эталоном{at}"
        return None
    return _compare_numeric(np.asarray(reference), value, rtol, atol, at)


def as_float_array(value: Any) -> np.ndarray | None:
    """A float copy of a number or array (what is compared is numbers, not the object)."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError):
        return None


def mismatches(got: np.ndarray, ref: np.ndarray, rtol: float, atol: float):
    """Per element: (True where ``got`` is not close to ``ref``, the absolute error).

    Finite references allow ``atol + rtol*|ref|``; nan and ±inf must be matched exactly.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(ref)
        err = np.abs(got - ref)
        close = finite & (err <= atol + rtol * np.abs(np.where(finite, ref, 0.0)))
        same_special = ~finite & ((np.isnan(ref) & np.isnan(got)) | (ref == got))
    return ~(close | same_special), err


def _kind(value: Any) -> str:
    """'b' for logical values, 'n' for numbers, '?' for anything else."""
    try:
        kind = np.asarray(value).dtype.kind
    except Exception:
        return "?"
    return "b" if kind == "b" else "n" if kind in "iuf" else "?"


def _kind_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"массив {value.dtype}"
    return type(value).__name__


def _magnitude(x: float) -> str:
    """Only the order of magnitude, so an error never spells out the reference value."""
    if not np.isfinite(x):
        return "бесконечна"
    return f"порядка 1e{int(np.floor(np.log10(x))):+03d}" if x > 0 else "0"


def _compare_numeric(ref: np.ndarray, value: Any, rtol: float, atol: float, at: str) -> str | None:
    if value is None:
        return f"получено None вместо числа или массива{at}"
    if isinstance(value, dict) and UNENCODABLE in value:
        return f"получен объект, а не число или массив чисел{at}"
    got = as_float_array(value)
    if got is None:
        return f"ожидалось число или массив чисел, получен {type(value).__name__}{at}"
    # The kind must fit: logical values for a logical reference, numbers for a numeric one.
    want_bool, is_bool = ref.dtype.kind == "b", _kind(value) == "b"
    if want_bool != is_bool:
        wanted = "логическое значение (bool)" if want_bool else "число"
        return f"ожидалось {wanted}, получен тип {_kind_name(value)}{at}"
    if got.shape != ref.shape:
        return f"форма {got.shape} не совпадает с эталоном{at}"
    ref = ref.astype(float)
    bad, err = mismatches(got, ref, rtol, atol)
    if not np.any(bad):
        return None
    if want_bool:
        where = ""
        if ref.ndim:
            first = np.unravel_index(int(np.argmax(bad)), ref.shape)
            where = f" в элементе {[int(i) for i in first]}"
        return (
            f"логическое значение{where} не совпадает с эталоном; не совпадает элементов: "
            f"{int(np.sum(bad))} из {ref.size}{at}"
        )
    special = bad & (~np.isfinite(ref) | ~np.isfinite(got))
    if np.any(special):
        return f"{int(np.sum(special))} элемент(ов) nan/inf не совпадают с эталоном{at}"
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), ref.shape)
    pos = f" в элементе {[int(i) for i in worst]}" if ref.ndim else ""
    return (
        f"ошибка {_magnitude(float(err[worst]))}{pos} больше допуска "
        f"(rtol={rtol:g}, atol={atol:g}); не совпадает элементов: {int(np.sum(bad))} "
        f"из {ref.size}{at}"
    )


# --- comparing two references (check-release on another machine) ---------------------------------

# Two builds agree when every float differs by at most this share of the grading tolerance of its
# key (and at least by a few units in the last place): floats differ in the last bits between CPUs
# and BLAS builds, and an accumulated difference stays far below anything a grade could notice.
SYNC_SHARE = 1e-3
SYNC_RTOL = 1e-12
TIMING = "timing"


def differences(committed: str, built: str) -> list[str]:
    """Where two reference texts differ beyond floating-point noise; empty when they agree.

    Structure, keys, strings, integers, booleans, dtypes and shapes must be identical; floats must
    agree within ``SYNC_SHARE`` of the key's tolerance (``SYNC_RTOL`` relative at least).
    """
    try:
        old, new = json.loads(committed), json.loads(built)
    except json.JSONDecodeError as e:
        return [f"not JSON: {e}"]
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ["not a reference"]
    out: list[str] = []
    # Timing is of the machine that built, not of the course: it never makes a build stale.
    old, new = dict(old), dict(new)
    old.pop(TIMING, None), new.pop(TIMING, None)
    if set(old) != set(new):
        out.append(f"sections {sorted(old)} != {sorted(new)}")
    tolerances = new.get("tolerances", {})
    for section in sorted(set(old) & set(new)):
        a, b = old[section], new[section]
        if section == "values" and isinstance(a, dict) and isinstance(b, dict):
            if set(a) != set(b):
                out.append(f"values: keys differ: {sorted(set(a) ^ set(b))}")
            for key in sorted(set(a) & set(b)):
                rtol, atol = tolerances.get(key, (0.0, 0.0))
                _walk(a[key], b[key], (float(rtol), float(atol)), f"values[{key!r}]", out)
        elif section == "checks" and isinstance(a, dict) and isinstance(b, dict):
            if set(a) != set(b):
                out.append(f"checks: cells differ: {sorted(set(a) ^ set(b))}")
            for cell in sorted(set(a) & set(b)):
                _checks(a[cell], b[cell], f"checks[{cell!r}]", out)
        else:
            _walk(a, b, (0.0, 0.0), section, out)
    return out


def _checks(a: Any, b: Any, where: str, out: list[str]) -> None:
    if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
        out.append(f"{where}: a different list of checks")
        return
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if not (isinstance(x, dict) and isinstance(y, dict)) or set(x) != set(y):
            out.append(f"{where}[{i}]: a different check")
            continue
        opts = y.get("options", {}) if isinstance(y.get("options"), dict) else {}
        tol = (float(opts.get("rtol", 0.0) or 0.0), float(opts.get("atol", 0.0) or 0.0))
        for k in sorted(x):
            _walk(x[k], y[k], tol, f"{where}[{i}][{k!r}]", out)


def _walk(a: Any, b: Any, tol: tuple[float, float], where: str, out: list[str]) -> None:
    if isinstance(a, bool) or isinstance(b, bool) or not _is_number(a) or not _is_number(b):
        if type(a) is not type(b):
            out.append(f"{where}: {type(a).__name__} != {type(b).__name__}")
        elif isinstance(a, dict):
            if set(a) != set(b):
                out.append(f"{where}: keys {sorted(a)} != {sorted(b)}")
            for k in sorted(set(a) & set(b)):
                _walk(a[k], b[k], tol, f"{where}[{k!r}]", out)
        elif isinstance(a, list):
            if len(a) != len(b):
                out.append(f"{where}: length {len(a)} != {len(b)}")
            else:
                for i, (x, y) in enumerate(zip(a, b, strict=True)):
                    _walk(x, y, tol, f"{where}[{i}]", out)
        elif a != b:
            out.append(f"{where}: {a!r} != {b!r}")
        return
    if isinstance(a, int) and isinstance(b, int):
        if a != b:
            out.append(f"{where}: {a} != {b}")
        return
    x, y = float(a), float(b)
    rtol, atol = tol
    allowed = max(
        SYNC_SHARE * (atol + rtol * abs(x)),
        SYNC_RTOL * max(abs(x), abs(y)),
        8 * math.ulp(max(abs(x), abs(y))),
    )
    if not abs(x - y) <= allowed:
        out.append(f"{where}: {x!r} != {y!r}")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
