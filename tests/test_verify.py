"""The grader's verdict on test cells (autograder.grading.verify), from reports crafted here.

No kernel: an executed notebook is simulated by giving the test cells of 01-neuron the report
outputs a kernel would send. Every malformed, missing, extra or lying report must fail the cell
(fail closed) and never crash the grader; only the right values pass.
"""

from __future__ import annotations

import copy
import json

import nbformat
import numpy as np
import pytest
from nbgrader.utils import determine_grade

from autograder.build import notebooks
from autograder.checks import RECORD_MIME
from autograder.grading.verify import Reference, verify
from autograder.reference import encode
from tests.conftest import COURSE

A = "01-neuron"
REF = Reference.load(COURSE.reference_file(A))
RAW = json.loads(COURSE.reference_file(A).read_text(encoding="utf-8"))


def report(data) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={RECORD_MIME: data})


def cell(gid: str) -> nbformat.NotebookNode:
    nb = notebooks.read(COURSE.source_notebook(A))
    found = next(c for c in nb.cells if notebooks.grade_id(c) == gid)
    found = copy.deepcopy(found)
    found.outputs = []
    return found


def judged(c: nbformat.NotebookNode) -> tuple[float, str]:
    nb = nbformat.v4.new_notebook(cells=[c])
    verify(nb, REF)
    score, _ = determine_grade(nb.cells[0])
    errors = [o.evalue for o in nb.cells[0].outputs if o.output_type == "error"]
    assert not any(o.get("data", {}).get(RECORD_MIME) for o in nb.cells[0].outputs)
    return score, (errors[0] if errors else "")


def hidden_reports(exercise: str, **replace) -> list:
    out = []
    for key in REF.keys_of(exercise):
        value = replace.get(key, RAW["values"][key])
        out.append(report({"key": key, "value": value}))
    return out


def visible_reports(gid: str, **replace) -> list:
    # The solution's actual values equal the recorded expected sides for these checks.
    return [
        report(
            {
                "check": want["check"],
                "actual": replace.get(str(i), want["expected"]),
                "expected": want["expected"],
            }
        )
        for i, want in enumerate(RAW["checks"][gid])
    ]


def test_hidden_cell_with_the_reference_values_passes():
    c = cell("sigmoid-hidden")
    c.outputs = hidden_reports("sigmoid")
    assert judged(c) == (1.0, "")


def test_stderr_and_a_shown_value_do_not_cost_a_passing_cell():
    c = cell("sigmoid-hidden")
    c.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n"),
        *hidden_reports("sigmoid"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "0.0"}, execution_count=1),
    ]
    score, _ = judged(c)
    assert score == 1.0
    assert [o.output_type for o in c.outputs] == ["stream"] and c.outputs[0].name == "stdout"


@pytest.mark.parametrize(
    "tamper, says",
    [
        (lambda r: r[:-1], "значение не получено"),
        (lambda r: r + r[:1], "дважды"),
        (lambda r: r + [report({"key": "sigmoid/invented", "value": 1})], "лишний"),
        (lambda r: r + [report({"key": "neuron/negative-bias", "value": 1})], "лишний"),
        (lambda r: r + [report("all tests passed")], "неизвестного вида"),
        (lambda r: r + [report({"check": "assert_close", "actual": 1})], "неизвестного вида"),
    ],
    ids=["missing", "duplicated", "invented-key", "other-exercise-key", "text", "visible-kind"],
)
def test_hidden_reports_that_do_not_add_up_fail(tamper, says):
    c = cell("sigmoid-hidden")
    c.outputs = tamper(hidden_reports("sigmoid"))
    score, why = judged(c)
    assert score == 0 and says in why


GRID = "sigmoid/grid"


