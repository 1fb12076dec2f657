"""The few array operations that differ between NumPy and other array API namespaces.

The network (``_network``), the optimizers and the training loops are written once, with the
standard's functions and operators (``+=``, ``x[...] = y``, ``.T``) and with the primitives below
for what the standard leaves out: writing a result into an existing buffer, an elementwise
function in place, a gather of rows into a buffer, a scalar that stays on the device. Each
primitive has a NumPy fast path (``NumpyOps``: ``out=`` arguments, no temporaries; the network
multiplies scipy.sparse X itself) and a portable path (``ArrayApiOps``: any namespace that
follows the standard, such as PyTorch, CuPy or array-api-strict, on any device).

The estimator finds the namespace and device once, from X, and hands the matching object down
with the arrays; nothing below it asks again which library an array comes from. NumPy input
never imports anything beyond NumPy and scipy; ``array_api_compat`` is imported only for other
namespaces (the ``array-api`` extra).
"""

import contextlib

import numpy as np

from ._host import check_dense_tensor, check_real, is_numpy_array, to_numpy


class NoFusedKernels:
    """What a kernel set without compiled kernels answers: no fused pass, so that ``_network``,
    ``_optimizers`` and ``_training`` run their own passes (``_compiled.NumbaOps`` has them)."""

    def prepare(self, dtype):
        """Get the kernels for ``dtype`` ready (a compiled set compiles them here)."""

    def fused_output(self, out_activation, dtype):
        """An output head's activation, loss and delta in one pass, or None."""
        return None

    def fused_softmax(self, dtype):
        """eq 2 in place in one pass, or None."""
        return None

    def fused_binary_proba(self, dtype):
        """(h2)'s two columns of probabilities in one pass, or None."""
        return None

    def adam_kernel(self, dtype):
        """Adam's update with its L2 term in one pass, or None."""
        return None

    def sgd_kernel(self, dtype):
        """SGD's update with its L2 term in one pass, or None."""
        return None

    def epoch_kernel(
        self, layout, params, X, target, sample_weight, settings, optimizer, threads=1
    ):
        """A whole epoch of mini-batches in one call (on ``threads`` threads), or None."""
        return None


