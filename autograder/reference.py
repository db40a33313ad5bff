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


def _compare_numeric(ref: np.ndarray, value: Any, rtol: float, atol: float, at: str) -> str | None:
    if value is None:
        return f"получено None вместо числа или массива{at}"
    try:
        # Copy into a plain float array: what is compared is the numbers, not the object.
        got = np.array(value, dtype=float)
    except (TypeError, ValueError):
        return f"ожидалось число или массив чисел, получен {type(value).__name__}{at}"
    if got.shape != ref.shape:
        return f"форма {got.shape} не совпадает с эталоном{at}"
    ref = ref.astype(float)
    same_nonfinite = (np.isnan(ref) & np.isnan(got)) | (np.isinf(ref) & (ref == got))
    bad_nonfinite = ~np.isfinite(ref) | ~np.isfinite(got)
    if np.any(bad_nonfinite & ~same_nonfinite):
        n = int(np.sum(bad_nonfinite & ~same_nonfinite))
        return f"{n} элемент(ов) nan/inf не совпадают с эталоном{at}"
    finite = np.isfinite(ref)
    err = np.where(finite, np.abs(got - ref), 0.0)
    excess = err - (atol + rtol * np.abs(np.where(finite, ref, 0.0)))
    if np.all(excess <= 0):
        return None
    worst = np.unravel_index(int(np.argmax(excess)), ref.shape) if ref.ndim else ()
    pos = f" в элементе {list(worst)}" if ref.ndim else ""
    n_bad = int(np.sum(excess > 0))
    return (
        f"ошибка {float(err[worst]):.2e}{pos} больше допуска "
        f"(rtol={rtol:g}, atol={atol:g}); не совпадает элементов: {n_bad} из {ref.size}{at}"
    )
