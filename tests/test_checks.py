"""Unit tests of autograder.checks: every helper, on success and on failure, and expect()."""

from __future__ import annotations

import json
import re

import nbformat
import numpy as np
import pytest

from autograder import checks, reference
from autograder.build.execute import CellFailed, kernel_session
from autograder.checks import (
    assert_close,
    assert_dtype,
    assert_equal,
    assert_in_range,
    assert_no_warnings,
    assert_shape,
    assert_true,
    assert_type,
    assert_unchanged,
    call_catching_warnings,
    expect,
)
from autograder.grading.text import error_label

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def failure(fn, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


# --- assert_close -------------------------------------------------------------------------------


def test_assert_close_passes_silently_on_numbers_lists_and_arrays():
    assert assert_close(0.5, 0.5) is None
    assert assert_close(np.float64(0.1 + 0.2), 0.3) is None
    assert assert_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-12])) is None
    assert assert_close(np.zeros((2, 3)), np.zeros((2, 3))) is None


def test_assert_close_reports_name_expected_got_worst_element_and_hint():
    msg = failure(assert_close, [0.1, 0.5, 0.9], [0.1, 0.5, 0.7], name="sigmoid(x)", hint="знак!")
    assert msg.startswith("Проверка не пройдена: sigmoid(x)")
    assert "ожидалось" in msg and "получено" in msg
    assert "наибольшее расхождение в элементе [2]" in msg
    assert "ожидалось 0.7, получено 0.9" in msg
    assert msg.rstrip().endswith("Подсказка: знак!")


def test_assert_close_picks_the_worst_element_of_a_matrix():
    expected = np.zeros((2, 3))
    actual = expected.copy()
    actual[0, 1] = 0.01
    actual[1, 2] = 5.0
    assert "элементе [1, 2]" in failure(assert_close, actual, expected)


def test_assert_close_reports_shape_mismatch():
    msg = failure(assert_close, np.ones((3, 1)), np.ones(3))
    assert "ожидалась форма (3,), получена (3, 1)" in msg


def test_assert_close_scalar_vs_array_of_one_is_a_shape_error():
    assert "получена (1,)" in failure(assert_close, np.array([0.5]), 0.5)


def test_assert_close_explains_none_and_non_numbers():
    assert "return" in failure(assert_close, None, 1.0)
    assert "получен тип str" in failure(assert_close, "abc", 1.0)


def test_assert_close_treats_nan_as_a_mismatch_but_matching_nan_and_inf_as_equal():
    failure(assert_close, [np.nan, 1.0], [0.0, 1.0])
    assert assert_close([np.nan, np.inf], [np.nan, np.inf]) is None
    failure(assert_close, [np.inf], [-np.inf])


def test_assert_close_honours_tolerances():
    assert assert_close(1.001, 1.0, rtol=1e-2) is None
    failure(assert_close, 1.001, 1.0)
    assert assert_close(1e-9, 0.0, atol=1e-8) is None


def test_assert_close_summarises_large_arrays():
    msg = failure(assert_close, np.arange(1000.0), np.arange(1000.0) + 1)
    assert "..." in msg and len(msg) < 1000


# --- other helpers ------------------------------------------------------------------------------


def test_assert_equal():
    assert assert_equal("Neuron", "Neuron") is None
    assert assert_equal([1, 0, 1], np.array([1, 0, 1])) is None
    assert assert_equal(3, 3.0) is None
    assert "ожидалось: 'Neuron'" in failure(assert_equal, "neuron", "Neuron")
    failure(assert_equal, [1, 0], [1, 0, 1])
    failure(assert_equal, True, 1)
    assert "return" in failure(assert_equal, None, 2)


