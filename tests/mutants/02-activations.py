"""Wrong answers to 02-activations.

Every mutant that breaks a requirement the statement states is caught by the visible checks
(``caught_by="visible"``); the ``"hidden"`` ones are the over-fitting kind only: code written for
the inputs the visible checks use (numbers, 1-D lists and matrices, ``axis=0`` of a matrix) that
breaks on other shapes.
"""

from textwrap import dedent, indent

from tests.mutants import Mutant


def _loops(name: str, signature: str, scalar_body: str) -> str:
    """An element-wise function written with Python loops for 0-, 1- and 2-D inputs only."""
    body = indent(dedent(scalar_body).strip(), " " * 8)
    return (
        f"def {name}({signature}):\n"
        "    import math\n\n"
        "    def one(v):\n"
        "        v = float(v)\n"
        f"{body}\n\n"
        "    x = np.asarray(x, dtype=float)\n"
        "    if x.ndim == 0:\n"
        "        return np.float64(one(x))\n"
        "    if x.ndim == 1:\n"
        "        return np.array([one(v) for v in x])\n"
        "    return np.array([[one(v) for v in row] for row in x])\n"
    )


MUTANTS = [
    # --- sigmoid
    Mutant(
        "sigmoid",
        "sign of the exponent",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / (1.0 + np.exp(x))
    """,
        diagnosis=(
            "Похоже, в показателе степени потерян минус: считается `1 / (1 + e^x)`, а не "
            "`1 / (1 + e^(-x))`"
        ),
    ),
    Mutant(
        "sigmoid",
        "naive formula overflows at -1000 (correct values, a RuntimeWarning)",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / (1.0 + np.exp(-x))
    """,
        diagnosis=(
            "Похоже, формула `1 / (1 + e^(-x))` без защиты: `np.exp(-x)` переполняется при больших "
            "отрицательных `x`"
        ),
    ),
    Mutant(
        "sigmoid",
        "np.where over two unstable branches",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
    """,
        diagnosis=(
            "Похоже, `np.where` вычисляет обе ветви для всех `x`, и `np.exp` в одной из них "
            "переполняется: под ним должно быть `-|x|`"
        ),
    ),
    Mutant(
        "sigmoid",
        "clips the input in place",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x, dtype=float)
            np.clip(x, -500.0, 500.0, out=x)
            return 1.0 / (1.0 + np.exp(-x))
    """,
        diagnosis=(
            "Похоже, функция меняет входной массив на месте (`np.clip(..., out=x)`), а не создаёт "
            "новый"
        ),
    ),
    Mutant(
        "sigmoid",
        "output array like the input: integers for a list of integers",
        "visible",
        """
        def sigmoid(x):
            x = np.asarray(x)
            out = np.empty_like(x)
            pos = x >= 0
            out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
            e = np.exp(x[~pos])
            out[~pos] = e / (1.0 + e)
            return out
    """,
        diagnosis=(
            "Похоже, для списка целых чисел результат — массив целых: вход не превращён в массив "
            "`float`"
        ),
    ),
    Mutant(
        "sigmoid",
        "a 1-element array for a number",
        "visible",
        """
        def sigmoid(x):
            x = np.atleast_1d(np.asarray(x, dtype=float))
            e = np.exp(-np.abs(x))
            return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    """,
        diagnosis=(
            "Похоже, для числа возвращается массив формы `(1,)`, а не массив формы `()` или число "
            "NumPy"
        ),
    ),
    Mutant(
        "sigmoid",
        "math.exp: numbers only",
        "visible",
        """
        import math


        def sigmoid(x):
            if x >= 0:
                return 1.0 / (1.0 + math.exp(-x))
            return math.exp(x) / (1.0 + math.exp(x))
    """,
        diagnosis=(
            "Похоже, вы считаете через `math.exp`, который принимает только одно число, а не "
            "список или массив"
        ),
    ),
    Mutant(
        "sigmoid",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "sigmoid",
            "x",
            """
                if v >= 0:
                    return 1.0 / (1.0 + math.exp(-v))
                e = math.exp(v)
                return e / (1.0 + e)
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- sigmoid_grad
    Mutant(
        "sigmoid_grad",
        "returns sigmoid(x) instead of its derivative",
        "visible",
        """
        def sigmoid_grad(x):
            return sigmoid(x)
    """,
        diagnosis=(
            "Похоже, функция возвращает саму сигмоиду `σ(x)`, а не её производную `σ(x)·(1 − σ(x))`"
        ),
    ),
    Mutant(
        "sigmoid_grad",
        "treats x as the sigmoid's output: x * (1 - x)",
        "visible",
        """
        def sigmoid_grad(x):
            x = np.asarray(x, dtype=float)
            return x * (1.0 - x)
    """,
        diagnosis="Похоже, в формулу `s(1 − s)` подставлен сам вход `x`, а не `s = σ(x)`",
    ),
    Mutant(
        "sigmoid_grad",
        "e^-x / (1 + e^-x)^2 overflows to nan",
        "visible",
        """
        def sigmoid_grad(x):
            x = np.asarray(x, dtype=float)
            e = np.exp(-x)
            return e / (1.0 + e) ** 2
    """,
        diagnosis=(
            "Похоже, производная считается через `e^(-x) / (1 + e^(-x))²`, и при больших "
            "отрицательных `x` выходит `nan`"
        ),
    ),
    Mutant(
        "sigmoid_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "sigmoid_grad",
            "x",
            """
                e = math.exp(-abs(v))
                return e / (1.0 + e) ** 2
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- tanh
    Mutant(
        "tanh",
        "2 * sigmoid(x) - 1 (factor 2 of the argument lost)",
        "visible",
        """
        def tanh(x):
            return 2.0 * sigmoid(x) - 1.0
    """,
        diagnosis="Похоже, в формуле `2σ(2x) − 1` аргумент сигмоиды `x`, а не `2x`",
    ),
    Mutant(
        "tanh",
        "definition through exponentials: nan for large |x|",
        "visible",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    """,
        diagnosis=(
            "Похоже, tanh считается через `e^x` и `e^(-x)`, которые переполняются при больших "
            "`|x|`, и выходит `nan`"
        ),
    ),
    Mutant(
        "tanh",
        "np.tanh into the caller's array",
        "visible",
        """
        def tanh(x):
            x = np.asarray(x, dtype=float)
            np.tanh(x, out=x)
            return x
    """,
        diagnosis=(
            "Похоже, результат записан во входной массив (`np.tanh(x, out=x)`), и `x` меняется на "
            "месте"
        ),
    ),
    Mutant(
        "tanh",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "tanh",
            "x",
            """
                return math.tanh(v)
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- tanh_grad
    Mutant(
        "tanh_grad",
        "1 - tanh(x) without the square",
        "visible",
        """
        def tanh_grad(x):
            return 1.0 - tanh(x)
    """,
        diagnosis="Похоже, в производной `1 − tanh²(x)` потерян квадрат: считается `1 − tanh(x)`",
    ),
    Mutant(
        "tanh_grad",
        "treats x as the tanh output: 1 - x**2",
        "visible",
        """
        def tanh_grad(x):
            x = np.asarray(x, dtype=float)
            return 1.0 - x**2
    """,
        diagnosis="Похоже, в формулу `1 − t²` подставлен сам вход `x`, а не `t = tanh(x)`",
    ),
    Mutant(
        "tanh_grad",
        "1 / cosh(x)**2 overflows for large |x| (correct values, a RuntimeWarning)",
        "visible",
        """
        def tanh_grad(x):
            x = np.asarray(x, dtype=float)
            return 1.0 / np.cosh(x) ** 2
    """,
        diagnosis=(
            "Похоже, производная считается через `np.cosh`, который переполняется при больших "
            "`|x|` с предупреждением NumPy"
        ),
    ),
    Mutant(
        "tanh_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "tanh_grad",
            "x",
            """
                return 1.0 - math.tanh(v) ** 2
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- relu
    Mutant(
        "relu",
        "absolute value instead of max(0, x)",
        "visible",
        """
        def relu(x):
            return np.abs(np.asarray(x, dtype=float))
    """,
        diagnosis=(
            "Похоже, вместо `max(0, x)` взят модуль `|x|`: отрицательные числа не обнуляются"
        ),
    ),
    Mutant(
        "relu",
        "zeroes negatives in the caller's array",
        "visible",
        """
        def relu(x):
            x = np.asarray(x, dtype=float)
            x[x < 0] = 0.0
            return x
    """,
        diagnosis=(
            "Похоже, отрицательные элементы обнуляются в самом входном массиве `x`, а не в новом"
        ),
    ),
    Mutant(
        "relu",
        "Python max: scalars only",
        "visible",
        """
        def relu(x):
            return max(0.0, x)
    """,
        diagnosis=(
            "Похоже, используется встроенная `max`, которая сравнивает только числа, а не "
            "поэлементная `np.maximum`"
        ),
    ),
    Mutant(
        "relu",
        "integers for a list of integers",
        "visible",
        """
        def relu(x):
            return np.maximum(np.asarray(x), 0)
    """,
        diagnosis="Похоже, для списка целых чисел результат — массив целых, а не массив `float`",
    ),
    Mutant(
        "relu",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "relu",
            "x",
            """
                return max(v, 0.0)
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- relu_grad
    Mutant(
        "relu_grad",
        "returns relu(x) instead of its derivative",
        "visible",
        """
        def relu_grad(x):
            return relu(x)
    """,
        diagnosis=(
            "Похоже, функция возвращает сам ReLU `max(0, x)`, а не его производную — 1 или 0"
        ),
    ),
    Mutant(
        "relu_grad",
        "derivative 1 at zero (x >= 0)",
        "visible",
        """
        def relu_grad(x):
            x = np.asarray(x, dtype=float)
            return (x >= 0).astype(float)
    """,
        diagnosis="Похоже, в нуле производная равна 1: условие `x >= 0`, а не строгое `x > 0`",
    ),
    Mutant(
        "relu_grad",
        "boolean array (x > 0)",
        "visible",
        """
        def relu_grad(x):
            return np.asarray(x, dtype=float) > 0
    """,
        diagnosis="Похоже, возвращается логический массив `x > 0`, а не массив `float`",
    ),
    Mutant(
        "relu_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "relu_grad",
            "x",
            """
                return 1.0 if v > 0 else 0.0
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- leaky_relu
    Mutant(
        "leaky_relu",
        "no leak: plain ReLU",
        "visible",
        """
        def leaky_relu(x, alpha=0.01):
            return np.maximum(np.asarray(x, dtype=float), 0.0)
    """,
        diagnosis="Похоже, при `x ≤ 0` возвращается 0, а не `alpha * x`: получился обычный ReLU",
    ),
    Mutant(
        "leaky_relu",
        "scales the caller's array in place",
        "visible",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            x[x < 0] *= alpha
            return x
    """,
        diagnosis=(
            "Похоже, отрицательные элементы умножаются на `alpha` в самом входном массиве `x`, а "
            "не в новом"
        ),
    ),
    Mutant(
        "leaky_relu",
        "alpha argument ignored (0.01 hard-coded)",
        "visible",
        """
        def leaky_relu(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, x, 0.01 * x)
    """,
        diagnosis="Похоже, параметр `alpha` не используется: наклон всегда 0.01",
    ),
    Mutant(
        "leaky_relu",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "leaky_relu",
            "x, alpha=0.01",
            """
                return v if v > 0 else alpha * v
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- leaky_relu_grad
    Mutant(
        "leaky_relu_grad",
        "alpha * x for negative inputs",
        "visible",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, 1.0, alpha * x)
    """,
        diagnosis=(
            "Похоже, при `x ≤ 0` производная равна `alpha * x` — значению функции, а не `alpha`"
        ),
    ),
    Mutant(
        "leaky_relu_grad",
        "alpha argument ignored (0.01 hard-coded)",
        "visible",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x > 0, 1.0, 0.01)
    """,
        diagnosis="Похоже, параметр `alpha` не используется: производная при `x ≤ 0` всегда 0.01",
    ),
    Mutant(
        "leaky_relu_grad",
        "derivative 1 at zero (x >= 0)",
        "visible",
        """
        def leaky_relu_grad(x, alpha=0.01):
            x = np.asarray(x, dtype=float)
            return np.where(x >= 0, 1.0, alpha)
    """,
        diagnosis="Похоже, в нуле производная равна 1: условие `x >= 0`, а не строгое `x > 0`",
    ),
    Mutant(
        "leaky_relu_grad",
        "loops for numbers, 1-D and 2-D inputs only",
        "hidden",
        _loops(
            "leaky_relu_grad",
            "x, alpha=0.01",
            """
                return 1.0 if v > 0 else float(alpha)
            """,
        ),
        diagnosis=(
            "Похоже, циклы по элементам написаны только для размерностей из видимых проверок, а "
            "`x` может быть любой формы"
        ),
    ),
    # --- softmax
    Mutant(
        "softmax",
        "normalised over the whole array, not per row",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z))
            return e / e.sum()
    """,
        diagnosis="Похоже, экспоненты делятся на сумму по всему массиву, а не вдоль оси `axis`",
    ),
    Mutant(
        "softmax",
        "exponentials not normalised",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            return np.exp(z - np.max(z, axis=axis, keepdims=True))
    """,
        diagnosis=(
            "Похоже, экспоненты не поделены на свою сумму вдоль `axis`, и вероятности не "
            "складываются в 1"
        ),
    ),
    Mutant(
        "softmax",
        "no max-subtraction: overflow for large logits",
        "visible",
        """
        def softmax(z, axis=-1):
            e = np.exp(np.asarray(z, dtype=float))
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
        diagnosis=(
            "Похоже, из логитов не вычтен максимум, и `np.exp` переполняется при больших логитах"
        ),
    ),
    Mutant(
        "softmax",
        "subtracts the maximum of the whole array",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z))
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
        diagnosis=(
            "Похоже, вычитается максимум всего массива, а не максимум вдоль оси `axis` — у каждой "
            "строки свой"
        ),
    ),
    Mutant(
        "softmax",
        "axis argument ignored (always the last axis)",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1, keepdims=True)
    """,
        diagnosis=(
            "Похоже, параметр `axis` не используется: softmax всегда считается вдоль последней оси"
        ),
    ),
    Mutant(
        "softmax",
        "shifts the caller's array in place",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            z -= np.max(z, axis=axis, keepdims=True)
            e = np.exp(z)
            return e / np.sum(e, axis=axis, keepdims=True)
    """,
        diagnosis=(
            "Похоже, максимум вычитается из самого входного массива (`z -= …`), и `z` меняется на "
            "месте"
        ),
    ),
    Mutant(
        "softmax",
        "no keepdims: broadcasting error for a batch",
        "visible",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=axis))
            return e / np.sum(e, axis=axis)
    """,
        diagnosis=(
            "Похоже, `np.max` и `np.sum` взяты без `keepdims=True`: ось пропадает, и для пакета "
            "формы не согласуются"
        ),
    ),
    Mutant(
        "softmax",
        "axis=0 by transposing a matrix; other axes of 3-D arrays ignored",
        "hidden",
        """
        def softmax(z, axis=-1):
            z = np.asarray(z, dtype=float)
            if axis == 0 and z.ndim == 2:
                return softmax(z.T).T
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1, keepdims=True)
    """,
        diagnosis=(
            "Похоже, ось `axis` учтена только для форм и осей из видимых проверок, а не для любой "
            "оси массива любой формы"
        ),
    ),
    # --- clip_by_norm
    Mutant(
        "clip_by_norm",
        "clipping by value (np.clip) instead of by norm",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            return np.clip(grad, -max_norm, max_norm)
    """,
        diagnosis=(
            "Похоже, градиент обрезан по значению (`np.clip`), а не по норме: направление меняется"
        ),
    ),
    Mutant(
        "clip_by_norm",
        "always rescaled to norm c, short gradients stretched too",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            return grad * (max_norm / norm) if norm > 0 else grad.copy()
    """,
        diagnosis=(
            "Похоже, градиент всегда масштабируется до нормы `c`, и короткий градиент тоже "
            "растягивается"
        ),
    ),
    Mutant(
        "clip_by_norm",
        "the norm of each row (axis=-1) instead of the whole array",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad, axis=-1, keepdims=True)
            return grad * np.minimum(1.0, max_norm / np.maximum(norm, 1e-300))
    """,
        diagnosis=(
            "Похоже, норма считается по строкам (`axis=-1`), а не одна по всем элементам массива"
        ),
    ),
    Mutant(
        "clip_by_norm",
        "divided by the squared norm",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            return grad * (max_norm / norm**2) if norm > max_norm else grad.copy()
    """,
        diagnosis="Похоже, градиент умножается на `c / ‖g‖²`, а не на `c / ‖g‖`",
    ),
    Mutant(
        "clip_by_norm",
        "min(1, c / norm) divides by zero for a zero gradient (a RuntimeWarning)",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            return grad * min(1.0, max_norm / np.linalg.norm(grad))
    """,
        diagnosis=(
            "Похоже, при нулевом градиенте вычисляется `c / 0`, и деление на ноль даёт "
            "предупреждение NumPy"
        ),
    ),
    Mutant(
        "clip_by_norm",
        "a Python float norm: ZeroDivisionError for a zero gradient",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            return grad * min(1.0, max_norm / float(np.linalg.norm(grad)))
    """,
        diagnosis=(
            "Похоже, при нулевом градиенте норма — число Python `float`, и `c / ‖g‖` падает с "
            "`ZeroDivisionError`"
        ),
    ),
    Mutant(
        "clip_by_norm",
        "scales the caller's array in place",
        "visible",
        """
        def clip_by_norm(grad, max_norm):
            norm = np.linalg.norm(grad)
            if norm > max_norm:
                grad *= max_norm / norm
            return grad
    """,
        diagnosis=(
            "Похоже, градиент масштабируется на месте (`grad *= …`), и массив вызывающего кода "
            "меняется"
        ),
    ),
    Mutant(
        "clip_by_norm",
        "loops over the elements of vectors and matrices only",
        "hidden",
        """
        import math


        def clip_by_norm(grad, max_norm):
            if grad.ndim == 1:
                total = sum(v * v for v in grad)
            else:
                total = sum(v * v for row in grad for v in row)
            norm = math.sqrt(total)
            return grad * (max_norm / norm) if norm > max_norm else grad.copy()
    """,
        diagnosis=(
            "Похоже, норма считается циклами только для размерностей из видимых проверок, а `grad` "
            "может быть любой формы"
        ),
    ),
]
