"""fastgrad on Dask arrays: FFTs of chunked batches and data-parallel gradients.

Every function here takes ``dask.array.Array`` input and runs fastgrad's own kernels on each
chunk, on whatever scheduler is active: Dask's threads by default, or a ``dask.distributed``
cluster once a ``Client`` exists (local worker processes or many machines). Install with
``pip install fastgrad[dask]``; ``import fastgrad`` alone never imports Dask.

* FFTs (:func:`fft`, :func:`ifft`, :func:`rfft`, :func:`irfft`, :func:`fftn`, :func:`ifftn`,
  :func:`fft2`, :func:`ifft2`) have scipy.fft's signatures and return lazy dask arrays. Each
  chunk is transformed independently, so every transformed axis must be a single chunk: a split
  one is merged (``x.rechunk({axis: -1})``) with a :class:`RechunkWarning`, or refused with a
  ValueError when ``rechunk=False``.
* Networks (:func:`gradient`, :func:`loss`, :func:`fit`) take examples chunked along axis 0:
  each chunk's *sum* of per-example gradients is computed by :meth:`fastgrad.MLP.gradient` on a
  worker, the sums are added in a tree (``split_every`` chunks per node), and the total is
  divided by the number of examples once, so the result is :meth:`fastgrad.MLP.gradient` on
  all the data up to float rounding. :func:`predict` and :func:`forward` map over the chunks.

Workers get the network's architecture and parameters (a small picklable record, one copy per
computation), never the ``MLP`` object itself; they import the kernels from fastgrad's modules,
and each worker thread reuses one MLP per architecture (and its workspaces) between tasks.
Run :func:`fastgrad.warmup` on every worker (``client.run(fastgrad.warmup)``) so that Numba's
compilation, or its cache load, happens before the first task.

Faults: every task is a pure function of its chunk and the parameters, so when a worker dies
mid-computation Dask recomputes its tasks (and any lost chunks) elsewhere and the result is
unchanged; a computation cancelled by ``client.restart()`` raises ``CancelledError``. A partial
sum is never returned: the total is divided by the number of examples only once every chunk
has been added.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass

try:
    import dask
    import dask.array as da
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "fastgrad.dask needs Dask: install it with `pip install fastgrad[dask]` "
        "(dask[array] and distributed)"
    ) from error

import numpy as np
from dask.base import get_scheduler, tokenize
from dask.delayed import Delayed
from dask.highlevelgraph import HighLevelGraph

from . import _helper, fourier
from ._helper import RechunkWarning
from .network import MLP

__all__ = [
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "fft2",
    "ifft2",
    "fftn",
    "ifftn",
    "gradient",
    "loss",
    "fit",
    "predict",
    "forward",
    "RechunkWarning",
]

Norm = str | None

# ---------------------------------------------------------------------------------------------
# FFTs: one fastgrad transform per chunk
# ---------------------------------------------------------------------------------------------


def _map_transform(x, block_func, lengths: dict[int, int], dtype: np.dtype, token: str):
    """``block_func`` on every chunk of ``x``; ``lengths`` gives each transformed axis's new
    length (its single chunk), the other axes keep their chunks."""
    chunks = tuple(
        (lengths[axis],) if axis in lengths else x.chunks[axis] for axis in range(x.ndim)
    )
    meta = np.empty((0,) * x.ndim, dtype=dtype)
    return x.map_blocks(block_func, dtype=dtype, chunks=chunks, meta=meta, token=token)


def _transform_1d(x, n, axis, norm, workers, plan, rechunk, kind: str):
    """The four 1-D transforms; ``kind`` is the name of the fastgrad function to run."""
    x = _helper.dask_fft_input(x)
    if kind == "rfft":
        _helper.require_real(x)
    norm = _helper.fft_norm(norm)
    _helper.fft_workers(workers)  # checked here, applied on each worker (cores are counted there)
    _helper.fft_plan(plan)
    axis = _helper.fft_axis(axis, x.ndim)
    x = _helper.whole_axes(x, [axis], rechunk, f"fastgrad.dask.{kind}")
    if kind == "irfft":
        length = _helper.fft_length(2 * (x.shape[axis] - 1) if n is None else n, "n")
        out_length, dtype = length, _helper.real_dtype_for(x.dtype)
    else:
        length = _helper.fft_length(x.shape[axis] if n is None else n, "n")
        out_length = length // 2 + 1 if kind == "rfft" else length
        dtype = _helper.complex_dtype_for(x.dtype)
    block = functools.partial(
        getattr(fourier, kind), n=length, axis=axis, norm=norm, workers=workers
    )
    return _map_transform(x, block, {axis: out_length}, dtype, f"fastgrad-{kind}")


def _transform_nd(x, s, axes, norm, workers, plan, rechunk, kind: str, name: str):
    """fftn/ifftn (``kind``): the same transform along each of ``axes`` (each a single chunk);
    ``name`` is the public function, for messages."""
    x = _helper.dask_fft_input(x)
    norm = _helper.fft_norm(norm)
    _helper.fft_workers(workers)
    _helper.fft_plan(plan)
    shape, axes = _helper.fft_shape_and_axes(x, s, axes)
    x = _helper.whole_axes(x, axes, rechunk, f"fastgrad.dask.{name}")
    if s is None:  # the lengths are now known (whole_axes refuses unknown chunk sizes)
        shape = [x.shape[axis] for axis in axes]
    block = functools.partial(
        getattr(fourier, kind), s=shape, axes=axes, norm=norm, workers=workers
    )
    lengths = dict(zip(axes, shape, strict=True))
    return _map_transform(x, block, lengths, _helper.complex_dtype_for(x.dtype), f"fastgrad-{kind}")


def fft(
    x: da.Array,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the 1-D discrete Fourier transform of a dask array, chunk by chunk.

    :func:`fastgrad.fft` applied to every chunk; the transformed axis must be a single chunk.

    Parameters
    ----------
    x : dask.array.Array
        Input, real or complex, at least 1-D.
    n : int, optional
        Length of the transformed axis (crop or zero-pad). Default: its length in ``x``.
    axis : int, optional
        Axis to transform (default: the last).
    norm : {"backward", "ortho", "forward"}, optional
        Normalization mode, as :func:`fastgrad.fft`.
    overwrite_x : bool, optional
        Accepted for scipy.fft compatibility and ignored: chunks of a dask array may be shared
        with other computations and are never overwritten.
    workers : int, optional
        Threads over the rows of *one chunk* (default 1), counted on the worker that runs it
        (negative values count back from that machine's cores). Dask already runs chunks in
        parallel, so leave this at 1 unless chunks are few and large.
    plan : None
        Only None is accepted, as in scipy.fft.
    rechunk : bool, optional
        When ``axis`` is split into several chunks: True (default) merges it,
        ``x.rechunk({axis: -1})``, with a :class:`RechunkWarning` naming the axis; False raises
        ValueError instead.

    Returns
    -------
    dask.array.Array
        Lazy; complex64 for float16/float32/complex64 input, complex128 otherwise; ``axis`` of
        length ``n`` in one chunk, the other axes chunked as in ``x`` (after any rechunking).

    Raises
    ------
    TypeError
        ``x`` not a dask array or of a non-numeric dtype, non-integer ``n``/``axis``/
        ``workers``, a non-bool ``rechunk``.
    ValueError
        0-d ``x``, ``n < 1``, unknown ``norm``, ``workers=0``, ``axis`` out of range, a split
        ``axis`` with ``rechunk=False``, unknown chunk sizes along ``axis``.
    NotImplementedError
        ``plan`` other than None.

    Notes
    -----
    All checks happen when the graph is built; nothing is computed until ``.compute()``.
    NaN/Inf propagate as in :func:`fastgrad.fft`: a non-finite value makes its whole 1-D
    transform non-finite, other rows and chunks are unaffected.

    See Also
    --------
    fastgrad.fft, scipy.fft.fft, dask.array.fft.fft

    Examples
    --------
    >>> import dask.array as da, numpy as np, fastgrad, fastgrad.dask
    >>> x = da.from_array(np.arange(12.0).reshape(3, 4), chunks=(1, 4))
    >>> bool(np.allclose(fastgrad.dask.fft(x).compute(), fastgrad.fft(x.compute())))
    True
    """
    return _transform_1d(x, n, axis, norm, workers, plan, rechunk, "fft")