def test_assert_shape():
    assert assert_shape(np.zeros((4, 1)), (4, 1)) is None
    assert assert_shape(np.float64(1.0), ()) is None
    assert assert_shape([[1, 2, 3]], (1, 3)) is None
    msg = failure(assert_shape, np.zeros(4), (4, 1), name="y_pred", hint="reshape")
    assert "y_pred" in msg and "ожидалась форма (4, 1), получена (4,)" in msg and "reshape" in msg
    assert "return" in failure(assert_shape, None, (3,))


def test_assert_dtype():
    assert assert_dtype(np.zeros(3), "float") is None
    assert assert_dtype(np.zeros(3, dtype=np.int32), "int") is None
    assert assert_dtype(np.zeros(3, dtype=np.uint8), "int") is None
    assert assert_dtype(np.zeros(3) > 1, "bool") is None
    assert assert_dtype(np.zeros(3, dtype=np.float32), np.float32) is None
    assert "получен dtype int64" in failure(assert_dtype, np.arange(3), "float")
    assert "ожидался dtype float64, получен float32" in failure(
        assert_dtype, np.zeros(3, dtype=np.float32), np.float64
    )
    assert "массив numpy" in failure(assert_dtype, [1.0], "float")


def test_assert_in_range():
    assert assert_in_range(0.995, 0.99, 1.0) is None
    assert assert_in_range(np.array(0.5), 0, 1) is None
    assert "от 0.99 до 1, получено 0.5" in failure(assert_in_range, 0.5, 0.99, 1.0)
    assert "одно число" in failure(assert_in_range, [0.1, 0.2], 0, 1)
    assert "return" in failure(assert_in_range, None, 0, 1)


def test_assert_unchanged():
    before = np.array([1.0, 2.0])
    assert assert_unchanged(before, before.copy()) is None
    msg = failure(assert_unchanged, before, before * 2, name="X")
    assert "X" in msg and "изменила" in msg and "Подсказка" in msg
    assert "наибольшее изменение 2 в элементе [1]" in msg


def test_a_change_below_six_digits_is_shown_with_enough_digits():
    # +eps, -2eps, +eps leaves 2e-16 behind: "было" and "стало" must not print the same.
    before = np.array([1.0, -2.0, 0.5])
    after = before.copy()
    after[0] = np.nextafter(1.0, 2.0)
    msg = failure(assert_unchanged, before, after)
    was = next(ln for ln in msg.splitlines() if "было:" in ln).split("было:")[1].strip()
    now = next(ln for ln in msg.splitlines() if "стало:" in ln).split("стало:")[1].strip()
    assert was != now
    assert "наибольшее изменение 2.2e-16 в элементе [0]" in msg
    close = failure(assert_close, 0.1 + 1e-9, 0.1, rtol=0, atol=0)
    assert "0.100000001" in close and "ожидалось: 0.1\n" in close + "\n"


def test_lists_and_arrays_are_laid_out_alike_in_messages():
    msg = failure(assert_close, np.array([[1.0, 2.0], [3.0, 4.0]]), [[1.0, 2.0], [3.0, 5.0]])
    want = msg.split("ожидалось:")[1].split("получено:")[0]
    got = msg.split("получено:")[1].split("наибольшее")[0]
    assert want.count("\n") == got.count("\n")


def test_assert_true():
    assert assert_true(True, name="условие") is None
    assert assert_true(np.bool_(True), name="условие") is None
    msg = failure(assert_true, False, name="W1 обновлён на месте", hint="params[k] -= ...")
    assert "W1 обновлён на месте" in msg and "params[k] -= ..." in msg


def test_assert_type_names_the_type_received():
    assert assert_type([1.0], list) is None
    assert assert_type(np.float64(1.0), float) is None  # numpy's float64 is a float
    assert assert_type(3, (int, float)) is None
    msg = failure(assert_type, np.zeros(3), list, name="losses", hint="losses.append(...)")
    assert "losses: тип" in msg and "'list'" in msg and "numpy.ndarray формы (3,)" in msg
    assert "'int или float'" in failure(assert_type, "3", (int, float))


