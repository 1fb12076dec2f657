"""The compiled kernel set: NumPy's operations with the elementwise passes fused by numba.

``NumbaOps`` is ``NumpyOps`` (``_array_ops``) with a compiled kernel (``_numba_kernels``) in
place of the NumPy passes of tanh (eq 1) and its derivative (eq 10, 11), of each output head's
activation, loss and delta (``fused_output``), of the softmax of prediction, and of the Adam and
SGD updates with their L2 term. Matrix products stay NumPy's (BLAS), and so do the gathers of
rows. ``numpy_ops`` decides which set answers, where the estimator finds X's namespace: with the
``fast`` extra (numba), the compiled set, unless ``SKTANHNET_KERNELS=numpy`` asks for NumPy's.
Nothing here imports numba until a kernel is first needed; where numba fails to import, or to
compile (or load) tanh for a dtype, that dtype gives way to NumPy's passes, with the reason in
``description`` (``verbose`` output). A cache file damaged on disk raises numba's error where
its kernel loads (the performance page: delete the cache).
"""

import os
import queue
import threading
import warnings
from contextlib import contextmanager
from importlib.util import find_spec

import numpy as np

from ._array_ops import NUMPY, NumpyOps
from ._optimizers import _segments
from ._threads import pin, processor_pair, unpin
from ._training import ROW_MAJOR_INPUTS, ROW_MAJOR_UNITS

KERNELS_VARIABLE = "SKTANHNET_KERNELS"
KERNEL_CHOICES = ("auto", "numba", "numpy")
INSTALL_HINT = 'pip install ".[fast]" (from a clone) installs numba'
# Where the two-thread epoch runs (``_training``), a vector of at least this many parameters
# has its optimizer's step split between the two threads as well. Since the threads meet by
# spinning (no hand-over), the split pays from a few thousand: against 2^17, epochs of the
# small, deep and medium networks (7,510 to 94,218 weights) took 0.89 to 0.96 times as long on
# the AVX-512 kind and 0.79 to 0.96 on the emulated AVX2 kind (alternated A/B).
TWO_THREAD_STEP = 2**12
# A first layer of at most ROW_MAJOR_UNITS units and at least ROW_MAJOR_INPUTS times as many
# inputs has its product taken row by row, X_B W_1 (``row_major`` in
# ``_numba_kernels.batch_gradient``). Measured on one OpenBLAS thread, the product with its
# transposition into the workspace against W_1^T X_B^T, 100 rows: 300 to 3000 inputs to 64
# units, 0.56 to 0.93 times the time on the AVX-512 kind and 0.50 to 1.14 on the emulated AVX2
# kind (3000 inputs: 0.50 to 0.98); W_1^T X_B^T also varied by up to 1.5x from one process to
# the next, X_B W_1 by 2%. With 100 or 128 units, or few inputs (20 to 32, 64 to 100), the
# transposition costs more than the product saves (1.0 to 1.9 times).
# (The constants live in ``_training``, whose prediction takes the same orientation in float32.)
# On two threads, a first layer of at least FEATURE_SPLIT_WEIGHTS weights, and most of the
# network's, is split between the threads by inputs rather than by rows
# (``_numba_epoch.train_epoch_part``'s ``split_at``): each gathers, multiplies, differentiates
# and steps only its half of the inputs, so that W_1, its gradient and its optimizer state stay
# in one core's cache. Against the gradient alone split by inputs, the wide workload's epochs
# (4,000 x 3,000 inputs, 64 units) took 0.92 to 0.95 times as long in float32 and 0.89 to 0.94 in
# float64 (AVX-512 kind, alternated processes).
FEATURE_SPLIT_WEIGHTS = 2**16


def kernel_choice():
    """The kernel set asked for in ``SKTANHNET_KERNELS``: "auto" (the default), "numba", "numpy"."""
    value = os.environ.get(KERNELS_VARIABLE, "auto").strip().lower() or "auto"
    if value not in KERNEL_CHOICES:
        raise ValueError(
            f"The environment variable {KERNELS_VARIABLE} must be one of "
            f"{', '.join(KERNEL_CHOICES)} (or unset); got {os.environ[KERNELS_VARIABLE]!r}."
        )
    return value


