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
    """Inverse of :func:`encode`."""
    if isinstance(data, dict):
        if data.get(_ARRAY) is True:
            flat = [_decode_float(x) for x in data["data"]]
            return np.array(flat, dtype=data["dtype"]).reshape(data["shape"])
        if set(data) == {_FLOAT}:
            return float(data[_FLOAT])
        return {k: decode(v) for k, v in data.items()}
    if isinstance(data, list):
        return [decode(v) for v in data]
    return data


def _decode_float(x: Any) -> Any:
    return float(x[_FLOAT]) if isinstance(x, dict) else x


def load(path: Path) -> dict[str, Any]:
    """Read a reference file: ``{"values": {key: encoded}}`` -> ``{key: decoded}``."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: decode(v) for k, v in doc["values"].items()}


def dump(values: dict[str, Any], assignment: str) -> str:
    """Serialise encoded values as the diff-friendly text of a reference file."""
    doc = {"assignment": assignment, "values": values}
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
            return f"лишние ключи в словаре: {extra}{at}"
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


def _magnitude(x: float) -> str:
    """Only the order of magnitude, so an error never spells out the reference value."""
    if not np.isfinite(x):
        return "бесконечна"
    return f"порядка 1e{int(np.floor(np.log10(x))):+03d}" if x > 0 else "0"


def _compare_numeric(ref: np.ndarray, value: Any, rtol: float, atol: float, at: str) -> str | None:
    if value is None:
        return f"получено None вместо числа или массива{at}"
    got = as_float_array(value)
    if got is None:
        return f"ожидалось число или массив чисел, получен {type(value).__name__}{at}"
    if got.shape != ref.shape:
        return f"форма {got.shape} не совпадает с эталоном{at}"
    ref = ref.astype(float)
    bad, err = mismatches(got, ref, rtol, atol)
    if not np.any(bad):
        return None
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