def ifft(
    x: da.Array,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the 1-D inverse discrete Fourier transform of a dask array, chunk by chunk.

    :func:`fastgrad.ifft` on every chunk. Parameters, return type, errors and NaN/Inf handling
    as :func:`fft`.

    See Also
    --------
    fastgrad.ifft, scipy.fft.ifft, fft
    """
    return _transform_1d(x, n, axis, norm, workers, plan, rechunk, "ifft")


def rfft(
    x: da.Array,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the 1-D discrete Fourier transform of a real dask array, chunk by chunk.

    :func:`fastgrad.rfft` on every chunk. Parameters as :func:`fft`; ``x`` must be real.

    Returns
    -------
    dask.array.Array
        Lazy; complex64 for float16/float32 input, complex128 otherwise, with ``axis`` of length
        ``n // 2 + 1`` in one chunk.

    Raises
    ------
    TypeError
        complex ``x``, and everything :func:`fft` raises.

    See Also
    --------
    fastgrad.rfft, scipy.fft.rfft, irfft
    """
    return _transform_1d(x, n, axis, norm, workers, plan, rechunk, "rfft")


def irfft(
    x: da.Array,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the inverse of :func:`rfft` on a dask array, chunk by chunk.

    :func:`fastgrad.irfft` on every chunk. ``n`` is the output length along ``axis`` (default
    ``2 * (m - 1)`` for an input of length m). Other parameters, errors and NaN/Inf handling as
    :func:`fft`.

    Returns
    -------
    dask.array.Array
        Lazy; float32 for single-precision input, float64 otherwise, with ``axis`` of length
        ``n`` in one chunk.

    See Also
    --------
    fastgrad.irfft, scipy.fft.irfft, rfft
    """
    return _transform_1d(x, n, axis, norm, workers, plan, rechunk, "irfft")


def fftn(
    x: da.Array,
    s: Sequence[int] | int | None = None,
    axes: Sequence[int] | int | None = None,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the n-D discrete Fourier transform of a dask array over unchunked axes.

    :func:`fastgrad.fftn` on every chunk, so each of ``axes`` must be a single chunk (merged
    with a :class:`RechunkWarning`, or ValueError with ``rechunk=False``); the other axes are
    batch axes and may be chunked. Typical use: a stack of images chunked along axis 0,
    ``fftn(stack, axes=(1, 2))``.

    Parameters
    ----------
    x : dask.array.Array
        Input, at least 1-D.
    s : sequence of ints, optional
        Lengths along ``axes`` (crop or zero-pad). Default: the input's lengths.
    axes : sequence of ints, optional
        Axes to transform. Default: the last ``len(s)`` axes, or *all* axes (then the whole
        array becomes one chunk).

    ``norm``, ``overwrite_x`` (ignored), ``workers``, ``plan``, ``rechunk``, dtypes, errors and
    NaN/Inf as :func:`fft`; :func:`fastgrad.fftn`'s rules for ``s`` and ``axes``.

    See Also
    --------
    fastgrad.fftn, scipy.fft.fftn, ifftn
    """
    return _transform_nd(x, s, axes, norm, workers, plan, rechunk, "fftn", "fftn")


def ifftn(
    x: da.Array,
    s: Sequence[int] | int | None = None,
    axes: Sequence[int] | int | None = None,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the n-D inverse discrete Fourier transform of a dask array over unchunked axes.

    :func:`fastgrad.ifftn` on every chunk; parameters as :func:`fftn`.

    See Also
    --------
    fastgrad.ifftn, scipy.fft.ifftn, fftn
    """
    return _transform_nd(x, s, axes, norm, workers, plan, rechunk, "ifftn", "ifftn")


def fft2(
    x: da.Array,
    s: Sequence[int] | int | None = None,
    axes: Sequence[int] = (-2, -1),
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the 2-D discrete Fourier transform of a dask array (:func:`fftn` over the last
    two axes, which must be single chunks).

    See Also
    --------
    fastgrad.fft2, scipy.fft.fft2, fftn
    """
    return _transform_nd(x, s, axes, norm, workers, plan, rechunk, "fftn", "fft2")


def ifft2(
    x: da.Array,
    s: Sequence[int] | int | None = None,
    axes: Sequence[int] = (-2, -1),
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
    rechunk: bool = True,
) -> da.Array:
    """Compute the 2-D inverse discrete Fourier transform of a dask array (:func:`ifftn` over
    the last two axes).

    See Also
    --------
    fastgrad.ifft2, scipy.fft.ifft2, ifftn
    """
    return _transform_nd(x, s, axes, norm, workers, plan, rechunk, "ifftn", "ifft2")


# ---------------------------------------------------------------------------------------------
# Networks: per-chunk sums on the workers, a tree reduction, one division
# ---------------------------------------------------------------------------------------------


def _quiet() -> np.errstate:
    """Overflow to Inf and Inf - Inf = NaN are results here (as in MLP.gradient), not warnings."""
    return np.errstate(over="ignore", invalid="ignore")


_SPLIT_EVERY = 16  # default fan-in of the reduction tree (see gradient's split_every)
_per_thread = threading.local()  # MLPs reused by the tasks a thread runs (see _Network.build)
_NETWORKS_PER_THREAD = 4


@dataclass(frozen=True)
class _Network:
    """What a worker needs to rebuild an MLP: its architecture and a copy of its parameters.

    Sent instead of the MLP itself, which carries per-batch-size workspaces that can be far
    larger than its parameters.
    """

    sizes: tuple[int, ...]
    activation: str
    output_activation: str
    loss: str
    dtype: np.dtype
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, mlp: MLP) -> _Network:
        return cls(
            mlp.sizes, mlp.activation, mlp.output_activation, mlp.loss_name, mlp.dtype,
            tuple(w.copy() for w in mlp.weights), tuple(b.copy() for b in mlp.biases),
        )  # fmt: skip

    def build(self) -> MLP:
        """This architecture with these parameters, as an MLP owned by the calling thread.

        Each thread (of a worker, or of Dask's local pool) keeps one MLP per architecture
        between tasks and only loads the parameters into it: the MLP keeps its workspaces for
        the chunk lengths it has seen (at most 4), so a task does not allocate and page-fault
        fresh buffers for every chunk (that cost 20-40 % of a chunk's gradient). Threads never
        share one, so concurrent tasks cannot race on the workspaces.
        """
        key = (self.sizes, self.activation, self.output_activation, self.loss, self.dtype.str)
        networks = getattr(_per_thread, "networks", None)
        if networks is None:
            networks = _per_thread.networks = {}
        net = networks.get(key)
        if net is None:
            if len(networks) >= _NETWORKS_PER_THREAD:
                networks.clear()
            net = MLP(self.sizes, self.activation, self.output_activation, self.loss, self.dtype, 0)
            networks[key] = net
        net.weights = list(self.weights)
        net.biases = list(self.biases)
        return net

    @property
    def n_params(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))


def _block_sums(x_block, y_block, network: _Network, with_loss: bool, with_gradient: bool):
    """One chunk's loss sum and gradient sum, as one flat float64 vector ``[loss, grad...]``
    (the gradient laid out layer by layer: weight row-major, then bias; only ``[loss]`` without
    ``with_gradient``).

    The network returns batch means; times the chunk's size they are the sums that add up, over
    the chunks, to the sums over all examples.
    """
    net = network.build()
    rows = x_block.shape[0]
    out = np.zeros(1 + (network.n_params if with_gradient else 0))
    if with_loss:
        out[0] = net.loss(x_block, y_block)
    if with_gradient:
        grad_weights, grad_biases = net.gradient(x_block, y_block)
        offset = 1
        for part in (g for pair in zip(grad_weights, grad_biases, strict=True) for g in pair):
            out[offset : offset + part.size] = part.ravel()
            offset += part.size
    with _quiet():  # Inf/NaN pass through silently, as in MLP.gradient
        out *= rows
    return out


def _group_sums(network: _Network, with_loss: bool, with_gradient: bool, *chunks):
    """:func:`_block_sums` of several chunks ``(x_0, y_0, x_1, y_1, ...)``, added: the task of
    a group of chunks that one worker holds (see :func:`_chunk_groups`)."""
    total = _block_sums(chunks[0], chunks[1], network, with_loss, with_gradient)
    with _quiet():
        for i in range(2, len(chunks), 2):
            total += _block_sums(chunks[i], chunks[i + 1], network, with_loss, with_gradient)
    return total


def _chunk_groups(x, n_chunks: int) -> list[list[int]]:
    """The chunks of ``x`` that run as one task, as lists of chunk indices.

    One chunk per task by default. On a ``dask.distributed`` cluster, when every chunk of ``x``
    is already held by a worker (persisted, or loaded there), the chunks a worker holds are
    split into one group per thread of that worker: a task per group instead of a task per
    chunk. Each task then runs where its data is, and the scheduler handles a few tasks
    instead of one per chunk (with 16 chunks on 2 single-threaded workers, the scheduler's and
    the workers' messaging took a quarter of the run's time, on the cores the work needed).
    """
    singles = [[i] for i in range(n_chunks)]
    client = getattr(get_scheduler(), "__self__", None)
    if client is None or not hasattr(client, "who_has"):
        return singles  # Dask's threads (or another single-machine scheduler)
    if getattr(client, "asynchronous", False):
        return singles  # its calls return awaitables: no blocking placement query from here
    holders = client.who_has(x)  # {key: workers}, for the chunks held as futures
    by_worker: dict[str, list[int]] = {}
    for i, key in enumerate(_chunk_keys(x)):
        workers = holders.get(key)
        if not workers:
            return singles  # a chunk still to be computed: leave placement to the scheduler
        by_worker.setdefault(sorted(workers)[0], []).append(i)
    threads = client.nthreads()
    groups = []
    for worker, indices in sorted(by_worker.items()):
        n_groups = min(max(threads.get(worker, 1), 1), len(indices))
        groups += [indices[g::n_groups] for g in range(n_groups)]
    return groups


def _add(*sums):
    """A node of the reduction tree: the sum of its children's vectors."""
    total = sums[0].copy()
    with _quiet():
        for part in sums[1:]:
            total += part
    return total


def _block_forward(x_block, network: _Network):
    return network.build().forward(x_block)


def _block_predict(x_block, network: _Network):
    return network.build().predict(x_block)


def _checked(mlp, x, y):
    mlp = _helper.network(mlp)
    x = _helper.dask_inputs(x, mlp.sizes[0])
    y = _helper.dask_targets(y, x, mlp.sizes[-1])
    return mlp, x, y


def _chunk_keys(array) -> list:
    """The keys of the chunks of ``array`` along axis 0 (its other axes are single chunks)."""
    keys = array.__dask_keys__()
    return [row[0] for row in keys] if array.ndim == 2 else list(keys)


def _reduce(mlp: MLP, x, y, split_every, with_loss: bool, with_gradient: bool):
    """Mean loss (float) and mean gradient (flat float64) over all examples of ``x``/``y``.

    The graph is written out directly, one task per chunk (or per group of chunks that one
    worker holds, see :func:`_chunk_groups`) and one per node of the tree (no array layers to
    tokenize, optimize or finalize): every extra task or tree level is a round trip through
    the scheduler, which costs more than the work of adding gradient vectors. The tree stops
    at ``split_every`` partial sums, which come back here and are added last.
    """
    split_every = _helper.split_every(split_every) or _SPLIT_EVERY
    network = _Network.of(mlp)
    x_keys, y_keys = _chunk_keys(x), _chunk_keys(y)
    groups = _chunk_groups(x, len(x_keys))
    token = tokenize(x.name, y.name, network, with_loss, with_gradient, split_every, groups)
    name = f"fastgrad-gradient-{token}"
    # the one _Network object in every task: pickled once per graph (pickle shares it), and
    # no extra task (and, on a cluster, no transfer between workers) for it
    graph: dict = {}
    level = []
    for i, group in enumerate(groups):
        key = (name, 0, i)
        if len(group) == 1:
            graph[key] = (_block_sums, x_keys[group[0]], y_keys[group[0]], network, with_loss,
                          with_gradient)  # fmt: skip
        else:
            chunks = [k for j in group for k in (x_keys[j], y_keys[j])]
            graph[key] = (_group_sums, network, with_loss, with_gradient, *chunks)
        level.append(key)
    depth = 0
    while len(level) > split_every:
        depth += 1
        nodes = []
        for start in range(0, len(level), split_every):
            key = (name, depth, len(nodes))
            graph[key] = (_add, *level[start : start + split_every])
            nodes.append(key)
        level = nodes
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=[x, y])
    partial_sums = dask.compute(*(Delayed(key, hlg, layer=name) for key in level))
    mean = _add(*partial_sums) / x.shape[0]  # the root of the tree, here
    return float(mean[0]), mean[1:]