class NumbaOps(NumpyOps):
    """NumPy's operations, with numba's fused kernels for the elementwise passes.

    The kernels of a dtype are tried the first time that dtype needs one (``_for``, which compiles
    tanh): if numba fails to import or to compile, that dtype uses NumPy's passes from then on,
    and ``description`` says why.
    """

    kernels = "numba"

    def __init__(self):
        self._module = None
        self._ready = {}  # dtype -> True, or the reason it runs on NumPy's passes
        self._lock = threading.Lock()
        if hasattr(os, "register_at_fork"):  # a child forked while a thread compiled
            os.register_at_fork(after_in_child=lambda: setattr(self, "_lock", threading.Lock()))
        self._wrappers = {}  # (kind, dtype) -> the callable handed out, made once

    def _wrapper(self, kind, dtype, make):
        """``make(kernels, scalar)``'s callable for ``dtype``, made on first use; None without
        the kernels (NumPy's passes). Called once per batch: nothing is built per call."""
        kernels = self._for(dtype)
        if kernels is None or make is None:
            return None
        key = (kind, dtype)
        wrapper = self._wrappers.get(key)
        if wrapper is None:
            wrapper = self._wrappers[key] = make(kernels, np.dtype(dtype).type)
        return wrapper

    @property
    def description(self):
        failed = [f"{np.dtype(d).name}: {why}" for d, why in self._ready.items() if why is not True]
        if failed:
            return "numba, with NumPy's passes for " + "; ".join(failed)
        return "numba (compiled)"

    def _for(self, dtype):
        """The kernel module if it is compiled for ``dtype``, else None (NumPy's passes)."""
        ready = self._ready.get(dtype)
        if ready is True:
            return self._module
        if ready is not None:
            return None
        with self._lock:
            if dtype not in self._ready:
                self._ready[dtype] = self._compile(np.dtype(dtype))
        return self._module if self._ready[dtype] is True else None

    def _compile(self, dtype):
        """Load numba and compile every kernel for ``dtype`` (from its disk cache if there)."""
        try:
            if self._module is None:
                from . import _numba_kernels

                self._module = _numba_kernels
            _warm_up(self._module, dtype)
            return True
        except Exception as error:  # any failure of numba means NumPy's passes, not an error
            first_line = (str(error).strip().splitlines() or [""])[0][:200]
            why = f"numba failed ({type(error).__name__}: {first_line})"
            if kernel_choice() == "numba":  # asked for by name: said, not only in verbose
                warnings.warn(f"{KERNELS_VARIABLE}=numba, but {why}: NumPy's kernels run.")
            return why

    def prepare(self, dtype):
        """Compile (or load) the kernels for ``dtype`` now, so that ``description`` is final."""
        self._for(np.dtype(dtype))

    # ------------------------------------------------------------- the fused passes

    def tanh(self, values):
        kernels = self._for(values.dtype)
        if kernels is None or not values.flags.c_contiguous:
            return NumpyOps.tanh(self, values)
        if values.dtype == np.float32:
            kernels.tanh32(values.reshape(-1))
        else:
            kernels.tanh(values.reshape(-1))
        return values

    def tanh_backward(self, deltas, activations):
        kernels = self._for(deltas.dtype)
        if kernels is None or not (deltas.flags.c_contiguous and activations.flags.c_contiguous):
            return NumpyOps.tanh_backward(self, deltas, activations)
        kernels.tanh_backward(deltas.reshape(-1), activations.reshape(-1))
        return deltas

    def fused_output(self, out_activation, dtype):
        return self._wrapper(out_activation, dtype, _OUTPUT_KERNELS.get(out_activation))

    def fused_softmax(self, dtype):
        kernels = self._for(dtype)
        return None if kernels is None else kernels.softmax

    def fused_binary_proba(self, dtype):
        kernels = self._for(dtype)
        return None if kernels is None else kernels.binary_proba

    def adam_kernel(self, dtype):
        return self._wrapper("adam", dtype, _adam_step)

    def sgd_kernel(self, dtype):
        return self._wrapper("sgd", dtype, _sgd_step)

    def epoch_kernel(
        self, layout, params, X, target, sample_weight, settings, optimizer, threads=1
    ):
        """A whole epoch of mini-batches in one compiled call, or None (the batch loop runs).

        For dense NumPy X of the weights' dtype, the softmax, logistic and identity heads, and
        Adam or SGD; the rest (sparse X, Poisson) keeps ``_training``'s batch loop, with the
        fused passes above. Returns ``run(order) -> sum over batches of loss x rows``.

        With ``threads=2`` (BLAS held to one thread by the caller), each batch's rows are split
        in two halves, whose gradients two threads compute at once (``_two_threads``).
        """
        kernels = self._for(params.dtype)
        if (
            kernels is None
            or not isinstance(X, np.ndarray)
            or X.dtype != params.dtype
            or settings.out_activation not in kernels.HEADS
        ):
            return None
        layers = np.array(
            [
                (coef.start, intercept.start, fan_in, fan_out)
                for coef, intercept, (fan_in, fan_out) in zip(
                    layout.coef_slices, layout.intercept_slices, layout.shapes
                )
            ],
            dtype=np.int64,
        )
        # the head's targets, the other two None: numba compiles only the branch of the one head
        classes = indicator = values = None
        if settings.out_activation == "softmax":
            classes, n_columns = np.ascontiguousarray(target, dtype=np.int64), 0
        else:
            if target.ndim != 2:
                return None
            # 0/1 indicators (binary, multilabel) or float targets, in the weights' dtype
            targets = np.ascontiguousarray(target, dtype=params.dtype)
            n_columns = targets.shape[1]
            if settings.out_activation == "logistic":
                indicator = targets
            else:
                values = targets
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
        grad = np.empty_like(params)
        segments = _segments(optimizer, params, layout.coef_slices)
        inputs, units = layout.shapes[0]
        row_major = bool(units <= ROW_MAJOR_UNITS and inputs >= ROW_MAJOR_INPUTS * units)
        weights = inputs * units
        split_at = 0
        if threads > 1 and len(layout.shapes) > 1 and inputs > 1:
            if weights >= FEATURE_SPLIT_WEIGHTS and 2 * weights >= params.shape[0]:
                split_at = inputs // 2
        # the buffers shared by the two threads where they split the first layer by inputs (None
        # otherwise: numba then compiles the epoch without that code)
        batch_rows = batch_delta = None
        if split_at:
            batch_rows = np.empty(settings.batch_size * inputs, params.dtype)
            # delta_1^T, and the two threads' parts of Z_1
            batch_delta = np.empty(3 * settings.batch_size * units, params.dtype)
        from ._numba_epoch import ALONE, SYNC_SIZE, train_epoch_part

        def arguments(order, other):
            """``train_epoch_part``'s arguments before its thread's own, for this epoch."""
            state, hyper, t = optimizer.compiled_epoch_state()
            return (
                X, np.ascontiguousarray(order, dtype=np.int64), classes, indicator, values,
                sample_weight, settings.batch_size, params, grad, other, layers,
                float(settings.alpha), *state, segments,
                np.asarray(hyper, dtype=np.float64), t, row_major, split_at, batch_rows,
                batch_delta,
            )  # fmt: skip

        def buffers():
            # split by inputs, the two threads gather into ``batch_rows`` (shared), not their own
            gather_rows = 0 if split_at else settings.batch_size
            return epoch_buffers(X, n_columns, settings.batch_size, layers, gather_rows)

        if threads > 1:
            # where the first layer's gradient is split by inputs, each thread steps its rows
            halves = layout.coef_slices[0].start + split_at * units if split_at else None
            return _two_threads(arguments, buffers, grad, optimizer, halves)
        alone = (buffers(), np.zeros(SYNC_SIZE, np.int64), 0, np.zeros(2))

        def run(order):
            total, t = train_epoch_part(ALONE, *arguments(order, grad[:0]), *alone)
            optimizer.compiled_epoch_ends(t)
            return total

        return run