@pytest.mark.parametrize(
    "value, says",
    [
        (encode(np.full(33, np.nan)), "nan/inf"),
        (encode(np.zeros(33)), "больше допуска"),
        (encode(np.ones((33, 1))), "форма"),
        (encode(np.ones(33, dtype=bool)), "ожидалось число"),
        ("0.5", "ожидалось число"),
        ({"__unencodable__": "Liar"}, "Liar"),
        ({"__ndarray__": True, "dtype": "O", "shape": [1], "data": [1]}, "не читается"),
        ({"__ndarray__": True, "dtype": "f8", "shape": [10**9, 10**9], "data": []}, "не читается"),
        ({"__ndarray__": True, "dtype": "f8", "shape": [2], "data": [1.0]}, "не читается"),
        ({"__ndarray__": True, "dtype": "f8", "shape": [1], "data": ["x"]}, "не читается"),
        ({"__float__": "__import__('os')"}, "не читается"),
        (json.loads("[" * 100 + "]" * 100), "не читается"),
    ],
    ids=[
        "nan",
        "wrong",
        "shape",
        "bool-for-float",
        "string",
        "unencodable",
        "object-dtype",
        "huge-shape",
        "short-data",
        "text-element",
        "bad-special",
        "deep",
    ],
)
def test_wrong_or_malformed_values_fail_without_crashing(value, says):
    c = cell("sigmoid-hidden")
    c.outputs = hidden_reports("sigmoid", **{GRID: value})
    score, why = judged(c)
    assert score == 0 and says in why, why


def test_a_cell_that_raised_stays_failed_even_with_the_right_reports():
    c = cell("sigmoid-hidden")
    error = nbformat.v4.new_output("error", ename="NameError", evalue="x", traceback=[])
    c.outputs = [*hidden_reports("sigmoid"), error]
    assert judged(c) == (0.0, "x")


def test_visible_cell_with_the_right_reports_passes():
    c = cell("neuron-visible")
    c.outputs = visible_reports("neuron-visible")
    assert judged(c) == (1.0, "")


@pytest.mark.parametrize(
    "tamper, says",
    [
        (lambda r: r[:1], "не выполнена"),
        (lambda r: [], "не выполнена"),
        (lambda r: r + r[-1:], "лишние"),
        (lambda r: r[1:] + r[:1], "другой проверки"),
    ],
    ids=["one-missing", "none", "extra", "reordered"],
)
def test_visible_reports_that_do_not_add_up_fail(tamper, says):
    c = cell("neuron-visible")
    c.outputs = tamper(visible_reports("neuron-visible"))
    score, why = judged(c)
    assert score == 0 and says in why, why


@pytest.mark.parametrize(
    "index, actual, says",
    [
        ("1", encode(np.float64(0.5)), "ожидалось"),
        ("1", encode(np.float64(np.nan)), "ожидалось"),
        ("1", {"__unencodable__": "AlwaysEqual"}, "AlwaysEqual"),
        ("0", [3], "форма"),
        ("0", {"__unencodable__": "object"}, "object"),
        ("0", "()", "не подходит"),
    ],
    ids=["wrong", "nan", "unencodable", "shape", "shape-unencodable", "shape-text"],
)
def test_visible_values_are_judged_here(index, actual, says):
    c = cell("neuron-visible")
    c.outputs = visible_reports("neuron-visible", **{index: actual})
    score, why = judged(c)
    assert score == 0 and says in why, why


@pytest.mark.parametrize("shown", ["99", "1", "0.5"])
def test_a_forged_value_is_never_partial_credit(shown):
    value = nbformat.v4.new_output("execute_result", data={"text/plain": shown}, execution_count=1)
    failing = cell("sigmoid-hidden")
    failing.outputs = [value, *hidden_reports("sigmoid")[:-1]]
    assert judged(failing)[0] == 0
    passing = cell("sigmoid-hidden")
    passing.outputs = [value, *hidden_reports("sigmoid")]
    assert judged(passing)[0] == 1.0


def test_visible_expected_side_may_come_from_the_students_results():
    # e.g. "X and y were permuted together": the expected side is computed from the answer.
    c = cell("neuron-visible")
    c.outputs = visible_reports("neuron-visible")
    c.outputs[1]["data"][RECORD_MIME]["actual"] = encode(np.float64(0.25))
    c.outputs[1]["data"][RECORD_MIME]["expected"] = encode(np.float64(0.25))
    assert judged(c) == (1.0, "")


def test_visible_tolerances_are_the_builds_not_the_kernels():
    c = cell("neuron-visible")
    c.outputs = visible_reports("neuron-visible", **{"1": encode(np.float64(0.9991))})
    assert judged(c)[0] == 0  # 1e-4 off, rtol 1e-6 recorded at build
    c = cell("neuron-visible")
    c.outputs = visible_reports("neuron-visible", **{"1": encode(np.float64(0.9991))})
    c.outputs[1]["data"][RECORD_MIME]["rtol"] = 1.0  # a report cannot widen the tolerance
    score, why = judged(c)
    assert score == 0 and "другой проверки" in why
