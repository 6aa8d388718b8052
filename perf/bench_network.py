"""Whole-network benchmarks: the gradient by backprop vs finite differences, and one SGD epoch.

* ``network.gradient``: for networks of growing parameter count P, on a mini-batch of 10
  examples, ``MLP.gradient`` (one forward and one backward pass) against
  ``MLP.numerical_gradient(method="forward")`` (Nielsen's eq. (46): P + 1 loss evaluations) and
  against one ``MLP.loss`` (a forward pass). Finite differences are timed in full up to about
  P = 80,000; above that on a random subset of parameters and scaled by P / subset (labelled
  extrapolated in the record).
* ``network.sgd_epoch``: one epoch of mini-batch SGD (batch 10, learning rate 3, quadratic cost,
  sigmoid, float64) of a [784, 30, 10] network on random MNIST-shaped data: ``MLP.fit`` against
  a per-example loop in the style of Nielsen's network.py (written below, column vectors) and
  against PyTorch doing the same SGD with ``torch.optim.SGD`` when it is installed.
"""

from __future__ import annotations

import numpy as np
from _harness import Case, Config, loglog_fit, round_robin

BATCH = 10
FULL_FD_LIMIT = 80_000  # finite differences timed in full up to this many parameters
FD_SUBSET = 8192


def _gradient_case(sizes: list[int], quick: bool) -> Case:
    n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    subset = None if n_params <= FULL_FD_LIMIT else FD_SUBSET

    def run(config: Config) -> dict:
        import fastgrad

        rng = np.random.default_rng(n_params)
        net = fastgrad.MLP(sizes, seed=1)
        x = rng.random((BATCH, sizes[0]))
        y = rng.integers(0, sizes[-1], BATCH)
        kwargs = {"method": "forward", "progress": False}
        if subset is not None:
            kwargs.update(subset=subset, seed=0)
        functions = {
            "backprop": lambda: net.gradient(x, y),
            "finite_differences": lambda: net.numerical_gradient(x, y, **kwargs),
            "forward_pass": lambda: net.loss(x, y),
        }
        result = round_robin(functions, config, subject="backprop", max_repeats=3)
        if subset is not None:  # scale the subset's time to all P parameters
            scale = n_params / subset
            for key in ("min", "median", "q25", "q75"):
                result["times"]["finite_differences"][key] *= scale
            ratio = result["ratios"]["finite_differences"]
            for key in ("median", "q25", "q75", "min_ratio"):
                ratio[key] *= scale
            result["times"]["finite_differences"]["label"] = (
                f"extrapolated: timed on {subset} random parameters, scaled by P / {subset}"
            )
        # the maximum difference between the two gradients, on up to 2048 parameters
        check = {"method": "forward", "progress": False, "subset": min(n_params, 2048), "seed": 1}
        exact = np.concatenate([g.ravel() for pair in net.gradient(x, y) for g in pair])
        numeric = np.concatenate(
            [g.ravel() for pair in net.numerical_gradient(x, y, **check) for g in pair]
        )
        evaluated = np.isfinite(numeric)
        result["max_abs_difference"] = float(np.max(np.abs(exact - numeric)[evaluated]))
        return result

    params = {"sizes": list(sizes), "P": n_params, "batch": BATCH, "fd_method": "forward"}
    params["fd_subset"] = subset
    name = "x".join(str(s) for s in sizes)
    return Case(f"network.gradient/P={n_params}/{name}", "network.gradient", params, run)


# ---------------------------------------------------------------------------------------------
# one SGD epoch
# ---------------------------------------------------------------------------------------------