def epoch_buffers(X, n_columns, batch_size, layers, gather_rows):
    """The work arrays of ``_numba_kernels.batch_gradient`` for batches of up to ``batch_size``
    rows (allocated here, in NumPy: compiled, each ``np.empty`` would cost a cold start).

    Room for ``gather_rows`` rows of X (``batch_size``, or 0 where the rows are gathered into a
    buffer shared by two threads); Z_l^T then A_l^T (feature-major, ``_layout.Workspace``'s
    layout), one buffer per layer; the deltas of the hidden layers; the batch's targets (class
    indices, and ``n_columns`` columns of indicators or values) and row weights.
    """
    room = (len(layers), int(layers[:, 3].max()) * batch_size)
    return (
        np.empty(gather_rows * X.shape[1], X.dtype),
        np.empty(room, X.dtype),
        np.empty(room, X.dtype),
        np.empty(batch_size, np.int64),
        np.empty((batch_size, n_columns), X.dtype),
        np.empty(batch_size, np.float64),
    )


def _two_threads(arguments, buffers, grad, optimizer, halves=None):
    """``run(order)`` of ``epoch_kernel`` on two threads: each batch's first half of rows on the
    calling thread, its second half on a helper thread, at once (BLAS runs one thread in each),
    then the two gradients added in the step, whose two halves of the vector also run on the two
    threads where it has ``TWO_THREAD_STEP`` parameters. ``halves``, where given, is where the
    second thread's part of the step begins (the feature split of ``epoch_kernel``).

    Both threads run ``_numba_epoch.train_epoch_part`` (roles 0 and 1) and meet twice per batch
    on shared flags. The batches, their rows and the step are the one-thread epoch's; only the
    batch's gradient is summed in two parts, so the model is the one-thread model's to rounding.
    The helper thread starts with the first epoch and ends with ``run.close()`` (``_training``
    calls it when training ends, however it ends). ``arguments(order, other)`` and
    ``buffers()`` as in ``epoch_kernel``.
    """
    from ._numba_epoch import ABORT, SYNC_SIZE, train_epoch_part

    other = np.empty_like(grad)
    sync, shared = np.zeros(SYNC_SIZE, np.int64), np.zeros(2)
    size = grad.shape[0]
    # the optimizer's step on two threads too where it is long enough to pay for the split
    if halves is None:
        halves = size // 2 if size >= TWO_THREAD_STEP else 0
    own = [(buffers(), sync, halves, shared) for _ in "ab"]  # role 0's, role 1's
    tasks, results = queue.SimpleQueue(), queue.SimpleQueue()
    helper = []
    # each thread on its own processor while an epoch runs: the helper for good, the calling
    # thread epoch by epoch, so that the user's code between epochs (a scorer, a callback, and
    # any thread it starts, which would inherit the pin) runs where it would have run
    pair = processor_pair()

    def work():
        if pair:
            pin(pair[1])
        while (task := tasks.get()) is not None:
            try:
                results.put(train_epoch_part(1, *task))
            except BaseException as error:  # raised again on the calling thread
                sync[ABORT] = 1
                results.put(error)

    def run(order):
        if not helper:
            helper.append(threading.Thread(target=work, daemon=True))
            helper[0].start()
        sync[:] = 0
        common = arguments(order, other)
        former = pin(pair[0]) if pair else None
        try:
            tasks.put((*common, *own[1]))
            try:
                total, t = train_epoch_part(0, *common, *own[0])
            except BaseException:
                sync[ABORT] = 1  # the helper stops waiting, and its epoch ends
                results.get()
                raise
            failed = results.get()
        finally:
            unpin(former)
        if isinstance(failed, BaseException):
            raise failed
        optimizer.compiled_epoch_ends(t)
        return total

    def close():
        if helper:
            tasks.put(None)
            helper.pop().join()

    run.close = close
    return run


