"""Dense-layer benchmarks: fastgrad.dense_forward/dense_backward against NumPy and PyTorch.

One sigmoid layer ``a = sigmoid(x @ weight + bias)`` with ``n_in = n_out = width``, batch-major.
Every implementation writes into buffers allocated once (fastgrad through ``out=`` and
``out_grads=``; NumPy and PyTorch through ``out=`` of their ufuncs and products), so the
comparison is of the arithmetic, not of the allocator. fastgrad's backward does not overwrite
``grad_out`` (the default; it copies it), NumPy and PyTorch write ``delta`` into a scratch buffer.
PyTorch runs the same explicit tensor operations (no autograd), with ``torch.set_num_threads(1)``.

``numpy.matmul`` in the forward cases times ``x @ weight`` alone into a buffer: its ratio is the
fraction of the single-core BLAS matmul speed that the whole fastgrad layer reaches.
"""

from __future__ import annotations

import statistics

import numpy as np
from _harness import Case, Config, round_robin

OPS = ("forward", "backward", "forward_backward")


def _numpy_layer(x, weight, bias, grad_out):
    z = np.empty((x.shape[0], weight.shape[1]), dtype=x.dtype)
    delta = np.empty_like(z)
    grad_x, grad_weight = np.empty_like(x), np.empty_like(weight)
    grad_bias = np.empty_like(bias)

    def forward():
        np.matmul(x, weight, out=z)
        np.add(z, bias, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        np.add(z, 1, out=z)
        np.reciprocal(z, out=z)
        return z

    def backward():
        a = z
        np.multiply(a, a, out=delta)  # sigmoid' = a (1 - a) = a - a^2
        np.subtract(a, delta, out=delta)
        np.multiply(delta, grad_out, out=delta)
        np.matmul(delta, weight.T, out=grad_x)
        np.matmul(x.T, delta, out=grad_weight)
        np.sum(delta, axis=0, out=grad_bias)
        return grad_x, grad_weight, grad_bias

    return forward, backward


def _torch_layer(torch, x, weight, bias, grad_out):
    x, weight, bias, grad_out = (torch.from_numpy(v) for v in (x, weight, bias, grad_out))
    z = torch.empty((x.shape[0], weight.shape[1]), dtype=x.dtype)
    delta = torch.empty_like(z)
    grad_x, grad_weight = torch.empty_like(x), torch.empty_like(weight)
    grad_bias = torch.empty_like(bias)

    def forward():
        torch.addmm(bias, x, weight, out=z)
        torch.sigmoid(z, out=z)
        return z

    def backward():
        a = z
        torch.mul(a, a, out=delta)
        torch.sub(a, delta, out=delta)
        torch.mul(delta, grad_out, out=delta)
        torch.mm(delta, weight.T, out=grad_x)
        torch.mm(x.T, delta, out=grad_weight)
        torch.sum(delta, 0, out=grad_bias)
        return grad_x, grad_weight, grad_bias

    return forward, backward


def _fastgrad_layer(x, weight, bias, grad_out):
    import fastgrad

    a = np.empty((x.shape[0], weight.shape[1]), dtype=x.dtype)
    grads = (np.empty_like(x), np.empty_like(weight), np.empty_like(bias))

    def forward():
        return fastgrad.dense_forward(x, weight, bias, "sigmoid", out=a)

    def backward():
        return fastgrad.dense_backward(grad_out, x, weight, a, "sigmoid", out_grads=grads)

    return forward, backward


def _case(op: str, dtype, batch: int, width: int) -> Case:
    def run(config: Config) -> dict:
        rng = np.random.default_rng(batch * 7919 + width)
        x = rng.random((batch, width)).astype(dtype)
        weight = (rng.standard_normal((width, width)) / np.sqrt(width)).astype(dtype)
        bias = rng.standard_normal(width).astype(dtype)
        grad_out = rng.standard_normal((batch, width)).astype(dtype)
        layers = {"fastgrad": _fastgrad_layer(x, weight, bias, grad_out)}
        layers["numpy"] = _numpy_layer(x, weight, bias, grad_out)
        torch = config.peers.get("torch")
        if torch is not None:
            layers["torch"] = _torch_layer(torch, x, weight, bias, grad_out)
        functions = {}
        for name, (forward, backward) in layers.items():
            forward()  # the backward cases need the forward output in the buffer
            if op == "forward":
                functions[name] = forward
            elif op == "backward":
                functions[name] = backward
            else:
                functions[name] = _chain(forward, backward)
        if op == "forward":
            product = np.empty((batch, width), dtype=dtype)
            functions["numpy.matmul"] = lambda: np.matmul(x, weight, out=product)
        return round_robin(functions, config, subject="fastgrad")

    name = np.dtype(dtype).name
    params = {"op": op, "dtype": name, "batch": batch, "n_in": width, "n_out": width}
    params["multiply_adds"] = batch * width * width
    return Case(f"dense.{op}/{name}/batch={batch}/width={width}", "dense", params, run)


def _chain(first, second):
    def both():
        first()
        return second()

    return both


def cases(config: Config) -> list[Case]:
    if config.quick:
        batches, widths = (1, 32), (64,)
        limit = None
    else:
        batches, widths = (1, 32, 256, 1024), (64, 256, 1024, 4096)
        limit = 256 * 4096 * 4096  # 1024 x 4096 x 4096 would take minutes per case: skipped
    found = []
    for dtype in (np.float64, np.float32):
        for width in widths:
            for batch in batches:
                if limit is not None and batch * width * width > limit:
                    continue
                found += [_case(op, dtype, batch, width) for op in OPS]
    if not config.quick:
        config.notes.append("dense: batch 1024 x width 4096 skipped (minutes per case)")
    return found


def derive(records: list[dict], config: Config) -> dict:
    """Backward/forward time ratio, and summaries of the ratios to the peers."""
    dense = [r for r in records if r["group"] == "dense"]
    by_key = {}
    for record in dense:
        p = record["params"]
        by_key[(p["op"], p["dtype"], p["batch"], p["n_in"])] = record
    ratios = []
    for (op, dtype, batch, width), record in sorted(by_key.items()):
        forward = by_key.get(("forward", dtype, batch, width))
        if op != "backward" or forward is None:
            continue
        value = record["times"]["fastgrad"]["median"] / forward["times"]["fastgrad"]["median"]
        ratios.append({"dtype": dtype, "batch": batch, "width": width, "value": value})
    derived: dict = {}
    if ratios:
        at_32 = [r["value"] for r in ratios if r["batch"] >= 32] or [r["value"] for r in ratios]
        derived["backward_over_forward"] = {
            "median_batch_ge_32": statistics.median(at_32),
            "range_batch_ge_32": [min(at_32), max(at_32)],
            "per_shape": ratios,
            "label": "measured",
        }
    for peer in ("numpy", "torch"):
        small = [
            r["ratios"][peer]["median"]
            for r in dense
            if r["params"]["op"] == "forward_backward"
            and peer in r["ratios"]
            and r["params"]["multiply_adds"] < 10**6
        ]
        large = [
            r["ratios"][peer]["median"]
            for r in dense
            if r["params"]["op"] == "forward_backward"
            and peer in r["ratios"]
            and r["params"]["multiply_adds"] >= 10**6
        ]
        if small or large:
            derived[f"forward_backward_speedup_vs_{peer}"] = {
                "small_layers_min": min(small) if small else None,
                "small_layers_median": statistics.median(small) if small else None,
                "larger_layers_min": min(large) if large else None,
                "larger_layers_median": statistics.median(large) if large else None,
                "label": "measured (small: batch*n_in*n_out < 10^6)",
            }
    peak = [
        {
            "dtype": r["params"]["dtype"],
            "batch": r["params"]["batch"],
            "width": r["params"]["n_in"],
            "fraction": r["ratios"]["numpy.matmul"]["median"],
        }
        for r in dense
        if r["params"]["op"] == "forward" and r["params"]["multiply_adds"] >= 10**8
    ]
    if peak:
        derived["large_forward_fraction_of_matmul"] = {"per_shape": peak, "label": "measured"}
    return derived
