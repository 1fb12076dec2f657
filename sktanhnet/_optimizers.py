"""SGD (momentum, Nesterov, learning-rate schedules) and Adam on one flat parameter vector.

They update ``params`` in place from ``grad``, know nothing of networks and print nothing. The
updates are scikit-learn's (``sklearn/neural_network/_stochastic_optimizers.py``), written with
preallocated scratch space so that a step makes no temporary arrays. Their state is a dict of plain
arrays and numbers (``state()``), so a fitted estimator holds no custom objects.

Speed: an update is a handful of elementwise passes over every parameter. On a large vector each
pass would stream all of its arrays through memory, so the passes run on cache-sized chunks, one
chunk at a time. ``step`` can also add an L2 term's gradient, l2 * params, over given ranges of
the vector (a network's weights, not its biases) inside the same chunks, while they are in cache.
(Splitting the chunks between two threads was measured and dropped: right after the matrix
products, BLAS's own worker thread still holds the second core, and the split ran slower.)

Other array namespaces (``ops``, from ``_array_ops``) run the same updates on their device, on
the whole vector at once: there, one call per pass costs less than the chunks would. A compiled
kernel set (``_compiled``, the ``fast`` extra) runs each update, L2 term included, as one pass
(``ops.adam_kernel``, ``ops.sgd_kernel``), with the same operations in the same order.
"""

import warnings

import numpy as np

from ._array_ops import NUMPY
from ._validation import user_stacklevel

# Bytes of each array per chunk. Measured on a 2-core machine with 512 KiB of L2 per core
# (Adam, 0.1-0.7 M parameters): 512 KiB is 5-15% faster per step than 256 KiB, and 1-1.5x
# faster than no chunks on the largest vector; below 128 KiB, NumPy's per-call cost dominates.
CHUNK_BYTES = 2**19
_NONE = ()

#: The key of each solver's first moment in its ``state()``: what tells whose state it is.
_MOMENT = {"sgd": "velocity", "adam": "first_moment"}
#: The estimator's parameters that each solver's optimizer is made with, in its arguments' order.
OPTIMIZER_PARAMS = {
    "sgd": ("learning_rate_init", "learning_rate", "momentum", "nesterovs_momentum", "power_t"),
    "adam": ("learning_rate_init", "beta_1", "beta_2", "epsilon"),
}


def make_optimizer(solver, estimator_params, n_params, dtype, state=None, ops=NUMPY):
    """The optimizer of ``solver`` ("sgd" or "adam") over ``n_params`` parameters, made with
    the estimator's parameters (a dict); or, given the ``state()`` of one of that solver, that
    one continued, with the settings it was made with: as in scikit-learn's MLP, ``partial_fit``
    goes on with the optimizer of its first call, and another solver starts afresh."""
    kind = SGD if solver == "sgd" else Adam
    settings = {name: estimator_params[name] for name in OPTIMIZER_PARAMS[solver]}
    if state is not None and _MOMENT[solver] not in state:
        state = None
    if state is not None:
        settings.update(state.get("settings", {}))  # (a model pickled before they were kept)
        state = {  # the state of a partial_fit on another namespace or device: moved to this one
            key: ops.adopt(value) if key.endswith(("moment", "velocity")) else value
            for key, value in state.items()
        }
    return kind(n_params, dtype, *settings.values(), state=state, ops=ops)