# The wrappers of the output heads' and optimizers' kernels: ``make(kernels, scalar)`` gives the
# callable that ``_network`` or ``_optimizers`` calls, scalars in the arrays' dtype (s: float64).


def _head(name):
    def make(kernels, scalar):
        kernel = getattr(kernels, name)

        def output_loss_and_delta(logits, target, row_weights, normalizer):
            return kernel(logits, target, row_weights, float(normalizer))  # s: float64

        return output_loss_and_delta

    return make


_OUTPUT_KERNELS = {
    "softmax": _head("softmax_loss_delta"),
    "logistic": _head("logistic_loss_delta"),
    "identity": _head("identity_loss_delta"),
}  # "exp" (Poisson) has none: NumPy's passes


def _adam_step(kernels, scalar):
    def adam_step(params, grad, first, second, segments, l2, b1, b2, epsilon, rate):
        kernels.adam_step(
            params,
            grad,
            grad[:0],
            0,
            params.shape[0],
            first,
            second,
            segments,
            scalar(l2),
            scalar(b1),
            scalar(1.0 - b1),
            scalar(b2),
            scalar(1.0 - b2),
            scalar(epsilon),
            np.float64(rate),
        )

    return adam_step


def _sgd_step(kernels, scalar):
    def sgd_step(params, grad, velocity, segments, l2, rate, momentum, nesterov):
        kernels.sgd_step(
            params,
            grad,
            grad[:0],
            0,
            params.shape[0],
            velocity,
            segments,
            scalar(l2),
            scalar(rate),
            scalar(momentum),
            bool(nesterov),
        )

    return sgd_step


