"""A multilayer perceptron with an exact backprop gradient, its finite-difference twin, forward
mode, and mini-batch SGD: Nielsen's ``network.py``/``network2.py`` made fast and checkable.

All parameters live in one flat vector (each layer's weight, row-major, then its bias);
``MLP.weights`` and ``MLP.biases`` are views into it. Every pass over a batch is a single call
into :mod:`fastgrad._kernels.dense`, and :meth:`MLP.fit` runs a whole epoch in one call.
"""

from __future__ import annotations

import os
import sys
import time
from types import SimpleNamespace

import numpy as np
from numpy.typing import ArrayLike

from fastgrad import _helper
from fastgrad._kernels import dense as _dense

__all__ = ["MLP"]

_PROGRESS_AFTER_S = 2.0  # numerical_gradient reports progress when it will take longer than this
_SAVE_FORMAT = 1
_NO_LABELS = np.empty(0, dtype=np.int64)  # the checked kernels' labels when y holds target rows


class MLP:
    """A fully connected feed-forward network trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first: ``[64, 30, 10]`` has 64 inputs, one hidden layer of 30 and
        10 outputs.
    activation : {"sigmoid", "tanh", "relu", "identity"}
        Activation of the hidden layers.
    output_activation : {"sigmoid", "tanh", "relu", "identity", "softmax"}, optional
        Activation of the output layer. None means sigmoid for ``loss="cross_entropy"``,
        softmax for ``loss="softmax_cross_entropy"`` (the only choices those losses accept) and
        ``activation`` otherwise (Nielsen's all-sigmoid network).
    loss : {"quadratic", "cross_entropy", "softmax_cross_entropy"}
        The per-example cost, averaged over a batch (see :meth:`loss`).
    dtype : numpy.float32 or numpy.float64
        Parameters and arithmetic (losses are accumulated in float64).
    seed : int, numpy.random.Generator or None
        Initialization: weights :math:`\\mathcal N(0, 1/n_{in})`, biases :math:`\\mathcal N(0, 1)`
        (Nielsen's improved initialization, ``network2.default_weight_initializer``).

    Attributes
    ----------
    weights : list of ndarray, shape (n_in, n_out)
        Views into the parameter vector: modify them in place (``w[...] = ...``) or assign a
        whole list to ``weights``; replacing one item of the returned list has no effect.
    biases : list of ndarray, shape (n_out,)
        Likewise.
    sizes, activation, output_activation, loss, dtype, n_params

    Raises
    ------
    TypeError, ValueError
        Bad ``sizes``, an unknown activation or loss name, an output activation the loss does not
        allow, or a dtype other than float32/float64.

    Notes
    -----
    Targets ``y`` are either integer class labels ``(n_samples,)`` in ``[0, n_out)`` or target
    rows ``(n_samples, n_out)``; labels are turned into one-hot rows. Inputs and targets must be
    finite (NaN/Inf raise ValueError); no method modifies its arguments.

    Examples
    --------
    >>> import numpy as np
    >>> import fastgrad
    >>> net = fastgrad.MLP([2, 3, 2], loss="softmax_cross_entropy", seed=0)
    >>> x, y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1, 0])
    >>> grad_weights, grad_biases = net.gradient(x, y)
    >>> [g.shape for g in grad_weights]
    [(2, 3), (3, 2)]
    >>> fastgrad.check_gradient(net, x, y)
    True
    """

    def __init__(
        self,
        sizes: list[int] | tuple[int, ...],
        activation: str = "sigmoid",
        output_activation: str | None = None,
        loss: str = "quadratic",
        dtype: type | np.dtype = np.float64,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        self._sizes = _helper.layer_sizes(sizes)
        hidden_code = _helper.activation_code(activation)
        if activation == "softmax":
            raise ValueError("activation (of the hidden layers) must not be 'softmax'")
        self._loss_code = _helper.loss_code(loss)
        output_activation = _helper.output_activation_for_loss(loss, output_activation, activation)
        output_code = _helper.activation_code(output_activation, "output_activation")
        self._dtype = _helper.float_dtype(dtype)
        rng = _helper.random_generator(seed)
        self._names = (activation, output_activation, loss)
        n_layers = len(self._sizes) - 1
        self._codes = np.array([hidden_code] * (n_layers - 1) + [output_code], dtype=np.int64)
        shapes = [(int(a), int(b)) for a, b in zip(self._sizes[:-1], self._sizes[1:], strict=True)]
        n_params = sum(n_in * n_out + n_out for n_in, n_out in shapes)
        self._params = np.empty(n_params, dtype=self._dtype)
        self._decay_mask = np.zeros(n_params, dtype=self._dtype)
        self._weight_views, self._bias_views = [], []
        self._weight_slices, self._bias_slices = [], []  # (start, stop, shape) in the flat vector
        offset = 0
        for n_in, n_out in shapes:
            weight = self._params[offset : offset + n_in * n_out].reshape(n_in, n_out)
            self._decay_mask[offset : offset + n_in * n_out] = 1
            self._weight_slices.append((offset, offset + n_in * n_out, (n_in, n_out)))
            offset += n_in * n_out
            bias = self._params[offset : offset + n_out]
            self._bias_slices.append((offset, offset + n_out))
            offset += n_out
            weight[...] = rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
            bias[...] = rng.standard_normal(n_out)
            self._weight_views.append(weight)
            self._bias_views.append(bias)
        self._zero_bias = np.zeros(int(self._sizes.max()), dtype=self._dtype)
        self._n_in, self._n_out = shapes[0][0], shapes[-1][1]
        self._workspaces: dict[int, SimpleNamespace] = {}

    # ------------------------------------------------------------------ attributes

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths, input first."""
        return tuple(int(s) for s in self._sizes)

    @property
    def activation(self) -> str:
        """Hidden-layer activation name."""
        return self._names[0]

    @property
    def output_activation(self) -> str:
        """Output-layer activation name."""
        return self._names[1]

    @property
    def loss_name(self) -> str:
        """Name of the cost: ``"quadratic"``, ``"cross_entropy"`` or ``"softmax_cross_entropy"``."""
        return self._names[2]

    @property
    def dtype(self) -> np.dtype:
        """Parameter dtype (float32 or float64)."""
        return self._dtype

    @property
    def n_params(self) -> int:
        """Number of parameters, weights and biases together (the P of Nielsen's eq. 46)."""
        return int(self._params.size)

    @property
    def weights(self) -> list[np.ndarray]:
        """Weight matrices ``(n_in, n_out)``, views into the parameter vector."""
        return list(self._weight_views)

    @weights.setter
    def weights(self, values) -> None:
        shapes = [w.shape for w in self._weight_views]
        arrays = _helper.parameter_list(values, "weights", shapes, self._dtype)
        for view, array in zip(self._weight_views, arrays, strict=True):
            view[...] = array

    @property
    def biases(self) -> list[np.ndarray]:
        """Bias vectors ``(n_out,)``, views into the parameter vector."""
        return list(self._bias_views)

    @biases.setter
    def biases(self, values) -> None:
        shapes = [b.shape for b in self._bias_views]
        arrays = _helper.parameter_list(values, "biases", shapes, self._dtype)
        for view, array in zip(self._bias_views, arrays, strict=True):
            view[...] = array

    def __repr__(self) -> str:
        return (
            f"MLP({list(self.sizes)}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, loss={self.loss_name!r}, "
            f"dtype=numpy.{self._dtype.name})"
        )

    # ------------------------------------------------------------------ argument handling

    def _inputs(self, x, name: str = "x", scan: bool = True) -> np.ndarray:
        return _helper.network_input(x, name, self._n_in, self._dtype, scan)

    def _batch(self, x, y) -> tuple:
        """``(x, labels, rows, workspace)`` for the checked kernels (see
        :func:`fastgrad._helper.network_batch`): with class labels, ``rows`` is the workspace's
        buffer that the kernel fills with one-hot rows; with target rows, ``labels`` is empty."""
        x, labels, rows = _helper.network_batch(x, y, self._n_in, self._n_out, self._dtype)
        workspace = self._workspace(x.shape[0])
        if labels is None:
            return x, _NO_LABELS, rows, workspace
        return x, labels, workspace.rows, workspace

    def _targets(self, y, n_samples: int, name: str = "y") -> tuple[np.ndarray, bool]:
        return _helper.targets(y, name, n_samples, int(self._sizes[-1]), self._dtype)

    def _flatten(self, values, name: str) -> np.ndarray:
        """``(weight_list, bias_list)`` shaped like the parameters -> one flat vector."""
        if not isinstance(values, tuple | list) or len(values) != 2:
            raise TypeError(f"{name} must be a pair (weight_list, bias_list)")
        weights = _helper.parameter_list(
            values[0], f"{name}[0]", [w.shape for w in self._weight_views], self._dtype
        )
        biases = _helper.parameter_list(
            values[1], f"{name}[1]", [b.shape for b in self._bias_views], self._dtype
        )
        flat = np.empty_like(self._params)
        offset = 0
        for weight, bias in zip(weights, biases, strict=True):
            flat[offset : offset + weight.size] = weight.ravel()
            offset += weight.size
            flat[offset : offset + bias.size] = bias
            offset += bias.size
        return flat

    def _unflatten(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Views into ``flat`` shaped like ``(weights, biases)``."""
        weights = [flat[start:stop].reshape(shape) for start, stop, shape in self._weight_slices]
        return weights, [flat[start:stop] for start, stop in self._bias_slices]

    def _workspace(self, n_samples: int) -> SimpleNamespace:
        """Buffers for batches of ``n_samples`` rows, allocated once and reused."""
        workspace = self._workspaces.get(n_samples)
        if workspace is None:
            if len(self._workspaces) >= 4:
                self._workspaces.clear()
            width = int(self._sizes.max())
            workspace = SimpleNamespace(
                acts=np.empty(n_samples * int(self._sizes[1:].sum()), dtype=self._dtype),
                z_last=np.empty((n_samples, int(self._sizes[-1])), dtype=self._dtype),
                rows=np.empty((n_samples, int(self._sizes[-1])), dtype=self._dtype),
                work=np.empty(3 * n_samples * width, dtype=self._dtype),
                grads=np.empty(self._params.size, dtype=self._dtype),
            )
            self._workspaces[n_samples] = workspace
        return workspace

    def _output(self, workspace: SimpleNamespace, n_samples: int) -> np.ndarray:
        n_out = int(self._sizes[-1])
        return workspace.acts[workspace.acts.size - n_samples * n_out :].reshape(n_samples, n_out)

    def _loss_rows(self, x: np.ndarray, rows: np.ndarray) -> float:
        workspace = self._workspace(x.shape[0])
        return float(
            _dense.network_loss(
                self._params, self._sizes, self._codes, self._loss_code, x, rows,
                workspace.acts, workspace.z_last, self._zero_bias,
            )
        )  # fmt: skip

    # ------------------------------------------------------------------ evaluation

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The network output for a batch.

        Parameters
        ----------
        x : array_like, shape (n_samples, sizes[0])

        Returns
        -------
        ndarray, shape (n_samples, sizes[-1]), of the network dtype
        """
        x = self._inputs(x, scan=False)
        workspace = self._workspace(x.shape[0])
        if _dense.network_forward_checked(
            self._params, self._sizes, self._codes, x, workspace.acts, workspace.z_last,
            self._zero_bias,
        ):  # fmt: skip
            _helper.finite(x, "x")  # NaN/Inf in the first layer's z: from x, or an overflow
        return self._output(workspace, x.shape[0]).copy()

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Class index (argmax of the output, first one on ties) for each row of ``x``."""
        return np.argmax(self.forward(x), axis=1)

    def loss(self, x: ArrayLike, y: ArrayLike) -> float:
        """Mean over the batch of the per-example cost :math:`C_x`.

        .. math::
            \\text{quadratic: } \\tfrac12 \\lVert a - y \\rVert^2 \\ (\\text{Nielsen eq. 6}),
            \\quad
            \\text{cross\\_entropy: } -\\textstyle\\sum_j [y_j \\ln a_j + (1 - y_j) \\ln(1 - a_j)],

            \\text{softmax\\_cross\\_entropy: }
            -\\textstyle\\sum_j y_j \\ln \\operatorname{softmax}(z)_j

        The cross entropies are evaluated from the output pre-activation ``z`` and stay finite
        when ``a`` rounds to 0 or 1. Returned as a Python float (accumulated in float64).
        """
        x, labels, rows, workspace = self._batch(x, y)
        status, loss = _dense.network_loss_checked(
            self._params, self._sizes, self._codes, self._loss_code, x, labels, rows,
            workspace.acts, workspace.z_last, self._zero_bias,
        )  # fmt: skip
        if status:
            _helper.batch_status(status, x, labels, rows)
        return float(loss)

    def gradient(self, x: ArrayLike, y: ArrayLike) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The exact gradient of :meth:`loss` by backpropagation.

        One forward and one backward pass for the whole batch (Nielsen's BP1-BP4, batch-major;
        see :func:`fastgrad.dense_backward`).

        Returns
        -------
        grad_weights : list of ndarray, shaped like ``weights``
        grad_biases : list of ndarray, shaped like ``biases``
            Views into one freshly allocated flat array (each layer's weight, then its bias).

        Notes
        -----
        The whole call is one kernel call. For ``x`` and ``y`` that are already C-contiguous
        arrays of the network's dtype (``y``: int64 labels or target rows), nothing else is done
        in Python: the kernel turns labels into one-hot rows, checks their range, and detects
        NaN/Inf in ``x`` through the first layer's ``z`` (every entry of ``x`` reaches it), so
        ``x`` is scanned only when something is found.
        """
        x, labels, rows, workspace = self._batch(x, y)
        grads = np.empty(self._params.size, dtype=self._dtype)
        status = _dense.network_gradient_checked(
            self._params, self._sizes, self._codes, self._loss_code, x, labels, rows,
            workspace.acts, workspace.z_last, self._zero_bias, grads, workspace.work,
        )  # fmt: skip
        if status:
            _helper.batch_status(status, x, labels, rows)
        return self._unflatten(grads)

    def numerical_gradient(
        self,
        x: ArrayLike,
        y: ArrayLike,
        eps: float | None = None,
        method: str = "central",
        *,
        subset: int | ArrayLike | None = None,
        seed: int | np.random.Generator | None = None,
        progress: bool | None = None,
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The gradient of :meth:`loss` by finite differences: the slow way.

        Parameters
        ----------
        x, y : array_like
            As in :meth:`loss`.
        eps : float, optional
            Step. Default ``cbrt(finfo.eps)`` for central differences (6.1e-6 in float64,
            4.9e-3 in float32) and ``sqrt(finfo.eps)`` for forward differences.
        method : {"central", "forward"}
            ``"forward"`` is Nielsen's eq. (46), ``(C(w + eps e_j) - C(w)) / eps``: P + 1 loss
            evaluations for P parameters. ``"central"``,
            ``(C(w + eps e_j) - C(w - eps e_j)) / (2 eps)``, costs 2P and is far more accurate.
        subset : int or array_like of int, optional
            Evaluate only this many parameters chosen at random (with ``seed``), or these flat
            parameter indices (weights then bias of each layer, weights row-major). Entries not
            evaluated are NaN.
        seed : int, numpy.random.Generator or None
            For ``subset=int``.
        progress : bool, optional
            Print progress to stderr. None: only if the run is estimated to take more than
            about 2 s.

        Returns
        -------
        grad_weights, grad_biases : lists of ndarray, shaped like ``weights`` and ``biases``

        Notes
        -----
        Each evaluation is a full forward pass over the batch, so this costs about P/2 (central)
        or P/3 (forward) times :meth:`gradient`. The divisor is the step actually taken,
        ``(w + eps) - w``. The network is not modified (a copy of the parameters is perturbed).
        """
        central = _helper.fd_method(method)
        machine_eps = float(np.finfo(self._dtype).eps)
        if eps is None:
            eps = machine_eps ** (1 / 3) if central else machine_eps**0.5
        eps = _helper.positive_float(eps, "eps")
        x = self._inputs(x)
        rows, _ = self._targets(y, x.shape[0])
        n_params = self._params.size
        if subset is None:
            indices = np.arange(n_params, dtype=np.int64)
        elif np.ndim(subset) == 0:
            count = _helper.positive_int(subset, "subset")
            count = min(count, n_params)
            rng = _helper.random_generator(seed)
            indices = np.sort(rng.choice(n_params, size=count, replace=False)).astype(np.int64)
        else:
            indices = _helper.parameter_indices(subset, "subset", n_params)
        workspace = self._workspace(x.shape[0])
        params = self._params.copy()
        values = np.empty(indices.size, dtype=np.float64)
        args = (self._sizes, self._codes, self._loss_code, x, rows, workspace.acts,
                workspace.z_last, self._zero_bias)  # fmt: skip
        # C(w) once for eq. (46): P + 1 loss evaluations in all, however many calls below
        base = 0.0 if central else float(_dense.network_loss(params, *args))
        # the first parameter alone, so that compilation does not distort the time estimate
        _dense.finite_differences(params, *args, indices[:1], eps, central, base, values)
        start = time.perf_counter()
        done = min(1, indices.size)
        chunk = 8
        shown = False
        while done < indices.size:
            part = indices[done : done + chunk]
            _dense.finite_differences(params, *args, part, eps, central, base, values[done:])
            done += part.size
            elapsed = time.perf_counter() - start
            rate = elapsed / (done - 1)
            estimate = rate * (indices.size - 1)
            show = progress if progress is not None else estimate > _PROGRESS_AFTER_S
            if show and done < indices.size:
                print(
                    f"\rnumerical_gradient: {done}/{indices.size} parameters, "
                    f"{elapsed:.1f} s of about {estimate:.0f} s",
                    end="", file=sys.stderr, flush=True,
                )  # fmt: skip
                shown = True
            chunk = max(1, int(0.25 / max(rate, 1e-9)))  # about 0.25 s per progress update
        if shown or progress:
            print(
                f"\rnumerical_gradient: {indices.size} parameters in "
                f"{time.perf_counter() - start:.1f} s" + " " * 20,
                file=sys.stderr,
            )
        flat = np.full(n_params, np.nan, dtype=self._dtype)
        flat[indices] = values
        return self._unflatten(flat)

    def jvp(self, x: ArrayLike, y: ArrayLike, tangent) -> float:
        """Forward-mode derivative of :meth:`loss` along a direction in parameter space.

        Parameters
        ----------
        x, y : array_like
            As in :meth:`loss`.
        tangent : (list of ndarray, list of ndarray)
            ``(weight_tangents, bias_tangents)`` shaped like ``(weights, biases)``.

        Returns
        -------
        float
            :math:`\\sum_j \\frac{\\partial L}{\\partial \\theta_j} t_j`, the directional
            derivative.

        Notes
        -----
        Tangents are pushed forward alongside the values in one pass (colah's forward-mode
        differentiation): :math:`\\dot z^l = \\dot a^{l-1} W^l + a^{l-1} \\dot W^l + \\dot b^l`,
        :math:`\\dot a^l = \\sigma'(z^l) \\odot \\dot z^l`. One direction costs about two forward
        passes; the full gradient this way would need P of them, which is why backprop
        (reverse mode) wins for one scalar loss and many parameters.
        """
        x = self._inputs(x)
        rows, _ = self._targets(y, x.shape[0])
        flat = self._flatten(tangent, "tangent")
        workspace = self._workspace(x.shape[0])
        _, dloss = _dense.network_jvp(
            self._params, flat, self._sizes, self._codes, self._loss_code, x, rows,
            workspace.acts, workspace.z_last, self._zero_bias, workspace.work,
        )  # fmt: skip
        return float(dloss)

    # ------------------------------------------------------------------ training

    def fit(
        self,
        x: ArrayLike,
        y: ArrayLike,
        epochs: int,
        batch_size: int,
        learning_rate: float,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
        weight_decay: float = 0.0,
        seed: int | np.random.Generator | None = None,
        progress: bool = True,
    ) -> dict[str, list[float]]:
        """Train by mini-batch stochastic gradient descent.

        Parameters
        ----------
        x : array_like, shape (n_samples, sizes[0])
        y : array_like
            Class labels ``(n_samples,)`` or target rows ``(n_samples, sizes[-1])``.
        epochs : int
            Passes over the data (>= 1), each in a fresh random order.
        batch_size : int
            Examples per update (>= 1); the last batch of an epoch may be smaller.
        learning_rate : float
            :math:`\\eta > 0`.
        validation_data : (x_val, y_val), optional
            Evaluated after every epoch.
        weight_decay : float
            L2 penalty :math:`\\lambda \\ge 0` on the weights (not the biases):
            :math:`w \\leftarrow w - \\eta (\\partial C / \\partial w + \\lambda w)`, PyTorch's
            convention; Nielsen's :math:`\\lambda` for a training set of size n is
            ``weight_decay = lambda / n``.
        seed : int, numpy.random.Generator or None
            Shuffling.
        progress : bool
            Print one line per epoch to stderr.

        Returns
        -------
        dict of str to list of float
            Per epoch: ``"loss"`` (mean training cost over the epoch's mini-batches, each taken
            before its update) and, when ``y`` are class labels or one-hot rows, ``"accuracy"``
            (the same running measure); with ``validation_data`` also ``"val_loss"`` and
            ``"val_accuracy"``, computed after the epoch.

        Raises
        ------
        TypeError, ValueError
            Bad arguments; nothing is changed. (``x`` is not scanned for NaN/Inf beforehand:
            the epoch kernel finds them in the first epoch, through the first layer's ``z``,
            and the parameters are then restored to their values before the call.)
        FloatingPointError
            The loss or a parameter update became NaN/Inf. Training stops; the parameters are
            those before the offending mini-batch, and the exception's ``history`` attribute
            holds the completed epochs.

        Notes
        -----
        Each update is :math:`\\theta \\leftarrow \\theta - \\eta \\nabla C_{batch}` with
        :math:`C_{batch}` the batch-mean cost (Nielsen's
        :math:`\\frac{\\eta}{m} \\sum_x \\nabla C_x`). An epoch is one call into a compiled
        kernel that gathers each mini-batch into preallocated buffers: no allocation per step.
        """
        x = self._inputs(x, scan=False)  # NaN/Inf are found by the epoch kernel (FIT_BAD_X)
        labels, rows = _helper.target_arrays(y, "y", x.shape[0], self._n_out, self._dtype)
        if labels is None:
            labels = _NO_LABELS
            is_class = bool(np.all((rows == 0) | (rows == 1)) and np.all(rows.sum(axis=1) == 1))
        else:
            rows = np.empty((0, self._n_out), dtype=self._dtype)
            is_class = True
        epochs = _helper.positive_int(epochs, "epochs")
        batch_size = _helper.positive_int(batch_size, "batch_size")
        learning_rate = _helper.positive_float(learning_rate, "learning_rate")
        weight_decay = _helper.nonnegative_float(weight_decay, "weight_decay")
        rng = _helper.random_generator(seed)
        if validation_data is not None:
            if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (x_val, y_val)")
            x_val = self._inputs(validation_data[0], "validation_data[0]")
            val_rows, val_class = self._targets(
                validation_data[1], x_val.shape[0], "validation_data[1]"
            )
        n_samples = x.shape[0]
        batch = min(batch_size, n_samples)
        workspace = self._workspace(batch)
        x_batch = np.empty(batch * x.shape[1], dtype=self._dtype)
        y_batch = np.empty(batch * self._n_out, dtype=self._dtype)
        scalar = self._dtype.type
        start_params = self._params.copy()  # restored if a row of x turns out to hold NaN/Inf
        history: dict[str, list[float]] = {"loss": []}
        if is_class:
            history["accuracy"] = []
        if validation_data is not None:
            history["val_loss"] = []
            if val_class:
                history["val_accuracy"] = []
        for epoch in range(epochs):
            start = time.perf_counter()
            order = rng.permutation(n_samples).astype(np.int64)
            status, loss_sum, correct = _dense.sgd_epoch(
                self._params, self._sizes, self._codes, self._loss_code, x, labels, rows, order,
                batch, scalar(learning_rate), scalar(weight_decay), self._decay_mask,
                x_batch, y_batch, workspace.acts, workspace.z_last.reshape(-1),
                self._zero_bias, workspace.grads, workspace.work,
            )  # fmt: skip
            if status == _dense.FIT_BAD_X:
                self._params[...] = start_params  # bad input changes nothing
                _helper.finite(x, "x")
            if status != _dense.FIT_OK:
                what = "loss" if status == _dense.FIT_NONFINITE_LOSS else "parameter update"
                error = FloatingPointError(
                    f"training diverged in epoch {epoch + 1}: the {what} is NaN or Inf; the "
                    f"parameters are left as they were before that mini-batch "
                    f"(try a smaller learning_rate than {learning_rate})"
                )
                error.history = history
                raise error
            history["loss"].append(loss_sum / n_samples)
            if is_class:
                history["accuracy"].append(correct / n_samples)
            if validation_data is not None:
                history["val_loss"].append(self._loss_rows(x_val, val_rows))
                if val_class:
                    out = self._output(self._workspace(x_val.shape[0]), x_val.shape[0])
                    history["val_accuracy"].append(
                        _dense.count_correct(out, val_rows) / x_val.shape[0]
                    )
            if progress:
                line = ", ".join(f"{key} {values[-1]:.4f}" for key, values in history.items())
                print(
                    f"epoch {epoch + 1}/{epochs}: {line} ({time.perf_counter() - start:.2f} s)",
                    file=sys.stderr,
                )
        return history

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike) -> None:
        """Save architecture and parameters to an ``.npz`` file (NumPy adds the suffix if
        missing). No pickles: :meth:`load` reads it with ``allow_pickle=False``."""
        np.savez(
            path,
            format=np.int64(_SAVE_FORMAT),
            sizes=self._sizes,
            activation=np.str_(self.activation),
            output_activation=np.str_(self.output_activation),
            loss=np.str_(self.loss_name),
            params=self._params,
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> MLP:
        """Read a network written by :meth:`save`.

        Raises
        ------
        ValueError
            The file is not an MLP saved by fastgrad, or its parameters are inconsistent.
        """
        keys = ("format", "sizes", "activation", "output_activation", "loss", "params")
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, EOFError, ValueError) as err:
            raise ValueError(f"path {path!s} could not be read as an .npz file: {err}") from None
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError(f"path {path!s} could not be read as an .npz file (it is .npy)")
        with data:
            missing = [key for key in keys if key not in data.files]
            if missing:
                raise ValueError(f"path {path!s} is not a saved MLP: missing {missing}")
            fields = {key: data[key] for key in keys}
        if int(fields["format"]) != _SAVE_FORMAT:
            raise ValueError(f"path {path!s} has unknown format {int(fields['format'])}")
        params = fields["params"]
        net = cls(
            [int(s) for s in fields["sizes"]],
            activation=str(fields["activation"]),
            output_activation=str(fields["output_activation"]),
            loss=str(fields["loss"]),
            dtype=params.dtype,
        )
        if params.shape != net._params.shape:
            raise ValueError(
                f"path {path!s} holds {params.size} parameters, its sizes need {net._params.size}"
            )
        _helper.finite(params, "params")
        net._params[...] = params
        return net