class NumpyOps(NoFusedKernels):
    """NumPy: results written into the given buffers, elementwise passes in place."""

    is_numpy = True
    xp = np
    device = None
    name = "numpy"
    kernels = "numpy"  # the kernel set (``_compiled.NumbaOps``: "numba")
    description = "numpy"
    float_dtypes = (np.float64, np.float32)

    def empty(self, shape, dtype):
        return np.empty(shape, dtype=dtype)

    def zeros(self, shape, dtype):
        return np.zeros(shape, dtype=dtype)

    def asarray(self, values, dtype=None):
        """``values`` (a NumPy array or list) as an array of this namespace and device."""
        return np.asarray(values, dtype=dtype)

    def copy(self, array):
        return array.copy()

    def to_numpy(self, array):
        return array

    def adopt(self, array, dtype=None):
        """An array of any namespace (or a list) as one of this namespace and device."""
        return np.asarray(to_numpy(array), dtype=dtype)

    def itemsize(self, dtype):
        return np.dtype(dtype).itemsize

    def host_dtype(self, dtype):
        """The NumPy dtype of a float ``dtype`` of this namespace (for host-side targets)."""
        return np.float64 if self.itemsize(dtype) == 8 else np.float32

    def astype(self, array, dtype):
        return array.astype(dtype)  # NumPy < 2 has no np.astype

    def reshape(self, array, shape):
        """A view of contiguous ``array`` with the given shape."""
        return array.reshape(shape)

    def concat(self, arrays, axis):
        """A new array joining ``arrays`` along ``axis`` (NumPy < 2 has no np.concat)."""
        return np.concatenate(arrays, axis=axis)

    def input_array(self, array, name):
        """An input as the estimator computes on it (scikit-learn's checks refuse complex X).

        An array of another namespace given without dispatch comes to the host as NumPy, as
        scikit-learn would take it, through ``to_numpy``: a bfloat16 tensor too.
        """
        return array if is_numpy_array(array) else to_numpy(array, name)

    def errstate(self):
        """exp(-2z) in ``tanh`` overflows to inf for z < -354, and gives -1 as it should."""
        return np.errstate(over="ignore")

    # out = left @ right and the like, for dense arrays (the network multiplies sparse X
    # itself): NumPy's own functions, called with out=, without a Python frame of ours.
    matmul = staticmethod(np.matmul)
    multiply = staticmethod(np.multiply)
    divide = staticmethod(np.divide)
    subtract = staticmethod(np.subtract)
    sqrt = staticmethod(np.sqrt)

    def tanh(self, values):
        """tanh in place, as 2 / (1 + exp(-2z)) - 1.

        The same function as ``np.tanh``, within one unit of roundoff of 1. In float64 as fast
        as ``np.tanh`` or faster (up to 2 times, with NumPy 1.23 without AVX-512); in float32
        2 to 3 times faster with NumPy 1.23 without AVX-512, 1.2 to 2.5 times slower with NumPy
        2.4 and with NumPy 1.23 on AVX-512 (docs/user_guide/performance.rst, "Tanh").
        """
        np.multiply(values, -2.0, out=values)
        np.exp(values, out=values)
        values += 1.0
        np.divide(2.0, values, out=values)
        values -= 1.0
        return values

    def tanh_backward(self, deltas, activations):
        """deltas *= 1 - A^2 in place (eq 11: tanh' from the stored output); overwrites A."""
        np.multiply(activations, activations, out=activations)
        np.subtract(1.0, activations, out=activations)
        deltas *= activations
        return deltas

    def exp(self, values):
        """exp in place."""
        return np.exp(values, out=values)

    def log(self, values):
        """log in place."""
        return np.log(values, out=values)

    def clip(self, values, low, high):
        """Clip in place."""
        return np.clip(values, low, high, out=values)

    def sum(self, values, axis, out=None):
        """Sum over ``axis``, into ``out`` when given."""
        return values.sum(axis=axis, out=out)

    def max(self, values, axis):
        return values.max(axis=axis)  # the method: np.max costs a microsecond more per call

    def sigmoid(self, values):
        """1 / (1 + exp(-z)) in place, without overflow."""
        # exp(-|Z|) is in (0, 1]; sigmoid(Z) = 1 / (1 + e) for Z >= 0 and e / (1 + e) otherwise.
        negative = values < 0
        np.abs(values, out=values)
        np.negative(values, out=values)
        np.exp(values, out=values)
        numerator = np.where(negative, values, 1.0)
        values += 1.0
        np.divide(numerator, values, out=values)
        return values

    def log_sigmoid(self, values):
        """log sigmoid(z) = -log(1 + exp(-z)) = -logaddexp(0, -z), in place."""
        np.negative(values, out=values)
        np.logaddexp(0.0, values, out=values)
        np.negative(values, out=values)
        return values

    def softplus(self, values):
        """log(1 + exp(z)), a new array."""
        return np.logaddexp(0.0, values)

    def take_rows(self, array, index, buffer):
        """Rows ``index`` of ``array``: gathered into ``buffer`` (dense), a small CSR (sparse)."""
        if isinstance(index, slice) or buffer is None:
            return array[index]
        # mode="clip" (the indices are valid): with the default mode="raise", np.take writes
        # into a temporary and copies it to ``out``.
        return array.take(index, axis=0, out=buffer[: len(index)], mode="clip")

    def true_class(self, logits, target, workspace):
        """Where each row's true class sits in Z^T (k, n): flat positions y_i * n + i."""
        n_rows = logits.shape[1]
        true_index = np.multiply(target, n_rows, out=workspace.true_index[:n_rows])
        true_index += workspace.row_numbers[:n_rows]
        return true_index

    def take_true_class(self, logits, true_class):
        """Z[i, y_i] for every row i."""
        return logits.reshape(-1).take(true_class)

    def subtract_true_class(self, probabilities, true_class):
        """P - Y for one-hot Y: 1 taken off each row's true class, in place."""
        probabilities.reshape(-1)[true_class] -= 1.0

    def dot(self, left, right):
        """The inner product of two vectors, as a Python float."""
        return float(np.dot(left, right))

    def scalar(self, value):
        """A 0-d result as a Python float (the portable path keeps it on the device)."""
        return float(value)

    def all_finite(self, array):
        return bool(np.isfinite(array).all())


def _detached(array):
    """A PyTorch tensor without its autograd graph (``detach()``); anything else as it is."""
    detach = getattr(array, "detach", None)
    return detach() if callable(detach) else array