def _warm_up(kernels, dtype):
    """Compile (or load from the cache) tanh for ``dtype``: proves that numba works here.

    The other kernels compile, or load, on their first call (a few milliseconds each from the
    cache): warming them all up would cost a short job more than its training saves.
    """
    values = np.linspace(-1.0, 1.0, 6).astype(dtype)
    (kernels.tanh32 if dtype == np.float32 else kernels.tanh)(values)


_COMPILED = None
_HAS_NUMBA = None

# The command line runs one job per process, which alone pays numba's start-up (importing it,
# its compiler's context, loading the kernels from the disk cache: about half a second). A job
# of fewer multiply-adds than SHORT_JOB_WORK (rows x weights x epochs, over all its fits) runs
# NumPy's kernels under "auto": the main job, digits with 100 units (2e9), trains in 0.36 s with
# them, in 0.1 s with the compiled ones after 0.45 s of start-up. A library keeps the compiled.
SHORT_JOB_WORK = 10**10
_short_job = False


@contextmanager
def one_job():
    """The command line's job: ``short_job``'s choice holds until the block ends."""
    global _short_job
    try:
        yield
    finally:
        _short_job = False


def short_job(work):
    """Within ``one_job``: NumPy's kernels for a job of ``work`` multiply-adds below
    ``SHORT_JOB_WORK``, where ``SKTANHNET_KERNELS`` is "auto" (unset); returns whether."""
    global _short_job
    _short_job = kernel_choice() == "auto" and work < SHORT_JOB_WORK
    return _short_job


def describe(ops):
    """Which kernels ``ops`` runs, and why, in a few words (for ``verbose`` output)."""
    if ops is not NUMPY:
        return ops.description
    if kernel_choice() == "numpy":
        return f"numpy ({KERNELS_VARIABLE}=numpy)"
    if find_spec("numba") is None:
        return f"numpy (numba is not installed: {INSTALL_HINT})"
    return (
        "numpy (a short job: numba's start-up would cost it more than the compiled kernels "
        f"save; {KERNELS_VARIABLE}=numba runs them)"
    )


def numpy_ops():
    """The kernel set for NumPy input: compiled where numba is installed, unless told otherwise.

    ``SKTANHNET_KERNELS``: "auto" (default) uses numba where it is installed (not for the command
    line's short jobs, ``short_job``), "numpy" NumPy's passes, "numba" numba (NumPy's passes and
    a warning where it is missing or fails). Read at each call: it may change between fits."""
    global _COMPILED, _HAS_NUMBA
    choice = kernel_choice()
    if choice == "numpy" or (choice == "auto" and _short_job):
        return NUMPY
    if _HAS_NUMBA is None:
        _HAS_NUMBA = find_spec("numba") is not None
    if not _HAS_NUMBA:
        if choice == "numba":
            warnings.warn(
                f"{KERNELS_VARIABLE}=numba, but numba is not installed: NumPy's kernels run "
                f"instead ({INSTALL_HINT}).",
                stacklevel=3,
            )
        return NUMPY
    if _COMPILED is None:
        _COMPILED = NumbaOps()
    return _COMPILED