def test_warnings_are_caught_and_checked():
    def noisy(x):
        return 1.0 / (1.0 + np.exp(-x))

    value, warned = call_catching_warnings(noisy, np.array([-1000.0, 1000.0]))
    assert np.array_equal(value, [0.0, 1.0])
    assert warned and "overflow" in warned[0]
    msg = failure(assert_no_warnings, warned, name="sigmoid(±1000)", hint="exp(-|x|)")
    assert "sigmoid(±1000): без предупреждений" in msg and "overflow" in msg
    # The student's own np.seterr cannot hide a warning from the check.
    old = np.seterr(all="ignore")
    try:
        assert call_catching_warnings(noisy, np.array([-1000.0]))[1]
    finally:
        np.seterr(**old)
    quiet, none = call_catching_warnings(lambda: np.exp(-np.abs(np.array([1000.0]))))
    assert none == [] and assert_no_warnings(none, name="тихо") is None


# --- reference values ---------------------------------------------------------------------------


VALUES = [
    0.25,
    3,
    True,
    "Neuron",
    None,
    np.float64(0.5),
    np.array([[1.0, np.nan], [np.inf, -np.inf]]),
    np.arange(6, dtype=np.int32).reshape(2, 3),
    np.array([True, False]),
    [np.zeros(2), {"a": 1.5, "b": [1, 2]}],
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_reference_round_trip_through_json(value):
    decoded = reference.decode(json.loads(json.dumps(reference.encode(value))))
    assert reference.compare(decoded, value, rtol=0, atol=0) is None
    if isinstance(value, np.ndarray):
        assert decoded.dtype == value.dtype and decoded.shape == value.shape


def test_reference_rejects_unsupported_values():
    with pytest.raises(TypeError):
        reference.encode(object())
    with pytest.raises(TypeError):
        reference.encode({1: 2.0})


# --- expect -------------------------------------------------------------------------------------


SECRET = 0.123456789


@pytest.fixture
def reference_file(tmp_path, monkeypatch):
    """A reference file as `autograder build` writes it, and a clean expect() cache."""
    values = {
        "ex/number": reference.encode(SECRET),
        "ex/array": reference.encode(np.array([[SECRET, 2.0], [3.0, 4.0]])),
        "ex/dict": reference.encode({"w": np.array([SECRET, 1.0]), "name": "Neuron"}),
        "ex/list": reference.encode([SECRET, "x"]),
    }
    path = tmp_path / "reference.json"
    path.write_text(reference.dump(values, "test"), encoding="utf-8")
    monkeypatch.setenv(checks.REFERENCE_ENV, str(path))
    monkeypatch.delenv(checks.RECORD_ENV, raising=False)
    monkeypatch.setattr(checks, "_loaded", {})
    return path


def test_expect_passes_on_matching_values(reference_file):
    assert expect("ex/number", SECRET + 1e-12) is None
    assert expect("ex/array", [[SECRET, 2.0], [3.0, 4.0]]) is None
    assert expect("ex/dict", {"w": np.array([SECRET, 1.0]), "name": "Neuron"}) is None
    assert expect("ex/list", (SECRET, "x")) is None
    assert expect("ex/number", SECRET * 1.01, rtol=0.02) is None


@pytest.mark.parametrize(
    "key, wrong, says",
    [
        ("ex/number", 0.5, "ошибка порядка 1e-01 больше допуска"),
        ("ex/array", [[0.0, 2.0], [3.0, 4.0]], "в элементе [0, 0]"),
        ("ex/array", np.zeros(4), "форма (4,) не совпадает с эталоном"),
        ("ex/array", None, "None"),
        ("ex/dict", {"w": np.array([0.0, 1.0]), "name": "Neuron"}, "['w']"),
        ("ex/dict", {"w": np.array([SECRET, 1.0])}, "нет ключей ['name']"),
        ("ex/dict", {"w": np.array([SECRET, 1.0]), "name": "neuron"}, "не совпадает с эталоном"),
        ("ex/list", [SECRET], "длина 1"),
        ("ex/number", np.nan, "nan/inf"),
        ("ex/number", "0.12", "получен str"),
    ],
)
def test_expect_failure_names_the_key_and_never_the_reference(reference_file, key, wrong, says):
    msg = failure(expect, key, wrong)
    assert msg.startswith(f"Скрытая проверка {key!r} не пройдена")
    assert says in msg
    for shown in ("0.123", "1.23", "0.1234", "Neuron"):
        assert shown not in msg


def test_expect_missing_key_is_an_error_not_a_pass(reference_file):
    with pytest.raises(RuntimeError, match="нет значения для этого ключа"):
        expect("ex/unknown", 1.0)


def test_expect_without_reference_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(checks.REFERENCE_ENV, str(tmp_path / "missing.json"))
    monkeypatch.delenv(checks.RECORD_ENV, raising=False)
    monkeypatch.setattr(checks, "_loaded", {})
    with pytest.raises(RuntimeError, match="нет файла эталонных значений"):
        expect("ex/number", 1.0)


def test_expect_rejects_malformed_keys(reference_file):
    with pytest.raises(ValueError, match="упражнение/что"):
        expect("no-slash", 1.0)


def test_expect_records_values_and_refuses_a_key_twice(tmp_path, monkeypatch):
    record = tmp_path / "record.jsonl"
    monkeypatch.setenv(checks.RECORD_ENV, str(record))
    monkeypatch.setattr(checks, "_recorded", set())
    monkeypatch.setattr(checks, "_called_by_cell_code", lambda: True)  # as from a test cell
    assert expect("ex/a", np.array([1.0, 2.0])) is None
    assert expect("ex/b", "text") is None
    with pytest.raises(ValueError, match="использован дважды"):
        expect("ex/a", 3.0)
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [entry["key"] for entry in lines] == ["ex/a", "ex/b"]
    assert reference.compare(reference.decode(lines[0]["value"]), [1.0, 2.0], 0, 0) is None


# --- grading mode: the kernel reports, the grader judges ------------------------------------------


@pytest.fixture
def reports(monkeypatch):
    """Grading mode, with the display channel captured instead of sent to a Jupyter frontend."""
    import IPython.display

    sent: list = []
    monkeypatch.setenv(checks.EMIT_ENV, "1")
    monkeypatch.delenv(checks.RECORD_ENV, raising=False)
    monkeypatch.delenv(checks.REFERENCE_ENV, raising=False)
    monkeypatch.setattr(
        IPython.display, "publish_display_data", lambda data: sent.append(data[checks.RECORD_MIME])
    )
    monkeypatch.setattr(checks, "_called_by_cell_code", lambda: True)  # as from a test cell
    return sent


@pytest.fixture
def cell_reports(monkeypatch):
    """Grading mode, and code run as a notebook cell runs it (``exec`` of top-level code)."""
    import IPython.display

    sent: list = []
    monkeypatch.setenv(checks.EMIT_ENV, "1")
    monkeypatch.delenv(checks.RECORD_ENV, raising=False)
    monkeypatch.setattr(
        IPython.display, "publish_display_data", lambda data: sent.append(data[checks.RECORD_MIME])
    )

    def run(source: str) -> list:
        exec(compile(source, "<cell>", "exec"), {"np": np, "checks": checks})
        return sent

    return run


def test_checks_called_by_the_cells_own_code_report(cell_reports):
    sent = cell_reports(
        "checks.assert_close(0.5, 0.5)\n"
        "for v in [1, 2]:\n"
        "    checks.assert_true(v > 0, name='v')\n"
        "[checks.assert_shape(np.zeros(2), (2,)) for _ in range(2)]\n"
        "checks.expect('ex/v', 1.0)\n"
    )
    kinds = [r.get("check", r.get("key")) for r in sent]
    loop, comprehension = ["assert_equal"] * 2, ["assert_shape"] * 2
    assert kinds == ["assert_close", *loop, *comprehension, "ex/v"]


def test_checks_inside_a_students_function_compare_locally_and_report_nothing(cell_reports):
    # An honest student may call the notebook's own helpers inside their answer (red team E1).
    sent = cell_reports(
        "def sigmoid(x):\n"
        "    out = 1 / (1 + np.exp(-np.asarray(x, dtype=float)))\n"
        "    checks.assert_shape(out, np.shape(x), name='форма выхода')\n"
        "    checks.expect('ex/inside', out)\n"
        "    return out\n"
        "checks.assert_close(sigmoid(0.0), 0.5)\n"
    )
    assert [r["check"] for r in sent] == ["assert_close"]
    with pytest.raises(AssertionError, match="форма выхода"):
        cell_reports(
            "def bad(x):\n    checks.assert_shape(np.zeros(3), (2,), name='форма выхода')\nbad(0)\n"
        )


def test_expect_reports_plain_data_and_judges_nothing(reports, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no reference anywhere: grading mode must not look for one
    checks.expect("ex/value", np.arange(3.0))
    checks.expect("ex/object", object())
    assert reports[0] == {"key": "ex/value", "value": reference.encode(np.arange(3.0))}
    assert reports[1] == {"key": "ex/object", "value": {reference.UNENCODABLE: "object"}}


def test_visible_checks_report_what_they_got_and_still_give_feedback(reports):
    class Liar:
        def __eq__(self, other):
            return True

        def __array__(self, *a, **k):
            raise TypeError("no")

    checks.assert_close(np.float64(0.5), 0.5)
    checks.assert_shape(np.zeros((2, 3)), (2, 3))
    checks.assert_dtype(np.zeros(2, dtype=np.int32), "int")
    with pytest.raises(AssertionError):
        checks.assert_in_range(2.0, 0.0, 1.0)
    with pytest.raises(AssertionError):
        checks.assert_equal(Liar(), 3)  # whatever it fools here, the report says what it is
    assert [r["check"] for r in reports] == [
        "assert_close",
        "assert_shape",
        "assert_dtype",
        "assert_in_range",
        "assert_equal",
    ]
    assert reports[0]["actual"] == reference.encode(np.asarray(0.5))
    assert reports[1]["actual"] == [2, 3]
    assert reports[2]["actual"] == "<i4"
    assert reports[3]["actual"] == reference.encode(np.asarray(2.0))
    assert reports[4]["actual"] == {reference.UNENCODABLE: "Liar"}


def test_untrusted_decoding_keeps_scalars_scalars():
    assert type(reference.decode_untrusted(reference.encode(np.int64(3)))) is np.int64
    assert reference.decode_untrusted(reference.encode([1, "a", None])) == [1, "a", None]


# --- what Jupyter shows for a failed check -------------------------------------------------------


def test_a_failed_check_is_still_an_assertion_error_with_its_message():
    with pytest.raises(AssertionError) as info:
        assert_close([0.7], [0.3], name="sigmoid([0])", hint="проверьте знак")
    assert isinstance(info.value, checks.CheckFailed)
    assert str(info.value).startswith("Проверка не пройдена: sigmoid([0])")


@pytest.mark.slow
def test_jupyter_shows_the_russian_message_first_and_the_students_errors_in_full(tmp_path):
    """In a real kernel: a failed check renders as its message plus the test's line — no frame
    of autograder/checks.py; an error in the student's own code keeps IPython's traceback."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nfrom autograder.checks import assert_close\n"
            "def sigmoid(x):\n    return 1 / (1 + np.exp(np.asarray(x, dtype=float)))"
        ),
        nbformat.v4.new_code_cell(
            "x = [-1, 0, 1]\n"
            "assert_close(sigmoid(x), [0.268941, 0.5, 0.731059], rtol=1e-5, "
            "name='sigmoid([-1, 0, 1])', hint='проверьте знак')"
        ),
        nbformat.v4.new_code_cell("def f(v):\n    return v[3]\nf([1])"),
    ]
    with kernel_session(nb, tmp_path, timeout=60) as session:
        session.run_cell(0)
        for index in (1, 2):
            with pytest.raises(CellFailed):
                session.run_cell(index)
    check, own = (nb.cells[i].outputs[-1] for i in (1, 2))
    shown = [ANSI.sub("", line) for line in "\n".join(check.traceback).splitlines()]
    assert shown[0] == "Проверка не пройдена: sigmoid([-1, 0, 1])"
    assert "Подсказка: проверьте знак" in shown
    assert shown[-1].startswith("строка 2 ячейки: assert_close(sigmoid(x)")
    assert len(shown) <= 9 and not any("checks.py" in line or "Traceback" in line for line in shown)
    own_text = ANSI.sub("", "\n".join(own.traceback))
    assert own.ename == "IndexError" and "Traceback (most recent call last)" in own_text
    assert "return v[3]" in own_text


def test_feedback_names_an_unsolved_exercise_and_a_failed_check_in_russian():
    assert error_label("NotImplementedError").startswith("упражнение не решено")
    assert error_label("CheckFailed") == "проверка не пройдена"
    assert error_label("ValueError") == "ошибка в вашем коде (ValueError)"
    assert error_label("Секрет") == "ошибка в вашем коде (исключение)"


# --- diagnoses (autograder.diagnoses) -------------------------------------------------------------


def _entry(diagnosis, value):
    from autograder.reference import encode

    return {"mutant": diagnosis, "diagnosis": diagnosis, "value": encode(value)}


def test_diagnosis_needs_a_match_that_all_mutants_agree_on():
    from autograder import diagnoses

    entries = [_entry("Похоже, A", np.array([1.0, 2.0])), _entry("Похоже, B", np.array([3.0]))]
    assert diagnoses.match(entries, np.array([1.0, 2.0 + 1e-9]), 1e-6, 1e-8) == "Похоже, A"
    assert diagnoses.match(entries, np.array([1.0, 2.1]), 1e-6, 1e-8) is None
    # Two mistakes alike here: neither is named.
    alike = [*entries, _entry("Похоже, C", np.array([1.0, 2.0]))]
    assert diagnoses.match(alike, np.array([1.0, 2.0]), 1e-6, 1e-8) is None


def test_hidden_diagnosis_from_every_failed_key():
    from autograder import diagnoses

    doc = {
        "hidden": {
            "ex/a": [_entry("Похоже, A", 1.0), _entry("Похоже, B", 1.0)],  # alike on ex/a
            "ex/b": [_entry("Похоже, A", 5.0), _entry("Похоже, B", 7.0)],
        }
    }
    both = {"ex/a": (1.0, 1e-6, 0.0), "ex/b": (5.0, 1e-6, 0.0)}
    assert diagnoses.for_hidden_keys(doc, both) == "Похоже, A"
    assert diagnoses.for_hidden_keys(doc, {"ex/a": (1.0, 1e-6, 0.0)}) is None
    assert diagnoses.for_hidden_keys(doc, {"ex/b": (6.0, 1e-6, 0.0)}) is None


def test_diagnosis_is_the_second_line_of_the_message():
    from autograder import diagnoses

    message = "Проверка не пройдена: x\n  ожидалось: 1\n  получено:  2"
    shown = diagnoses.with_diagnosis(message, "Похоже, ошибка")
    assert shown.splitlines()[:2] == ["Проверка не пройдена: x", "Похоже, ошибка"]
    assert diagnoses.diagnosis_in(shown) == "Похоже, ошибка"
    assert diagnoses.with_diagnosis(message, None) == message