class NielsenNetwork:
    """A per-example SGD loop in the style of Nielsen's network.py (column vectors, sigmoid,
    quadratic cost); the reference the seed's book trains with."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        # fastgrad is batch-major (x @ W); network.py has w = W.T acting on column vectors
        self.weights = [w.T.copy() for w in weights]
        self.biases = [b.reshape(-1, 1).copy() for b in biases]

    def sgd_epoch(self, x: np.ndarray, targets: np.ndarray, batch_size: int, eta: float, rng):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            self.update_mini_batch(x[batch], targets[batch], eta)

    def update_mini_batch(self, xs, ys, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in zip(xs, ys, strict=True):
            delta_nabla_b, delta_nabla_w = self.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b, strict=True)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w, strict=True)]
        self.weights = [
            w - (eta / len(xs)) * nw for w, nw in zip(self.weights, nabla_w, strict=True)
        ]
        self.biases = [b - (eta / len(xs)) * nb for b, nb in zip(self.biases, nabla_b, strict=True)]

    def backprop(self, x, y):
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights, strict=True):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - y) * _sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for layer in range(2, len(self.weights) + 1):
            delta = np.dot(self.weights[-layer + 1].transpose(), delta) * _sigmoid_prime(zs[-layer])
            nabla_b[-layer] = delta
            nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
        return nabla_b, nabla_w


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


def _torch_sgd(torch, weights, biases, x, targets, batch_size, eta):
    layers = []
    for w, b in zip(weights, biases, strict=True):
        linear = torch.nn.Linear(w.shape[0], w.shape[1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=eta)
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(targets)
    generator = torch.Generator().manual_seed(0)

    def epoch():
        order = torch.randperm(len(x_t), generator=generator)
        for start in range(0, len(x_t), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = 0.5 * ((model(x_t[batch]) - y_t[batch]) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()

    return epoch


def _sgd_case(n_samples: int) -> Case:
    sizes = [784, 30, 10]

    def run(config: Config) -> dict:
        import fastgrad

        rng = np.random.default_rng(0)
        x = rng.random((n_samples, sizes[0]))
        labels = rng.integers(0, sizes[-1], n_samples)
        targets = np.eye(sizes[-1])[labels]
        net = fastgrad.MLP(sizes, seed=0)
        reference = NielsenNetwork(net.weights, net.biases)
        reference_rng = np.random.default_rng(1)
        functions = {
            "fastgrad": lambda: net.fit(x, labels, 1, BATCH, 3.0, seed=2, progress=False),
            "network.py": lambda: reference.sgd_epoch(x, targets, BATCH, 3.0, reference_rng),
        }
        torch = config.peers.get("torch")
        if torch is not None:
            functions["torch"] = _torch_sgd(torch, net.weights, net.biases, x, targets, BATCH, 3.0)
        return round_robin(functions, config, subject="fastgrad", max_repeats=3)

    params = {"sizes": sizes, "n_samples": n_samples, "batch": BATCH, "learning_rate": 3.0}
    params["dtype"] = "float64"
    return Case(f"network.sgd_epoch/784x30x10/n={n_samples}", "network.sgd_epoch", params, run)


def gradient_networks(quick: bool) -> list[list[int]]:
    """The networks of growing P for the backprop vs finite-difference comparison."""
    if quick:
        return [[64, 8, 10], [64, 16, 10], [64, 32, 10]]
    return [[64, 16, 10], [64, 64, 10], [64, 256, 10], [784, 100, 10], [784, 256, 10]]


def cases(config: Config) -> list[Case]:
    found = [_gradient_case(sizes, config.quick) for sizes in gradient_networks(config.quick)]
    found.append(_sgd_case(1000 if config.quick else 50_000))
    return found


def derive(records: list[dict], config: Config) -> dict:
    points = sorted(
        (
            r["params"]["P"],
            r["ratios"]["finite_differences"]["median"],
            1.0 / r["ratios"]["forward_pass"]["median"],
        )
        for r in records
        if r["group"] == "network.gradient"
    )
    derived: dict = {}
    if points:
        derived["backprop_speedup_vs_finite_differences"] = {
            "per_P": [
                {"P": p, "speedup": s, "speedup_over_P": s / p, "gradient_over_forward": g}
                for p, s, g in points
            ],
            "label": "measured (finite differences above P = 80,000: extrapolated from a subset)",
        }
    if len(points) >= 2:
        slope, _ = loglog_fit([p for p, _, _ in points], [s for _, s, _ in points])
        derived["backprop_speedup_loglog_slope"] = {
            "value": slope,
            "label": "measured (fit)",
            "expected": 1.0,
        }
    return derived
