"""Wrong answers to 04-backprop."""

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
    ),
    Mutant(
        "forward_221",
        "bias b3 of the output neuron forgotten",
        "hidden",
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
    ),
    Mutant(
        "forward_221",
        "h2 computed with h1's weights (true only in the symmetric example)",
        "hidden",
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
    ),
    Mutant(
        "backprop_w1",
        "w5 left out of dy_pred/dh1 (it is 1 in the example)",
        "hidden",
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
    ),
    Mutant(
        "backprop_w1",
        "y_true hard-coded to 1 as in the example",
        "hidden",
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
    ),
    Mutant(
        "backprop_221",
        "h2's error through w5 instead of w6",
        "hidden",
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
    ),
    Mutant(
        "backprop_221",
        "dL/dw6 multiplied by h1",
        "hidden",
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
    ),
    Mutant(
        "numerical_gradient",
        "loops over range(len(x)): 1-D input only",
        "hidden",
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
    ),
    Mutant(
        "relative_error",
        "no 1e-8 floor: 0/0 for two zero gradients",
        "hidden",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
    """,
    ),
    Mutant(
        "relative_error",
        "|a + b| instead of |a| + |b|",
        "hidden",
        """
        def relative_error(a, b):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b))))
    """,
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
    ),
    Mutant(
        "init_params",
        "W1 scaled by sqrt(2 / n_hidden) (equal to n_in in the visible test)",
        "hidden",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_hidden)
            W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_hidden)
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
    """,
    ),
    Mutant(
        "init_params",
        "both layers scaled by sqrt(2 / n_in)",
        "hidden",
        """
        def init_params(n_in, n_hidden, n_out, seed):
            rng = np.random.default_rng(seed)
            W1 = rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in)
            W2 = rng.standard_normal((n_hidden, n_out)) * np.sqrt(2 / n_in)
            return {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
    """,
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
    ),
    Mutant(
        "forward",
        "biases ignored (they are zero after init_params)",
        "hidden",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"]
            A1 = relu(Z1)
            Z2 = A1 @ params["W2"]
            A2 = sigmoid(Z2)
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
    ),
    Mutant(
        "forward",
        "naive sigmoid 1 / (1 + exp(-z)): overflow warnings for large logits",
        "hidden",
        """
        def forward(X, params):
            X = np.asarray(X, dtype=float)
            Z1 = X @ params["W1"] + params["b1"]
            A1 = relu(Z1)
            Z2 = A1 @ params["W2"] + params["b2"]
            A2 = 1.0 / (1.0 + np.exp(-Z2))
            return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    """,
    ),
    # --- backward
    Mutant(
        "backward",
        "the 1/m factor forgotten",
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
    ),
    Mutant(
        "backward",
        "divides by m instead of m * n_out (same for one output)",
        "hidden",
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
    ),
    Mutant(
        "backward",
        "1-D targets (m,) not reshaped: (m, 1) - (m,) broadcasts to (m, m)",
        "hidden",
        """
        def backward(X, Y, cache, params):
            X = np.asarray(X, dtype=float)
            A2 = cache["A2"]
            dZ2 = (A2 - np.asarray(Y, dtype=float)) / A2.size
            dW2 = cache["A1"].T @ dZ2
            dZ1 = (dZ2 @ params["W2"].T) * relu_grad(cache["Z1"])
            return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}
    """,
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
    ),
    Mutant(
        "gradient_descent",
        "biases never updated",
        "hidden",
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
    ),
]