def _unflatten(mlp: MLP, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """A flat float64 gradient (layer by layer) as ``(grad_weights, grad_biases)`` in the
    network's dtype."""
    grad_weights, grad_biases = [], []
    offset = 0
    for weight, bias in zip(mlp.weights, mlp.biases, strict=True):
        grad_weights.append(flat[offset : offset + weight.size].reshape(weight.shape))
        offset += weight.size
        grad_biases.append(flat[offset : offset + bias.size])
        offset += bias.size
    with _quiet():  # float64 -> float32 may overflow to Inf, as the float32 gradient itself would
        return (
            [g.astype(mlp.dtype) for g in grad_weights],
            [g.astype(mlp.dtype) for g in grad_biases],
        )


def gradient(
    mlp: MLP, x: da.Array, y: da.Array, *, split_every: int | None = None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The exact gradient of the mean loss over all examples, computed chunk by chunk.

    Each chunk of examples is a task: :meth:`fastgrad.MLP.gradient` on it, times its number of
    examples (its gradient *sum*). The sums are added in a tree of fan-in ``split_every``
    (whose root is added in this process) and divided by the total number of examples.

    Parameters
    ----------
    mlp : fastgrad.MLP
        The network (not modified; its architecture and parameters are sent to the workers).
    x : dask.array.Array, shape (n_samples, sizes[0])
        Examples, chunked along axis 0 (chunks along axis 1 are merged).
    y : dask.array.Array
        Integer class labels ``(n_samples,)`` or target rows ``(n_samples, sizes[-1])``, chunked
        exactly like ``x`` along axis 0.
    split_every : int, optional
        Fan-in of the reduction tree (>= 2), default 16. The workers add the chunk sums in
        nodes of ``split_every`` until at most ``split_every`` partial sums are left, which are
        added here (the root). Each level of the tree costs a round trip through the
        scheduler while adding gradient vectors is cheap, hence a wider default than Dask's
        array reductions (4); lower it when ``split_every`` gradients at once are too large for
        one worker or for this process.

    Returns
    -------
    grad_weights : list of numpy.ndarray, shaped like ``mlp.weights``
    grad_biases : list of numpy.ndarray, shaped like ``mlp.biases``
        In the network's dtype; computed now, on the active Dask scheduler (a
        ``dask.distributed.Client``'s cluster if there is one).

    Raises
    ------
    TypeError
        ``mlp`` not a fastgrad.MLP; ``x`` or ``y`` not a dask array, or of a non-real dtype;
        1-D ``y`` that is not integer.
    ValueError
        Wrong shapes (the message names ``x`` or ``y``), ``x`` and ``y`` chunked differently
        along axis 0, unknown chunk sizes, no examples, ``split_every < 2``. Raised while the
        graph is built. NaN/Inf in ``x`` or ``y`` and labels out of range raise the network's
        ValueError when the offending chunk is computed (no partial result is returned).

    Notes
    -----
    .. math::
        \\nabla C = \\frac{1}{n} \\sum_{c} n_c \\, \\nabla C_c

    with :math:`C_c` the mean cost over chunk :math:`c` of :math:`n_c` examples. The chunk sums
    are added in float64 whatever the network's dtype, so the result equals
    ``mlp.gradient(x.compute(), y.compute())`` up to rounding (about 1e-15 relative in
    float64; float32 networks compute each chunk in float32, as ``mlp.gradient`` does).

    See Also
    --------
    fastgrad.MLP.gradient, loss, fit

    Examples
    --------
    >>> import dask.array as da, numpy as np, fastgrad, fastgrad.dask
    >>> net = fastgrad.MLP([4, 3, 2], seed=0)
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.standard_normal((100, 4)), rng.integers(0, 2, 100)
    >>> gw, gb = fastgrad.dask.gradient(net, da.from_array(x, 25), da.from_array(y, 25))
    >>> bool(np.allclose(gw[0], net.gradient(x, y)[0][0]))
    True
    """
    mlp, x, y = _checked(mlp, x, y)
    _, flat = _reduce(mlp, x, y, split_every, with_loss=False, with_gradient=True)
    return _unflatten(mlp, flat)


def loss(mlp: MLP, x: da.Array, y: da.Array, *, split_every: int | None = None) -> float:
    """The mean loss over all examples, computed chunk by chunk (see :func:`gradient`).

    Parameters, checks and errors as :func:`gradient`.

    Returns
    -------
    float
        Equal to ``mlp.loss(x.compute(), y.compute())`` up to rounding.

    See Also
    --------
    fastgrad.MLP.loss, gradient
    """
    mlp, x, y = _checked(mlp, x, y)
    value, _ = _reduce(mlp, x, y, split_every, with_loss=True, with_gradient=False)
    return value


def fit(
    mlp: MLP,
    x: da.Array,
    y: da.Array,
    steps: int,
    learning_rate: float,
    *,
    split_every: int | None = None,
) -> dict[str, list[float]]:
    """Train by full-batch gradient descent, each step one distributed :func:`gradient`.

    Parameters
    ----------
    mlp : fastgrad.MLP
        Trained in place.
    x, y : dask.array.Array
        As in :func:`gradient`. Every step reads all of them: persist them first
        (``x, y = dask.persist(x, y)``) when they are costly to compute.
    steps : int
        Gradient steps (>= 1).
    learning_rate : float
        :math:`\\eta > 0`: each step is :math:`\\theta \\leftarrow \\theta - \\eta \\nabla C`.
    split_every : int, optional
        As in :func:`gradient`.

    Returns
    -------
    dict
        ``{"loss": [...]}``: the mean loss over all examples before each step.

    Raises
    ------
    FloatingPointError
        The loss or the updated parameters became NaN/Inf; the parameters are left as they were
        before that step, and the exception's ``history`` attribute holds the losses so far.
    TypeError, ValueError
        As :func:`gradient`, and for ``steps``/``learning_rate``.

    Notes
    -----
    Each step computes, per chunk, the loss and the gradient (two passes: a forward pass for
    :meth:`fastgrad.MLP.loss`, then forward and backward for :meth:`fastgrad.MLP.gradient`).

    See Also
    --------
    fastgrad.MLP.fit : mini-batch SGD on one machine.
    """
    mlp, x, y = _checked(mlp, x, y)
    steps = _helper.positive_int(steps, "steps")
    learning_rate = _helper.positive_float(learning_rate, "learning_rate")
    _helper.split_every(split_every)
    history: dict[str, list[float]] = {"loss": []}
    for step in range(steps):
        value, flat = _reduce(mlp, x, y, split_every, with_loss=True, with_gradient=True)
        grad_weights, grad_biases = _unflatten(mlp, flat)
        with _quiet():
            weights = [
                w - learning_rate * g for w, g in zip(mlp.weights, grad_weights, strict=True)
            ]
            biases = [b - learning_rate * g for b, g in zip(mlp.biases, grad_biases, strict=True)]
        if not np.isfinite(value) or not all(np.isfinite(p).all() for p in weights + biases):
            error = FloatingPointError(
                f"training diverged at step {step + 1}: the loss or a parameter update is NaN "
                f"or Inf; the parameters are left as they were before that step (try a smaller "
                f"learning_rate than {learning_rate})"
            )
            error.history = history
            raise error
        history["loss"].append(value)
        mlp.weights = weights
        mlp.biases = biases
    return history


def forward(mlp: MLP, x: da.Array) -> da.Array:
    """The network output for every example, chunk by chunk (lazy).

    Parameters
    ----------
    mlp : fastgrad.MLP
    x : dask.array.Array, shape (n_samples, sizes[0])
        Chunked along axis 0 (chunks along axis 1 are merged).

    Returns
    -------
    dask.array.Array, shape (n_samples, sizes[-1])
        In the network's dtype, chunked like ``x`` along axis 0. NaN/Inf in a chunk of ``x``
        raise the network's ValueError when that chunk is computed.

    See Also
    --------
    fastgrad.MLP.forward, predict
    """
    mlp = _helper.network(mlp)
    x = _helper.dask_inputs(x, mlp.sizes[0])
    network = dask.delayed(_Network.of(mlp), pure=True)
    return da.blockwise(
        _block_forward, "ij", x, "ik", network, None,
        new_axes={"j": mlp.sizes[-1]}, dtype=mlp.dtype, concatenate=True,
        meta=np.empty((0, 0), dtype=mlp.dtype), token="fastgrad-forward",
    )  # fmt: skip


def predict(mlp: MLP, x: da.Array) -> da.Array:
    """The predicted class (argmax of the output, first on ties) of every example (lazy).

    Parameters and errors as :func:`forward`.

    Returns
    -------
    dask.array.Array of int64, shape (n_samples,)
        Chunked like ``x`` along axis 0.

    See Also
    --------
    fastgrad.MLP.predict, forward
    """
    mlp = _helper.network(mlp)
    x = _helper.dask_inputs(x, mlp.sizes[0])
    network = dask.delayed(_Network.of(mlp), pure=True)
    return da.blockwise(
        _block_predict, "i", x, "ij", network, None,
        dtype=np.int64, concatenate=True, meta=np.empty(0, dtype=np.int64),
        token="fastgrad-predict",
    )  # fmt: skip
