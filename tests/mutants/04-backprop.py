"""Wrong answers to 04-backprop.

``visible``: breaks a requirement the statement states; the visible checks catch it.
``hidden``: over-fits the visible checks (answers copied from them, code special-cased to the
visible shapes, sizes or seed); only the hidden tests, on other data, catch it.
"""

from tests.mutants import Mutant

MUTANTS = [
    # --- forward_221
    Mutant(
        "forward_221",
        "no activation on the output",
        "visible",
        """
        def forward_221(x, params):
            x1, x2 = np.asarray(x, dtype=float)
            p = params
            z1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
            z2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
            h1, h2 = sigmoid(z1), sigmoid(z2)
            z3 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
            return {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": z3}
    """,
        diagnosis="Похоже, `o1` — предактивация `z3` без сигмоиды, а не `sigmoid(z3)`",
    ),
    Mutant(
        "forward_221",
        "output neuron fed the pre-activations z1, z2",
        "visible",
        """
        def forward_221(x, params):
            x1, x2 = np.asarray(x, dtype=float)
            p = params
            z1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
            z2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
            h1, h2 = sigmoid(z1), sigmoid(z2)
            z3 = p["w5"] * z1 + p["w6"] * z2 + p["b3"]
            return {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": sigmoid(z3)}
    """,
        diagnosis=(
            "Похоже, выходной нейрон получает предактивации `z1`, `z2`, а не выходы скрытого слоя "
            "`h1`, `h2`"
        ),
    ),
    Mutant(
        "forward_221",
        "bias b3 of the output neuron forgotten (it is 0 in the lesson's example)",
        "visible",
        """
        def forward_221(x, params):
            x1, x2 = np.asarray(x, dtype=float)
            p = params
            z1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
            z2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
            h1, h2 = sigmoid(z1), sigmoid(z2)
            z3 = p["w5"] * h1 + p["w6"] * h2
            return {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": sigmoid(z3)}
    """,
        diagnosis="Похоже, в `z3` не прибавлено смещение `b3` выходного нейрона",
    ),
    Mutant(
        "forward_221",
        "h2 computed with h1's weights (true only in the symmetric example)",
        "visible",
        """
        def forward_221(x, params):
            x1, x2 = np.asarray(x, dtype=float)
            p = params
            z1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
            z2 = z1
            h1 = h2 = sigmoid(z1)
            z3 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
            return {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": sigmoid(z3)}
    """,
        diagnosis=(
            "Похоже, `h2` считается с весами `h1` (`w1`, `w2`, `b1`), а не со своими `w3`, `w4`, "
            "`b2`"
        ),
    ),
    Mutant(
        "forward_221",
        "w2 and w3 swapped (the example's weights are all 1)",
        "visible",
        """
        def forward_221(x, params):
            x1, x2 = np.asarray(x, dtype=float)
            p = params
            z1 = p["w1"] * x1 + p["w3"] * x2 + p["b1"]
            z2 = p["w2"] * x1 + p["w4"] * x2 + p["b2"]
            h1, h2 = sigmoid(z1), sigmoid(z2)
            z3 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
            return {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": sigmoid(z3)}
    """,
        diagnosis=(
            "Похоже, веса `w2` и `w3` перепутаны: `z1` использует `w1`, `w2`, а `z2` — `w3`, `w4`"
        ),
    ),
    Mutant(
        "forward_221",
        "over-fit: the answers of the two visible examples copied",
        "hidden",
        """
        def forward_221(x, params):
            if list(np.asarray(x, dtype=float)) == [-2.0, -1.0]:
                return {"z1": -3.0, "z2": -3.0, "z3": 0.0948517464, "h1": 0.0474258732,
                        "h2": 0.0474258732, "o1": 0.5236951741}
            return {"z1": 1.1, "z2": 5.2, "z3": -0.5800393031, "h1": 0.7502601056,
                    "h2": 0.9945137011, "o1": 0.3589235501}
    """,
        diagnosis=(
            "Похоже, `forward_221` возвращает готовые ответы видимых примеров, а не считает их по "
            "`x` и `params`"
        ),
    ),
    # --- backprop_w1
    Mutant(
        "backprop_w1",
        "sign error in dL/dy_pred",
        "visible",
        """
        def backprop_w1(x, y_true, params):
            x1 = float(np.asarray(x, dtype=float)[0])
            out = forward_221(x, params)
            dL_dypred = 2.0 * (y_true - out["o1"])
            dypred_dh1 = params["w5"] * sigmoid_grad(out["z3"])
            dh1_dw1 = x1 * sigmoid_grad(out["z1"])
            return {"dL_dypred": dL_dypred, "dypred_dh1": dypred_dh1, "dh1_dw1": dh1_dw1,
                    "dL_dw1": dL_dypred * dypred_dh1 * dh1_dw1}
    """,
        diagnosis=(
            "Похоже, в `dL_dypred` потерян минус: производная `(y_true − y_pred)²` по `y_pred` "
            "равна `-2 (y_true − y_pred)`"
        ),
    ),
    Mutant(
        "backprop_w1",
        "the activation instead of its derivative",
        "visible",
        """
        def backprop_w1(x, y_true, params):
            x1 = float(np.asarray(x, dtype=float)[0])
            out = forward_221(x, params)
            dL_dypred = -2.0 * (y_true - out["o1"])
            dypred_dh1 = params["w5"] * sigmoid(out["z3"])
            dh1_dw1 = x1 * sigmoid(out["z1"])
            return {"dL_dypred": dL_dypred, "dypred_dh1": dypred_dh1, "dh1_dw1": dh1_dw1,
                    "dL_dw1": dL_dypred * dypred_dh1 * dh1_dw1}
    """,
        diagnosis=(
            "Похоже, в множителях стоит сама сигмоида `f(z)`, а не её производная `f'(z)` — "
            "`sigmoid_grad`"
        ),
    ),
    Mutant(
        "backprop_w1",
        "w5 left out of dy_pred/dh1 (it is 1 in the lesson's example)",
        "visible",
        """
        def backprop_w1(x, y_true, params):
            x1 = float(np.asarray(x, dtype=float)[0])
            out = forward_221(x, params)
            dL_dypred = -2.0 * (y_true - out["o1"])
            dypred_dh1 = sigmoid_grad(out["z3"])
            dh1_dw1 = x1 * sigmoid_grad(out["z1"])
            return {"dL_dypred": dL_dypred, "dypred_dh1": dypred_dh1, "dh1_dw1": dh1_dw1,
                    "dL_dw1": dL_dypred * dypred_dh1 * dh1_dw1}
    """,
        diagnosis="Похоже, в `dypred_dh1` нет множителя `w5`: считается только `f'(z3)`",
    ),
    Mutant(
        "backprop_w1",
        "y_true hard-coded to 1 as in the lesson's example",
        "visible",
        """
        def backprop_w1(x, y_true, params):
            x1 = float(np.asarray(x, dtype=float)[0])
            out = forward_221(x, params)
            dL_dypred = -2.0 * (1.0 - out["o1"])
            dypred_dh1 = params["w5"] * sigmoid_grad(out["z3"])
            dh1_dw1 = x1 * sigmoid_grad(out["z1"])
            return {"dL_dypred": dL_dypred, "dypred_dh1": dypred_dh1, "dh1_dw1": dh1_dw1,
                    "dL_dw1": dL_dypred * dypred_dh1 * dh1_dw1}
    """,
        diagnosis=(
            "Похоже, в `dL_dypred` вместо аргумента `y_true` подставлена единица из примера урока"
        ),
    ),
    Mutant(
        "backprop_w1",
        "over-fit: the answers of the two visible examples copied",
        "hidden",
        """
        def backprop_w1(x, y_true, params):
            if y_true == 1.0:
                return {"dL_dypred": -0.9526096518, "dypred_dh1": 0.2494385387,
                        "dh1_dw1": -0.0903533195, "dL_dw1": 0.0214695353}
            return {"dL_dypred": 0.7178471001, "dypred_dh1": -0.5752435882,
                    "dh1_dw1": 0.5621096386, "dL_dw1": -0.2321158351}
    """,
        diagnosis=(
            "Похоже, `backprop_w1` возвращает готовые ответы видимых примеров, а не считает их по "
            "`x`, `y_true` и `params`"
        ),
    ),
    # --- backprop_221
    Mutant(
        "backprop_221",
        "sign error in dL/dy_pred",
        "visible",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = np.asarray(x, dtype=float)
            out = forward_221(x, params)
            delta3 = 2.0 * (y_true - out["o1"]) * sigmoid_grad(out["z3"])
            delta1 = delta3 * params["w5"] * sigmoid_grad(out["z1"])
            delta2 = delta3 * params["w6"] * sigmoid_grad(out["z2"])
            return {
                "dL_dw1": delta1 * x1, "dL_dw2": delta1 * x2,
                "dL_dw3": delta2 * x1, "dL_dw4": delta2 * x2,
                "dL_dw5": delta3 * out["h1"], "dL_dw6": delta3 * out["h2"],
                "dL_db1": delta1, "dL_db2": delta2, "dL_db3": delta3,
            }
    """,
        diagnosis=(
            "Похоже, в `δ3` потерян минус: производная `(y_true − y_pred)²` по `y_pred` равна "
            "`-2 (y_true − y_pred)`"
        ),
    ),
    Mutant(
        "backprop_221",
        "the activation instead of its derivative in the hidden layer",
        "visible",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = np.asarray(x, dtype=float)
            out = forward_221(x, params)
            delta3 = -2.0 * (y_true - out["o1"]) * sigmoid_grad(out["z3"])
            delta1 = delta3 * params["w5"] * out["h1"]
            delta2 = delta3 * params["w6"] * out["h2"]
            return {
                "dL_dw1": delta1 * x1, "dL_dw2": delta1 * x2,
                "dL_dw3": delta2 * x1, "dL_dw4": delta2 * x2,
                "dL_dw5": delta3 * out["h1"], "dL_dw6": delta3 * out["h2"],
                "dL_db1": delta1, "dL_db2": delta2, "dL_db3": delta3,
            }
    """,
        diagnosis=(
            "Похоже, в ошибках `δ1`, `δ2` скрытого слоя стоит сама сигмоида `h`, а не её "
            "производная `f'(z)`"
        ),
    ),
    Mutant(
        "backprop_221",
        "h2's error through w5 instead of w6 (hidden by the symmetric example)",
        "visible",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = np.asarray(x, dtype=float)
            out = forward_221(x, params)
            delta3 = -2.0 * (y_true - out["o1"]) * sigmoid_grad(out["z3"])
            delta1 = delta3 * params["w5"] * sigmoid_grad(out["z1"])
            delta2 = delta3 * params["w5"] * sigmoid_grad(out["z2"])
            return {
                "dL_dw1": delta1 * x1, "dL_dw2": delta1 * x2,
                "dL_dw3": delta2 * x1, "dL_dw4": delta2 * x2,
                "dL_dw5": delta3 * out["h1"], "dL_dw6": delta3 * out["h2"],
                "dL_db1": delta1, "dL_db2": delta2, "dL_db3": delta3,
            }
    """,
        diagnosis="Похоже, ошибка `δ2` нейрона `h2` приходит через вес `w5`, а не через `w6`",
    ),
    Mutant(
        "backprop_221",
        "dL/dw6 multiplied by h1 (hidden by the symmetric example)",
        "visible",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = np.asarray(x, dtype=float)
            out = forward_221(x, params)
            delta3 = -2.0 * (y_true - out["o1"]) * sigmoid_grad(out["z3"])
            delta1 = delta3 * params["w5"] * sigmoid_grad(out["z1"])
            delta2 = delta3 * params["w6"] * sigmoid_grad(out["z2"])
            return {
                "dL_dw1": delta1 * x1, "dL_dw2": delta1 * x2,
                "dL_dw3": delta2 * x1, "dL_dw4": delta2 * x2,
                "dL_dw5": delta3 * out["h1"], "dL_dw6": delta3 * out["h1"],
                "dL_db1": delta1, "dL_db2": delta2, "dL_db3": delta3,
            }
    """,
        diagnosis="Похоже, `dL_dw6` умножено на `h1`, а вес `w6` умножает `h2`",
    ),
    Mutant(
        "backprop_221",
        "dL/dw2 multiplied by x1",
        "visible",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = np.asarray(x, dtype=float)
            out = forward_221(x, params)
            delta3 = -2.0 * (y_true - out["o1"]) * sigmoid_grad(out["z3"])
            delta1 = delta3 * params["w5"] * sigmoid_grad(out["z1"])
            delta2 = delta3 * params["w6"] * sigmoid_grad(out["z2"])
            return {
                "dL_dw1": delta1 * x1, "dL_dw2": delta1 * x1,
                "dL_dw3": delta2 * x1, "dL_dw4": delta2 * x2,
                "dL_dw5": delta3 * out["h1"], "dL_dw6": delta3 * out["h2"],
                "dL_db1": delta1, "dL_db2": delta2, "dL_db3": delta3,
            }
    """,
        diagnosis="Похоже, `dL_dw2` умножено на `x1`, а вес `w2` умножает `x2`",
    ),
    Mutant(
        "backprop_221",
        "over-fit: the answers of the two visible examples copied",
        "hidden",
        """
        def backprop_221(x, y_true, params):
            if y_true == 1.0:
                values = [0.0214695353, 0.0107347676, 0.0214695353, 0.0107347676, -0.0112692202,
                          -0.0112692202, -0.0107347676, -0.0107347676, -0.2376175595]
            else:
                values = [-0.2321158351, -0.0386859725, 0.002162943731, 0.0003604906219,
                          0.1239240454, 0.1642685785, -0.077371945, 0.0007209812439, 0.1651747767]
            names = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"]
            return {"dL_d" + k: v for k, v in zip(names, values)}
    """,
        diagnosis=(
            "Похоже, `backprop_221` возвращает готовые ответы видимых примеров, а не считает их по "
            "`x`, `y_true` и `params`"
        ),
    ),
    # --- numerical_gradient
    Mutant(
        "numerical_gradient",
        "one-sided (forward) difference",
        "visible",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            grad = np.zeros_like(x)
            fx = f(x)
            for idx in np.ndindex(x.shape):
                x_plus = x.copy()
                x_plus[idx] += eps
                grad[idx] = (f(x_plus) - fx) / eps
            return grad
    """,
        diagnosis="Похоже, разность односторонняя `(f(x + eps) − f(x)) / eps`, а не центральная",
    ),
    Mutant(
        "numerical_gradient",
        "divides by eps instead of 2 eps",
        "visible",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            grad = np.zeros_like(x)
            for idx in np.ndindex(x.shape):
                x_plus, x_minus = x.copy(), x.copy()
                x_plus[idx] += eps
                x_minus[idx] -= eps
                grad[idx] = (f(x_plus) - f(x_minus)) / eps
            return grad
    """,
        diagnosis="Похоже, центральная разность делится на `eps`, а не на `2 * eps`",
    ),
    Mutant(
        "numerical_gradient",
        "perturbs x in place (+eps, -2eps, +eps does not restore it exactly)",
        "visible",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.asarray(x, dtype=float)
            grad = np.zeros_like(x)
            for idx in np.ndindex(x.shape):
                x[idx] += eps
                f_plus = f(x)
                x[idx] -= 2 * eps
                f_minus = f(x)
                x[idx] += eps
                grad[idx] = (f_plus - f_minus) / (2 * eps)
            return grad
    """,
        diagnosis=(
            "Похоже, координата сдвигается в самом `x`, а не в копии, и `x` после вызова меняется"
        ),
    ),
    Mutant(
        "numerical_gradient",
        "loops over range(len(x)): 1-D input only",
        "visible",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            grad = np.zeros_like(x)
            for i in range(len(x)):
                x_plus, x_minus = x.copy(), x.copy()
                x_plus[i] += eps
                x_minus[i] -= eps
                grad[i] = (f(x_plus) - f(x_minus)) / (2 * eps)
            return grad
    """,
        diagnosis=(
            "Похоже, цикл `range(len(x))` обходит только одномерный `x`, а не массив любой формы "
            "или число"
        ),
    ),
    Mutant(
        "numerical_gradient",
        "the step eps ignored: always 1e-5",
        "visible",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            grad = np.zeros_like(x)
            for idx in np.ndindex(x.shape):
                x_plus, x_minus = x.copy(), x.copy()
                x_plus[idx] += 1e-5
                x_minus[idx] -= 1e-5
                grad[idx] = (f(x_plus) - f(x_minus)) / 2e-5
            return grad
    """,
        diagnosis="Похоже, шаг задан числом `1e-5`, а не взят из аргумента `eps`",
    ),
    Mutant(
        "numerical_gradient",
        "a list is not converted to an array",
        "visible",
        """
        def numerical_gradient(f, x, eps=1e-5):
            grad = np.zeros_like(x, dtype=float)
            for idx in np.ndindex(np.shape(x)):
                x_plus, x_minus = x.copy(), x.copy()
                x_plus[idx] += eps
                x_minus[idx] -= eps
                grad[idx] = (f(x_plus) - f(x_minus)) / (2 * eps)
            return grad
    """,
        diagnosis=(
            "Похоже, `x` не превращён в массив `float`: со списком или числом индексы `idx` и "
            "`.copy()` не работают"
        ),
    ),
    Mutant(
        "numerical_gradient",
        "over-fit: the analytic gradients of the visible checks' functions",
        "hidden",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.array(x, dtype=float)
            if np.isclose(f(x), np.sum(x ** 3)):
                return 3 * x ** 2 + eps ** 2
            return 2 * x
    """,
        diagnosis=(
            "Похоже, градиент не считается разностями `f`, а подставлен готовой формулой для "
            "функций видимых проверок"
        ),
    ),
    # --- relative_error
    Mutant(
        "relative_error",
        "mean instead of max",
        "visible",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
    """,
        diagnosis="Похоже, берётся среднее по элементам, а не максимум",
    ),
    Mutant(
        "relative_error",
        "absolute error, no denominator",
        "visible",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.max(np.abs(a - b)))
    """,
        diagnosis="Похоже, это абсолютная ошибка `max |a − b|` без деления на `|a| + |b|`",
    ),
    Mutant(
        "relative_error",
        "no 1e-8 floor: 0/0 for two zero gradients",
        "visible",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
    """,
        diagnosis=(
            "Похоже, в знаменателе нет нижней границы `1e-8`, и для двух нулей получается `0 / 0`"
        ),
    ),
    Mutant(
        "relative_error",
        "|a + b| instead of |a| + |b|",
        "visible",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b))))
    """,
        diagnosis="Похоже, в знаменателе `|a + b|`, а не сумма модулей `|a| + |b|`",
    ),
    Mutant(
        "relative_error",
        "max(|a|, |b|) in the denominator (CS231n's variant)",
        "visible",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b)))))
    """,
        diagnosis=(
            "Похоже, в знаменателе максимум модулей `max(|a|, |b|)`, а не их сумма `|a| + |b|`"
        ),
    ),
    Mutant(
        "relative_error",
        "returns a 1-element array, not a float",
        "visible",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
            return np.max(err, keepdims=True).reshape(1)
    """,
        diagnosis="Похоже, возвращается массив из одного элемента, а не число Python `float`",
    ),
    Mutant(
        "relative_error",
        "over-fit: only the first four elements (the visible inputs' largest size)",
        "hidden",
        """
        def relative_error(a, b):
            a = np.ravel(np.asarray(a, dtype=float))[:4]
            b = np.ravel(np.asarray(b, dtype=float))[:4]
            return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
    """,
        diagnosis=(
            "Похоже, максимум берётся не по всем элементам `a` и `b`, а только по части, "
            "подогнанной под видимые проверки"
        ),
    ),
    # --- init_params
    Mutant(
        "init_params",
        "W2 drawn before W1",
        "visible",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_hidden)
            W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in)
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
    """,
        diagnosis=(
            "Похоже, `W2` берётся из генератора раньше `W1`, а порядок вызовов — сначала `W1`, "
            "потом `W2`"
        ),
    ),
    Mutant(
        "init_params",
        "the seed's layout: W1 of shape (n_hidden, n_in), column biases",
        "visible",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W1 = rng.standard_normal((n_hidden, n_in)) * np.sqrt(2 / n_in)
            W2 = rng.standard_normal((n_out, n_hidden)) * np.sqrt(2 / n_hidden)
            return {"W1": W1, "b1": np.zeros((n_hidden, 1)), "W2": W2, "b2": np.zeros((n_out, 1))}
    """,
        diagnosis=(
            "Похоже, веса хранятся транспонированными (`W1` формы `(n_hidden, n_in)`), а смещения "
            "— столбцами"
        ),
    ),
    Mutant(
        "init_params",
        "W1 scaled by sqrt(2 / n_hidden)",
        "visible",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_hidden)
            W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_hidden)
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
    """,
        diagnosis=(
            "Похоже, `W1` масштабируется на `√(2 / n_hidden)`, а не на `√(2 / n_in)` — по числу "
            "входов слоя"
        ),
    ),
    Mutant(
        "init_params",
        "both layers scaled by sqrt(2 / n_in)",
        "visible",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in)
            W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_in)
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
    """,
        diagnosis=(
            "Похоже, `W2` масштабируется на `√(2 / n_in)`, а не на `√(2 / n_hidden)` — по числу "
            "входов своего слоя"
        ),
    ),
    Mutant(
        "init_params",
        "over-fit: the visible seed 0 used for every seed",
        "hidden",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(0)
            W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in)
            W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_hidden)
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
    """,
        diagnosis=(
            "Похоже, генератор создан с зерном из видимой проверки, а не с переданным `seed`"
        ),
    ),
    # --- forward
    Mutant(
        "forward",
        "sigmoid in the hidden layer instead of ReLU",
        "visible",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = sigmoid(Z1)
            Z2 = A1 @ params["W2"] + params["b2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis="Похоже, в скрытом слое сигмоида, а не ReLU",
    ),
    Mutant(
        "forward",
        "returns the seed's layout (n_out, m)",
        "visible",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = relu(Z1)
            Z2 = A1 @ params["W2"] + params["b2"]
            A2 = sigmoid(Z2)
            return A2.T, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis=(
            "Похоже, `A2` возвращается транспонированным, формы `(n_out, m)`, а не `(m, n_out)`"
        ),
    ),
    Mutant(
        "forward",
        "biases ignored (they are zero after init_params)",
        "visible",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"]
            A1 = relu(Z1)
            Z2 = A1 @ params["W2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis="Похоже, смещения `b1`, `b2` не прибавлены к предактивациям `Z1`, `Z2`",
    ),
    Mutant(
        "forward",
        "naive sigmoid 1 / (1 + exp(-z)): overflow warnings for large logits, same values",
        "visible",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = relu(Z1)
            Z2 = A1 @ params["W2"] + params["b2"]
            A2 = 1.0 / (1.0 + np.exp(-Z2))
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis=(
            "Похоже, на выходе своя формула `1 / (1 + np.exp(-Z2))`, которая переполняется при "
            "больших `|Z2|`, а не готовая `sigmoid`"
        ),
    ),
    Mutant(
        "forward",
        "ReLU in place: cache['Z1'] is overwritten by A1",
        "visible",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = Z1
            A1[A1 < 0] = 0.0
            Z2 = A1 @ params["W2"] + params["b2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis="Похоже, ReLU применена на месте, и `cache['Z1']` затёрт значениями `A1`",
    ),
    Mutant(
        "forward",
        "X kept in the cache too (the statement asks for exactly four keys)",
        "visible",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = relu(Z1)
            Z2 = A1 @ params["W2"] + params["b2"]
            A2 = sigmoid(Z2)
            return A2, {"X": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis="Похоже, в `cache` лишний ключ `X`: нужны ровно `Z1`, `A1`, `Z2`, `A2`",
    ),
    Mutant(
        "forward",
        "over-fit: special-cased to one output (n_out = 1 in every visible check)",
        "hidden",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = relu(Z1)
            Z2 = (A1 @ params["W2"][:, 0] + params["b2"][0]).reshape(-1, 1)
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
        diagnosis=(
            "Похоже, выходной слой посчитан только для числа выходов из видимых проверок, а не для "
            "любого `n_out`"
        ),
    ),
    # --- backward
    Mutant(
        "backward",
        "the 1/N factor forgotten",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            dZ2 = A2 - Y
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, `dZ2 = A2 − Y` не поделён на `N = A2.size`: потеря — среднее, а не сумма"
        ),
    ),
    Mutant(
        "backward",
        "transposed weight gradients (the seed's layout)",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            dZ2 = (A2 - Y) / A2.size
            dW2 = dZ2.T @ cache["A1"]
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, градиенты `W1`, `W2` транспонированы и не совпадают по форме со своими "
            "параметрами"
        ),
    ),
    Mutant(
        "backward",
        "db summed over the wrong axis",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            dZ2 = (A2 - Y) / A2.size
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=1), "W2": dW2, "b2": dZ2.sum(axis=1)}
    """,
        diagnosis="Похоже, градиенты смещений суммируются по `axis=1`, а не по примерам `axis=0`",
    ),
    Mutant(
        "backward",
        "the activation instead of its derivative (ReLU(Z1) for ReLU'(Z1))",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            dZ2 = (A2 - Y) / A2.size
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, в `dZ1` умножается на саму ReLU `relu(Z1)`, а не на её производную "
            "`relu_grad(Z1)`"
        ),
    ),
    Mutant(
        "backward",
        "divides by m instead of N = m * n_out",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            dZ2 = (A2 - Y) / X.shape[0]
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, `dZ2` делится на число примеров `m`, а не на число элементов "
            "`A2.size = m · n_out`"
        ),
    ),
    Mutant(
        "backward",
        "1-D targets (m,) not reshaped: (m, 1) - (m,) broadcasts to (m, m)",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            dZ2 = (A2 - np.asarray(Y, dtype=float)) / A2.size
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, `Y` формы `(m,)` не приведён к форме `A2`, и `A2 − Y` получается формы "
            "`(m, m)`"
        ),
    ),
    Mutant(
        "backward",
        "dZ2 computed in place in cache['A2']",
        "visible",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            dZ2 = cache["A2"]
            dZ2 -= np.asarray(Y, dtype=float).reshape(dZ2.shape)
            dZ2 /= dZ2.size
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, `dZ2` вычисляется на месте в `cache['A2']` (`-=`, `/=`), и массив кэша "
            "портится"
        ),
    ),
    Mutant(
        "backward",
        "over-fit: the batch size 4 of the visible checks hard-coded",
        "hidden",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            dZ2 = (A2 - Y) / (4 * A2.shape[1])
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
        diagnosis=(
            "Похоже, `N` задано через размер пакета из видимых проверок, а не взято из `A2.size`"
        ),
    ),
    # --- gradient_descent
    Mutant(
        "gradient_descent",
        "step along the gradient (sign error)",
        "visible",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = []
            for _ in range(n_epochs):
                A2, cache = forward(X, params)
                losses.append(binary_cross_entropy(Y, A2))
                grads = backward(X, Y, cache, params)
                for key in params:
                    params[key] += lr * grads[key]
            return losses
    """,
        diagnosis="Похоже, шаг сделан по градиенту (`+=`), а не против него (`-=`)",
    ),
    Mutant(
        "gradient_descent",
        "new arrays instead of an in-place update",
        "visible",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = []
            for _ in range(n_epochs):
                A2, cache = forward(X, params)
                losses.append(binary_cross_entropy(Y, A2))
                grads = backward(X, Y, cache, params)
                for key in params:
                    params[key] = params[key] - lr * grads[key]
            return losses
    """,
        diagnosis=(
            "Похоже, параметры заменяются новыми массивами (`params[key] = …`), а не обновляются "
            "на месте"
        ),
    ),
    Mutant(
        "gradient_descent",
        "biases never updated",
        "visible",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = []
            for _ in range(n_epochs):
                A2, cache = forward(X, params)
                losses.append(binary_cross_entropy(Y, A2))
                grads = backward(X, Y, cache, params)
                for key in ("W1", "W2"):
                    params[key] -= lr * grads[key]
            return losses
    """,
        diagnosis=(
            "Похоже, шаг делается только для `W1`, `W2`, а смещения `b1`, `b2` не обновляются"
        ),
    ),
    Mutant(
        "gradient_descent",
        "loss recorded after the step",
        "visible",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = []
            for _ in range(n_epochs):
                A2, cache = forward(X, params)
                grads = backward(X, Y, cache, params)
                for key in params:
                    params[key] -= lr * grads[key]
                losses.append(binary_cross_entropy(Y, forward(X, params)[0]))
            return losses
    """,
        diagnosis="Похоже, потеря записывается после шага, а не до него",
    ),
    Mutant(
        "gradient_descent",
        "an ndarray of losses instead of a list (review M1)",
        "visible",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = np.zeros(n_epochs)
            for epoch in range(n_epochs):
                A2, cache = forward(X, params)
                losses[epoch] = binary_cross_entropy(Y, A2)
                grads = backward(X, Y, cache, params)
                for key in params:
                    params[key] -= lr * grads[key]
            return losses
    """,
        diagnosis="Похоже, потери возвращаются массивом NumPy, а не списком Python",
    ),
    Mutant(
        "gradient_descent",
        "over-fit: three epochs hard-coded (the visible n_epochs)",
        "hidden",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = []
            for _ in range(3):
                A2, cache = forward(X, params)
                losses.append(binary_cross_entropy(Y, A2))
                grads = backward(X, Y, cache, params)
                for key in params:
                    params[key] -= lr * grads[key]
            return losses
    """,
        diagnosis=(
            "Похоже, число эпох задано числом из видимой проверки, а не аргументом `n_epochs`"
        ),
    ),
]