class ArrayApiOps(NoFusedKernels):
    """Any array API namespace: new arrays from the standard's functions, copied into buffers.

    The same methods as ``NumpyOps``, each with the standard's functions only (no subclass of
    it, so that a method missing here fails loudly instead of calling NumPy).
    """

    is_numpy = False

    def __init__(self, xp, device):
        self.xp, self.device = xp, device
        self.name = xp.__name__.removeprefix("array_api_compat.")
        self.kernels = self.name
        self.description = f"{self.name} on {device} (array API)"
        self.float_dtypes = (xp.float64, xp.float32)

    def empty(self, shape, dtype):
        return self.xp.empty(shape, dtype=dtype, device=self.device)

    def zeros(self, shape, dtype):
        return self.xp.zeros(shape, dtype=dtype, device=self.device)

    def asarray(self, values, dtype=None):
        if isinstance(values, np.ndarray) and not values.flags.writeable:
            # a read-only array (pandas 3's views, a memmap): PyTorch would share its memory
            # and warn that writing to the tensor is undefined; the estimator's own copy instead
            values = values.copy()
        return self.xp.asarray(values, dtype=dtype, device=self.device)

    def copy(self, array):
        return self.xp.asarray(array, copy=True)

    def to_numpy(self, array):
        return to_numpy(array)

    def adopt(self, array, dtype=None):
        if is_numpy_array(array) and not isinstance(array, np.ndarray):
            array = np.asarray(array)  # lists, DataFrames: through NumPy
        return self.asarray(_detached(array), dtype)

    def itemsize(self, dtype):
        return self.xp.finfo(dtype).bits // 8

    def host_dtype(self, dtype):
        return np.float64 if self.itemsize(dtype) == 8 else np.float32

    def astype(self, array, dtype):
        return self.xp.astype(array, dtype)

    def reshape(self, array, shape):
        return self.xp.reshape(array, shape)

    def concat(self, arrays, axis):
        return self.xp.concat(arrays, axis=axis)

    def input_array(self, array, name):
        """Refuse complex input (as NumPy's checks do); leave an autograd graph behind.

        A PyTorch tensor that requires grad is detached: the estimator writes into its own
        buffers and returns outputs without a graph (the weights are trained by hand, not by
        autograd).
        """
        check_real(array, name)
        check_dense_tensor(array, name)
        return _detached(array)

    def errstate(self):
        return contextlib.nullcontext()

    def matmul(self, left, right, out):
        out[...] = self.xp.matmul(left, right)
        return out

    def tanh(self, values):
        values[...] = self.xp.tanh(values)
        return values

    def tanh_backward(self, deltas, activations):
        deltas *= 1.0 - activations * activations
        return deltas

    def exp(self, values):
        values[...] = self.xp.exp(values)
        return values

    def log(self, values):
        values[...] = self.xp.log(values)
        return values

    def multiply(self, left, right, out):
        out[...] = left * right
        return out

    def divide(self, left, right, out):
        out[...] = left / right
        return out

    def subtract(self, left, right, out):
        out[...] = left - right
        return out

    def sqrt(self, values, out):
        out[...] = self.xp.sqrt(values)
        return out

    def clip(self, values, low, high):
        values[...] = self.xp.clip(values, low, high)
        return values

    def max(self, values, axis):
        return self.xp.max(values, axis=axis)

    def sum(self, values, axis, out=None):
        total = self.xp.sum(values, axis=axis)
        if out is None:
            return total
        out[...] = total
        return out

    def sigmoid(self, values):
        xp = self.xp
        exp_minus_abs = xp.exp(-xp.abs(values))  # in (0, 1]: never overflows
        numerator = xp.where(values < 0, exp_minus_abs, xp.ones_like(exp_minus_abs))
        values[...] = numerator / (1.0 + exp_minus_abs)
        return values

    def log_sigmoid(self, values):
        values[...] = -self.softplus(-values)
        return values

    def softplus(self, values):
        return self.xp.logaddexp(self.xp.zeros_like(values), values)

    def take_rows(self, array, index, buffer):
        if isinstance(index, slice):
            return array[index, ...]
        return self.xp.take(array, index, axis=0)

    def true_class(self, logits, target, workspace):
        """A (k, n) mask of each row's true class (the standard has no scatter)."""
        return workspace.class_numbers == target[None, :]

    def take_true_class(self, logits, true_class):
        return self.xp.sum(self.xp.where(true_class, logits, self.xp.zeros_like(logits)), axis=0)

    def subtract_true_class(self, probabilities, true_class):
        probabilities -= self.xp.astype(true_class, probabilities.dtype)

    def dot(self, left, right):
        return self.xp.vecdot(left, right)

    def scalar(self, value):
        return value

    def all_finite(self, array):
        return bool(self.xp.all(self.xp.isfinite(array)))


NUMPY = NumpyOps()


def namespace_and_device(array):
    """(namespace name, device) of any array: ("numpy", None) for NumPy-like ones."""
    if is_numpy_array(array):
        return "numpy", None
    import array_api_compat

    xp = array_api_compat.array_namespace(array)
    return xp.__name__.removeprefix("array_api_compat."), array_api_compat.device(array)


def namespace_name(X):
    """X's own namespace's name, whatever the dispatch setting (None for a list, a table)."""
    try:
        return namespace_and_device(X)[0]
    except (ImportError, TypeError):
        return None


def ops_of(array):
    """The operations of ``array``'s own namespace and device, whatever the dispatch setting."""
    if is_numpy_array(array):
        return NUMPY
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover - the array-api extra is missing
        raise ImportError(
            f"Inputs of type {type(array).__module__}.{type(array).__name__} under "
            "array_api_dispatch need the array-api-compat package: "
            'pip install ".[array-api]" (from a clone).'
        ) from None
    xp = array_api_compat.array_namespace(array)
    if array_api_compat.is_numpy_namespace(xp):
        return NUMPY
    return ArrayApiOps(xp, array_api_compat.device(array))


def ops_for(X):
    """The operations for X's namespace and device, under array API dispatch.

    NumPy without dispatch or for NumPy-like X (arrays, lists, DataFrames, sparse matrices), with
    the kernel set of ``_compiled.numpy_ops`` (compiled or NumPy's); otherwise X's namespace and
    device (``ops_of``).
    """
    from sklearn import get_config

    from ._compiled import numpy_ops

    if not get_config().get("array_api_dispatch", False):
        return numpy_ops()
    ops = ops_of(X)
    return numpy_ops() if ops is NUMPY else ops