def unapplied_settings(solver, estimator_params, state):
    """Warn where ``partial_fit`` goes on with an optimizer made with other settings than the
    estimator's parameters now have (``set_params`` after the first call)."""
    if _MOMENT[solver] not in state:
        return  # another solver's: ``make_optimizer`` starts afresh
    kept = state.get("settings", {})
    unused = () if kept.get("learning_rate") == "invscaling" else ("power_t",)  # no effect there
    changed = [
        f"{name}={estimator_params[name]!r} (kept: {kept[name]!r})"
        for name in OPTIMIZER_PARAMS[solver]
        if name in kept and name not in unused and estimator_params[name] != kept[name]
    ]
    if changed:
        warnings.warn(
            f"partial_fit goes on with the {solver} optimizer of its first call, as "
            f"scikit-learn's MLP does, and does not apply {', '.join(changed)}. Call fit to "
            "train anew with them.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


class _Chunks:
    """The chunks of [0, size) and, for each, the parts of the ``penalized`` slices inside it."""

    def __init__(self, size, penalized, itemsize, whole=False):
        self.size, self.penalized, self.itemsize = size, penalized, itemsize
        chunk = max(1, size if whole else CHUNK_BYTES // itemsize)
        self.chunks = []
        for lo in range(0, size, chunk):
            hi = min(lo + chunk, size)
            parts = [
                (max(lo, s.start), min(hi, s.stop))
                for s in penalized
                if s.start < hi and s.stop > lo
            ]
            self.chunks.append((lo, hi, parts))


def _chunks(optimizer, params, penalized):
    """The chunks, remade only when the vector's size or dtype or ``penalized`` changes."""
    cached = optimizer._chunk_cache
    size = params.shape[0]
    if cached is None or cached.size != size or cached.penalized is not penalized:
        ops = optimizer.ops
        cached = optimizer._chunk_cache = _Chunks(
            size, penalized, ops.itemsize(params.dtype), whole=not ops.is_numpy
        )
    return cached.chunks


def _segments(optimizer, params, penalized):
    """[start, stop, penalized] rows covering the vector, for a kernel set's one-pass update."""
    cached = optimizer._segment_cache
    size = params.shape[0]
    if cached is None or cached[0] != size or cached[1] is not penalized:
        rows, position = [], 0
        for s in sorted(penalized, key=lambda s: s.start):
            if s.start > position:
                rows.append((position, s.start, 0))
            rows.append((s.start, s.stop, 1))
            position = s.stop
        if position < size:
            rows.append((position, size, 0))
        cached = optimizer._segment_cache = (size, penalized, np.array(rows, dtype=np.int64))
    return cached[2]


def _add_l2(ops, params, grad, scratch, parts, l2):
    """grad += l2 * params over the given ranges (the L2 term's gradient, eq 8 extended)."""
    for lo, hi in parts:
        grad[lo:hi] += ops.multiply(params[lo:hi], l2, out=scratch[lo:hi])


class SGD:
    """v <- momentum * v - lr * g; params += v, or with Nesterov params += momentum * v - lr * g.

    learning_rate schedules: "constant"; "invscaling", lr = lr_init / (t + 1)^power_t after each
    epoch (t counts the samples seen); "adaptive", lr /= 5 each time training stops improving,
    until lr <= 1e-6.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
        state=None,
        ops=NUMPY,
    ):
        self.ops = ops
        self.learning_rate_init = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.power_t = float(power_t)
        self.learning_rate = self.learning_rate_init
        self.velocity = ops.zeros(n_params, dtype)
        if state is not None:
            self.learning_rate = float(state["learning_rate"])
            self.velocity[...] = state["velocity"]
        self._scratch = ops.empty(n_params, dtype)
        self._chunk_cache = self._segment_cache = None

    def step(self, params, grad, l2=0.0, penalized=()):
        """One update of ``params`` in place; first grad += l2 * params over ``penalized``."""
        ops, velocity, scratch = self.ops, self.velocity, self._scratch
        learning_rate, momentum, nesterov = self.learning_rate, self.momentum, self.nesterov
        kernel = ops.sgd_kernel(params.dtype)
        if kernel is not None:  # the passes below in one (``_compiled``)
            segments = _segments(self, params, penalized if l2 else _NONE)
            kernel(params, grad, velocity, segments, l2, learning_rate, momentum, nesterov)
            return
        for lo, hi, parts in _chunks(self, params, penalized if l2 else _NONE):
            _add_l2(ops, params, grad, scratch, parts, l2)
            v, s, p = velocity[lo:hi], scratch[lo:hi], params[lo:hi]
            scaled_grad = ops.multiply(grad[lo:hi], learning_rate, out=s)
            v *= momentum
            v -= scaled_grad  # v = momentum * v - lr * g
            if nesterov:
                p -= scaled_grad  # params += momentum * v - lr * g
                p += ops.multiply(v, momentum, out=s)
            else:
                p += v

    def compiled_epoch_state(self):
        """(its state: no moments and the velocity, settings, step count) for a compiled epoch
        (``_compiled``)."""
        settings = (self.learning_rate, self.momentum, float(self.nesterov))
        return (None, None, self.velocity), settings, 0

    def compiled_epoch_ends(self, t):
        """A compiled epoch has updated the state in place; the rate changes per epoch only."""

    def epoch_ends(self, samples_seen):
        """Apply the "invscaling" schedule once per epoch."""
        if self.schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (samples_seen + 1) ** self.power_t

    def no_improvement(self):
        """Training stopped improving: return True to stop, or lower the rate ("adaptive")."""
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False

    def state(self):
        """Plain copy of the state, to store on the estimator."""
        return {
            "learning_rate": self.learning_rate,
            "velocity": self.ops.copy(self.velocity),
            "settings": {
                "learning_rate_init": self.learning_rate_init,
                "learning_rate": self.schedule,
                "momentum": self.momentum,
                "nesterovs_momentum": self.nesterov,
                "power_t": self.power_t,
            },
        }


class Adam:
    """m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    params -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        state=None,
        ops=NUMPY,
    ):
        self.ops = ops
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = self.learning_rate_init
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.first_moment = ops.zeros(n_params, dtype)
        self.second_moment = ops.zeros(n_params, dtype)
        if state is not None:
            self.t = int(state["t"])
            self.learning_rate = float(state["learning_rate"])
            self.first_moment[...] = state["first_moment"]
            self.second_moment[...] = state["second_moment"]
        self._scratch = ops.empty(n_params, dtype)
        self._chunk_cache = self._segment_cache = None

    def step(self, params, grad, l2=0.0, penalized=()):
        """One update of ``params`` in place; first grad += l2 * params over ``penalized``."""
        self.t += 1
        beta_1, beta_2, epsilon = self.beta_1, self.beta_2, self.epsilon
        self.learning_rate = learning_rate = self._step_rate()
        ops, first_moment, second_moment = self.ops, self.first_moment, self.second_moment
        if not ops.is_numpy:
            learning_rate = float(learning_rate)  # the standard takes Python scalars, not NumPy's
        kernel = ops.adam_kernel(params.dtype)
        if kernel is not None:  # the passes below in one (``_compiled``)
            segments = _segments(self, params, penalized if l2 else _NONE)
            kernel(
                params,
                grad,
                first_moment,
                second_moment,
                segments,
                l2,
                beta_1,
                beta_2,
                epsilon,
                learning_rate,
            )
            return
        scratch = self._scratch

        for lo, hi, parts in _chunks(self, params, penalized if l2 else _NONE):
            _add_l2(ops, params, grad, scratch, parts, l2)
            m, v, s, g = first_moment[lo:hi], second_moment[lo:hi], scratch[lo:hi], grad[lo:hi]
            m *= beta_1
            m += ops.multiply(g, 1.0 - beta_1, out=s)  # m = b1 m + (1 - b1) g
            v *= beta_2
            ops.multiply(g, g, out=s)
            s *= 1.0 - beta_2
            v += s  # v = b2 v + (1 - b2) g^2
            ops.sqrt(v, out=s)
            s += epsilon
            ops.divide(m, s, out=s)
            s *= learning_rate
            params[lo:hi] -= s

    def compiled_epoch_state(self):
        """(its state: the two moments and no velocity, settings, step count) for a compiled
        epoch (``_compiled``)."""
        settings = (self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon)
        return (self.first_moment, self.second_moment, None), settings, self.t

    def compiled_epoch_ends(self, t):
        """After a compiled epoch of steps: the step count, and the rate of the last step."""
        if t != self.t:
            self.t = t
            self.learning_rate = self._step_rate()

    def _step_rate(self):
        """Step t's rate: lr * sqrt(1 - b2^t) / (1 - b1^t) (the bias corrections)."""
        return (
            self.learning_rate_init
            * np.sqrt(1.0 - self.beta_2**self.t)
            / (1.0 - self.beta_1**self.t)
        )

    def epoch_ends(self, samples_seen):
        """Adam has no schedule."""

    def no_improvement(self):
        """Training stopped improving: Adam always stops."""
        return True

    def state(self):
        """Plain copy of the state, to store on the estimator."""
        return {
            "t": self.t,
            "learning_rate": self.learning_rate,
            "first_moment": self.ops.copy(self.first_moment),
            "second_moment": self.ops.copy(self.second_moment),
            "settings": {
                "learning_rate_init": self.learning_rate_init,
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
            },
        }
