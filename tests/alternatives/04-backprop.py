"""Correct answers to 04-backprop that differ from the solution; each must earn full marks."""

from tests.alternatives import Alternative

ALTERNATIVES = [
    # --- forward_221
    Alternative(
        "forward_221",
        "plain Python floats and math.exp, an own stable sigmoid",
        """
        import math


        def _sigma(z):
            if z >= 0:
                return 1.0 / (1.0 + math.exp(-z))
            e = math.exp(z)
            return e / (1.0 + e)


        def forward_221(x, params):
            x1, x2 = float(x[0]), float(x[1])
            z1 = params["w1"] * x1 + params["w2"] * x2 + params["b1"]
            z2 = params["w3"] * x1 + params["w4"] * x2 + params["b2"]
            h1, h2 = _sigma(z1), _sigma(z2)
            z3 = params["w5"] * h1 + params["w6"] * h2 + params["b3"]
            return {"z1": z1, "z2": z2, "z3": z3, "h1": h1, "h2": h2, "o1": _sigma(z3)}
        """,
    ),
    Alternative(
        "forward_221",
        "a weight matrix for the hidden layer and the tanh form of the sigmoid",
        """
        def forward_221(x, params):
            p = params
            W = np.array([[p["w1"], p["w2"]], [p["w3"], p["w4"]]])
            b = np.array([p["b1"], p["b2"]])
            z = W @ np.asarray(x, dtype=float) + b
            h = 0.5 * (1.0 + np.tanh(z / 2.0))
            z3 = np.dot([p["w5"], p["w6"]], h) + p["b3"]
            result = {"z1": z[0], "z2": z[1], "z3": z3, "h1": h[0], "h2": h[1]}
            result["o1"] = 0.5 * (1.0 + np.tanh(z3 / 2.0))
            return result
        """,
    ),
    Alternative(
        "forward_221",
        "neurons in a loop, the dictionary built step by step",
        """
        def forward_221(x, params):
            xs = np.array(x, dtype=float)
            out = {}
            for i, (wa, wb, b) in enumerate((("w1", "w2", "b1"), ("w3", "w4", "b2")), start=1):
                out[f"z{i}"] = params[wa] * xs[0] + params[wb] * xs[1] + params[b]
                out[f"h{i}"] = sigmoid(out[f"z{i}"])
            out["z3"] = params["w5"] * out["h1"] + params["w6"] * out["h2"] + params["b3"]
            out["o1"] = sigmoid(out["z3"])
            return out
        """,
    ),
    # --- backprop_w1
    Alternative(
        "backprop_w1",
        "derivatives from the activations: f'(z) = h (1 - h)",
        """
        def backprop_w1(x, y_true, params):
            out = forward_221(x, params)
            y_pred, h1 = out["o1"], out["h1"]
            dL_dypred = 2.0 * (y_pred - y_true)
            dypred_dh1 = params["w5"] * y_pred * (1.0 - y_pred)
            dh1_dw1 = np.asarray(x, dtype=float)[0] * h1 * (1.0 - h1)
            return {
                "dL_dypred": dL_dypred,
                "dypred_dh1": dypred_dh1,
                "dh1_dw1": dh1_dw1,
                "dL_dw1": dL_dypred * dypred_dh1 * dh1_dw1,
            }
        """,
    ),
    Alternative(
        "backprop_w1",
        "everything inline in Python floats, without forward_221",
        """
        import math


        def backprop_w1(x, y_true, params):
            p = params
            x1, x2 = float(x[0]), float(x[1])
            z1 = p["w1"] * x1 + p["w2"] * x2 + p["b1"]
            z2 = p["w3"] * x1 + p["w4"] * x2 + p["b2"]
            h1, h2 = 1 / (1 + math.exp(-z1)), 1 / (1 + math.exp(-z2))
            z3 = p["w5"] * h1 + p["w6"] * h2 + p["b3"]
            y_pred = 1 / (1 + math.exp(-z3))
            result = {"dL_dypred": -2 * (y_true - y_pred)}
            result["dypred_dh1"] = p["w5"] * y_pred * (1 - y_pred)
            result["dh1_dw1"] = x1 * h1 * (1 - h1)
            result["dL_dw1"] = result["dL_dypred"] * result["dypred_dh1"] * result["dh1_dw1"]
            return result
        """,
    ),
    Alternative(
        "backprop_w1",
        "the provided sigmoid_grad, float results, another order of the factors",
        """
        def backprop_w1(x, y_true, params):
            x = np.asarray(x, dtype=float)
            out = forward_221(x, params)
            dh1_dw1 = float(sigmoid_grad(out["z1"]) * x[0])
            dypred_dh1 = float(sigmoid_grad(out["z3"]) * params["w5"])
            dL_dypred = float(-2 * (y_true - out["o1"]))
            return {
                "dL_dw1": dh1_dw1 * dypred_dh1 * dL_dypred,
                "dh1_dw1": dh1_dw1,
                "dypred_dh1": dypred_dh1,
                "dL_dypred": dL_dypred,
            }
        """,
    ),
    # --- backprop_221
    Alternative(
        "backprop_221",
        "vectorised: the hidden layer's errors as an array, np.outer for the weights",
        """
        def backprop_221(x, y_true, params):
            p = params
            xs = np.asarray(x, dtype=float)
            out = forward_221(xs, p)
            h = np.array([out["h1"], out["h2"]], dtype=float)
            delta3 = 2.0 * (out["o1"] - y_true) * out["o1"] * (1.0 - out["o1"])
            delta_h = delta3 * np.array([p["w5"], p["w6"]]) * h * (1.0 - h)
            dW = np.outer(delta_h, xs)          # rows: h1, h2; columns: x1, x2
            return {
                "dL_dw1": dW[0, 0], "dL_dw2": dW[0, 1], "dL_dw3": dW[1, 0], "dL_dw4": dW[1, 1],
                "dL_dw5": delta3 * h[0], "dL_dw6": delta3 * h[1],
                "dL_db1": delta_h[0], "dL_db2": delta_h[1], "dL_db3": delta3,
            }
        """,
    ),
    Alternative(
        "backprop_221",
        "each gradient written as the full chain of factors",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = float(x[0]), float(x[1])
            out = forward_221(x, params)
            dL_dy = -2 * (y_true - out["o1"])
            dy_dz3 = sigmoid_grad(out["z3"])
            dy_dh1 = params["w5"] * dy_dz3
            dy_dh2 = params["w6"] * dy_dz3
            fz1, fz2 = sigmoid_grad(out["z1"]), sigmoid_grad(out["z2"])
            return {
                "dL_dw1": dL_dy * dy_dh1 * x1 * fz1,
                "dL_dw2": dL_dy * dy_dh1 * x2 * fz1,
                "dL_dw3": dL_dy * dy_dh2 * x1 * fz2,
                "dL_dw4": dL_dy * dy_dh2 * x2 * fz2,
                "dL_dw5": dL_dy * dy_dz3 * out["h1"],
                "dL_dw6": dL_dy * dy_dz3 * out["h2"],
                "dL_db1": dL_dy * dy_dh1 * fz1,
                "dL_db2": dL_dy * dy_dh2 * fz2,
                "dL_db3": dL_dy * dy_dz3,
            }
        """,
    ),
    Alternative(
        "backprop_221",
        "a table of (error, input) pairs and a dict comprehension",
        """
        def backprop_221(x, y_true, params):
            x1, x2 = np.array(x, dtype=float)
            o = forward_221(x, params)
            d3 = -2.0 * (y_true - o["o1"]) * o["o1"] * (1 - o["o1"])
            d1 = d3 * params["w5"] * o["h1"] * (1 - o["h1"])
            d2 = d3 * params["w6"] * o["h2"] * (1 - o["h2"])
            table = {"w1": (d1, x1), "w2": (d1, x2), "w3": (d2, x1), "w4": (d2, x2),
                     "w5": (d3, o["h1"]), "w6": (d3, o["h2"]),
                     "b1": (d1, 1.0), "b2": (d2, 1.0), "b3": (d3, 1.0)}
            return {"dL_d" + name: float(d * v) for name, (d, v) in table.items()}
        """,
    ),
    # --- numerical_gradient
    Alternative(
        "numerical_gradient",
        "over the flattened array, the step added as a basis vector",
        """
        def numerical_gradient(f, x, eps=1e-5):
            x = np.asarray(x, dtype=float)
            flat = x.reshape(-1).copy()
            grad = np.empty(flat.size)
            for i in range(flat.size):
                step = np.zeros(flat.size)
                step[i] = eps
                f_plus = f((flat + step).reshape(x.shape))
                f_minus = f((flat - step).reshape(x.shape))
                grad[i] = (f_plus - f_minus) / (2 * eps)
            return grad.reshape(x.shape)
        """,
    ),
    Alternative(
        "numerical_gradient",
        "one working copy, each coordinate restored from its saved value",
        """
        def numerical_gradient(f, x, eps=1e-5):
            work = np.array(x, dtype=float)
            grad = np.zeros(work.shape)
            for idx, old in np.ndenumerate(work.copy()):
                work[idx] = old + eps
                f_plus = f(work.copy())
                work[idx] = old - eps
                f_minus = f(work.copy())
                work[idx] = old
                grad[idx] = (f_plus - f_minus) / (2.0 * eps)
            return grad
        """,
    ),
    Alternative(
        "numerical_gradient",
        "np.nditer with multi_index, np.copy of the input",
        """
        def numerical_gradient(f, x, eps=1e-5):
            base = np.copy(np.asarray(x, dtype=np.float64))
            grad = np.zeros_like(base)
            it = np.nditer(base, flags=["multi_index"])
            while not it.finished:
                i = it.multi_index
                up, down = base.copy(), base.copy()
                up[i] = up[i] + eps
                down[i] = down[i] - eps
                grad[i] = (f(up) - f(down)) / (eps + eps)
                it.iternext()
            return grad
        """,
    ),
    # --- relative_error
    Alternative(
        "relative_error",
        "a Python loop over the elements",
        """
        def relative_error(a, b):
            pairs = zip(np.ravel(a).tolist(), np.ravel(b).tolist())
            return max(abs(p - q) / max(1e-8, abs(p) + abs(q)) for p, q in pairs)
        """,
    ),
    Alternative(
        "relative_error",
        "np.clip for the floor, .max().item()",
        """
        def relative_error(a, b):
            a = np.array(a, dtype=float)
            b = np.array(b, dtype=float)
            denominator = np.clip(np.abs(a) + np.abs(b), 1e-8, None)
            return (np.abs(a - b) / denominator).max().item()
        """,
    ),
    Alternative(
        "relative_error",
        "np.fmax and np.amax, float() of a numpy scalar",
        """
        def relative_error(a, b):
            diff = np.abs(np.subtract(a, b, dtype=float))
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            scale = np.fmax(np.abs(a) + np.abs(b), 1e-8)
            return float(np.amax(diff / scale))
        """,
    ),
    # --- init_params
    Alternative(
        "init_params",
        "rng.normal with the He scale",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W1 = rng.normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_hidden))
            W2 = rng.normal(0.0, np.sqrt(2 / n_hidden), size=(n_hidden, n_out))
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
        """,
    ),
    Alternative(
        "init_params",
        "layers in a loop, keys in another order, math.sqrt",
        """
        import math


        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            sizes = [n_in, n_hidden, n_out]
            weights, biases = {}, {}
            for layer in (1, 2):
                fan_in, fan_out = sizes[layer - 1], sizes[layer]
                scale = math.sqrt(2.0 / fan_in)
                weights[f"W{layer}"] = scale * rng.standard_normal((fan_in, fan_out))
                biases[f"b{layer}"] = np.zeros((fan_out,), dtype=np.float64)
            return {**weights, **biases}
        """,
    ),
    Alternative(
        "init_params",
        "dict(...) and (2 / n) ** 0.5",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            gen = np.random.default_rng(seed)
            first = gen.standard_normal(size=(n_in, n_hidden)) * (2 / n_in) ** 0.5
            second = gen.standard_normal(size=(n_hidden, n_out)) * (2 / n_hidden) ** 0.5
            return dict(W1=first, W2=second, b1=np.zeros(n_hidden), b2=np.zeros(n_out))
        """,
    ),
    # --- forward
    Alternative(
        "forward",
        "np.dot, an own ReLU and the tanh form of the sigmoid",
        """
        def forward(X, params):
            Z1 = np.dot(X, params["W1"]) + params["b1"]
            A1 = np.maximum(Z1, 0.0)
            Z2 = np.dot(A1, params["W2"]) + params["b2"]
            A2 = 0.5 * (1.0 + np.tanh(0.5 * Z2))
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
        """,
    ),
    Alternative(
        "forward",
        "np.matmul, ReLU by np.where, a stable sigmoid with np.exp(-|z|)",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=np.float64)
            Z1 = np.matmul(X, params["W1"]) + params["b1"][np.newaxis, :]
            A1 = np.where(Z1 > 0, Z1, 0.0)
            Z2 = np.matmul(A1, params["W2"]) + params["b2"]
            e = np.exp(-np.abs(Z2))
            A2 = np.where(Z2 >= 0, 1 / (1 + e), e / (1 + e))
            cache = dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2)
            return A2, cache
        """,
    ),
    Alternative(
        "forward",
        "the layers in a loop, a sigmoid with the logits clipped to ±500",
        """
        def _clipped_sigmoid(z):
            return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))


        def forward(X, params):
            cache = {}
            A = np.array(X, dtype=float)
            for layer, activation in ((1, relu), (2, _clipped_sigmoid)):
                Z = A.dot(params[f"W{layer}"]) + params[f"b{layer}"]
                A = activation(Z)
                cache[f"Z{layer}"], cache[f"A{layer}"] = Z, A
            return A, cache
        """,
    ),
    # --- backward
    Alternative(
        "backward",
        "the seed's style: 1/N in each gradient, np.sum and np.dot",
        """
        def backward(X, Y, cache, params):
            A1, A2 = cache["A1"], cache["A2"]
            N = A2.size
            dZ2 = A2 - np.reshape(Y, A2.shape)
            dW2 = np.dot(A1.T, dZ2) / N
            db2 = np.sum(dZ2, axis=0) / N
            dZ1 = np.dot(dZ2, params["W2"].T) * (cache["Z1"] > 0)
            dW1 = np.dot(np.asarray(X).T, dZ1) / N
            db1 = np.sum(dZ1, axis=0) / N
            return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
        """,
    ),
    Alternative(
        "backward",
        "np.einsum, A2 recomputed from Z2, 2-D targets made with [:, None]",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            Y = np.asarray(Y, dtype=float)
            if Y.ndim == 1:
                Y = Y[:, None]
            A2 = sigmoid(cache["Z2"])
            dZ2 = (A2 - Y) / (A2.shape[0] * A2.shape[1])
            dZ1 = np.einsum("mk,hk->mh", dZ2, params["W2"]) * relu_grad(cache["Z1"])
            return {
                "W1": np.einsum("mi,mh->ih", X, dZ1),
                "b1": np.einsum("mh->h", dZ1),
                "W2": np.einsum("mh,mk->hk", cache["A1"], dZ2),
                "b2": np.einsum("mk->k", dZ2),
            }
        """,
    ),
    Alternative(
        "backward",
        "a loop over the samples, outer products accumulated",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            Y = np.asarray(Y, dtype=float).reshape(A2.shape)
            grads = {key: np.zeros_like(value, dtype=float) for key, value in params.items()}
            for i in range(X.shape[0]):
                dz2 = (A2[i] - Y[i]) / A2.size
                dz1 = (params["W2"] @ dz2) * (cache["Z1"][i] > 0)
                grads["W2"] += np.outer(cache["A1"][i], dz2)
                grads["b2"] += dz2
                grads["W1"] += np.outer(X[i], dz1)
                grads["b1"] += dz1
            return grads
        """,
    ),
    # --- gradient_descent
    Alternative(
        "gradient_descent",
        "np.subtract(..., out=...), float losses",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            history = []
            for epoch in range(n_epochs):
                A2, cache = forward(X, params)
                history.append(float(binary_cross_entropy(Y, A2)))
                grads = backward(X, Y, cache, params)
                for key, value in params.items():
                    np.subtract(value, lr * grads[key], out=value)
            return history
        """,
    ),
    Alternative(
        "gradient_descent",
        "slice assignment params[key][...] = ..., a preallocated list",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            losses = [0.0] * n_epochs
            for epoch in range(n_epochs):
                A2, cache = forward(X, params)
                losses[epoch] = binary_cross_entropy(Y, A2)
                grads = backward(X, Y, cache, params)
                for key in ("W1", "b1", "W2", "b2"):
                    params[key][...] = params[key] - lr * grads[key]
            return losses
        """,
    ),
    Alternative(
        "gradient_descent",
        "a while loop over the gradients' items, losses as a list of a NumPy array's values",
        """
        def gradient_descent(X, Y, params, lr, n_epochs):
            values = np.empty(n_epochs)
            epoch = 0
            while epoch < n_epochs:
                prediction, cache = forward(X, params)
                values[epoch] = binary_cross_entropy(Y, prediction)
                for key, grad in backward(X, Y, cache, params).items():
                    params[key] -= lr * grad
                epoch += 1
            return values.tolist()
        """,
    ),
]

EXTRA_CELLS = [
    (
        "forward_221-visible",
        "code",
        "# Мой пример: другой вход\n"
        "моё = forward_221([1.0, 2.0], params_example)\n"
        "print({k: round(float(v), 3) for k, v in моё.items()})\n",
    ),
    (
        "numerical_gradient-visible",
        "code",
        "# Проверю на своей функции: производная sin — cos\n"
        "мой_x = np.linspace(0, 1, 5)\n"
        "моя_производная = numerical_gradient(lambda v: np.sum(np.sin(v)), мой_x)\n"
        "print(np.abs(моя_производная - np.cos(мой_x)).max() < 1e-8)\n",
    ),
    (
        "gradient_descent-visible",
        "code",
        "# Моя кривая потерь с другой скоростью обучения\n"
        "мои_параметры = init_params(2, 8, 1, seed=5)\n"
        "мои_потери = gradient_descent(X_xor, Y_xor, мои_параметры, lr=0.2, n_epochs=50)\n"
        "plt.plot(range(1, 51), мои_потери)\n"
        "plt.xlabel('эпоха')\n"
        "plt.show()\n",
    ),
    ("gradient_descent-visible", "markdown", "Заметка: с lr = 0.2 потеря падает медленнее."),
]
