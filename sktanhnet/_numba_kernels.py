"""Compiled kernels (numba), whole steps: a mini-batch's gradient, the L2 term and the update.

Imported only by ``_compiled.NumbaOps``, the first time a fit or a prediction on NumPy input
needs a kernel (never by ``import sktanhnet``). The elementwise kernels they are built from
(the exponential, tanh, the output heads, the optimizers' steps) are ``_numba_math``'s, and are
reached through this module too, so that ``NumbaOps`` holds one module. Compiling, caching and
the rule of no reassociation are as there; ``_row_sums`` is the one exception.

``batch_gradient``, ``batch_penalty`` and ``batch_step`` are one mini-batch step with the
products still done by BLAS; ``_numba_epoch.train_epoch_part`` runs a whole epoch of them in one
call, on one thread or on two at once.
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from ._numba_math import (
    _OPTIONS,
    adam_step,
    binary_proba,
    identity_loss_delta,
    logistic_loss_delta,
    sgd_step,
    softmax,
    softmax_loss_delta,
    tanh,
    tanh32,
    tanh_backward,
)

# numba's cache of a function checks its own file's content only, yet keeps its callees'
# compiled code: this is the SHA-256 of ``_numba_math.py``, so that a change there changes
# this file too (tests/test_compiled.py compares it, and gives the line to write).
CALLEE_DIGEST = "560a748e869cf35babb33829b46b36f1914269dccaeba9cc19a9ef786bf12e66"

__all__ = [
    "tanh",
    "tanh32",
    "tanh_backward",
    "softmax_loss_delta",
    "logistic_loss_delta",
    "identity_loss_delta",
    "softmax",
    "binary_proba",
    "adam_step",
    "sgd_step",
    "HEADS",
    "batch_normalizer",
    "batch_gradient",
    "first_layer_columns",
    "first_layer_sum",
    "first_layer_gradient",
    "batch_penalty",
    "batch_step",
]

# ------------------------------------------------------------------------ a whole epoch

HEADS = ("softmax", "logistic", "identity")  # (h1), (h2), (h3); (h4) runs in NumPy


@njit(fastmath={"reassoc", "contract"}, **_OPTIONS)
def _row_sums(values, out):
    """out[j] = sum of values[j, :] (eq 9's column sums of delta_l, feature-major), in float64.

    The one pass allowed to reassociate: a sum in one order is a chain of dependent additions,
    four cycles each; in eight lanes it is vectorised (the sum is the same to rounding).
    """
    for j in range(values.shape[0]):
        row = values[j]
        total = 0.0
        for i in range(row.shape[0]):
            total += row[i]
        out[j] = total


def tanh_in_place(values):
    """eq 1 in place on a contiguous 1-D view, in compiled code: ``tanh`` or ``tanh32`` by its
    dtype, chosen as numba compiles the caller (a branch on the dtype would compile both)."""
    raise TypeError("tanh_in_place runs in compiled code only")


@overload(tanh_in_place)
def _tanh_in_place(values):
    if values.dtype == types.float32:
        return lambda values: tanh32(values)
    return lambda values: tanh(values)


@njit(inline="always", **_OPTIONS)
def _weighted_sum(row_losses, weights, rows):
    """The sum of the first ``rows`` row losses, times their weights where there are any."""
    total = 0.0
    if weights is None:
        for i in range(rows):
            total += row_losses[i]
    else:
        for i in range(rows):
            total += row_losses[i] * weights[i]
    return total


@njit(inline="always", **_OPTIONS)
def _gather_targets(targets, order, start, rows, out):
    """The rows ``order[start:start + rows]`` of 2-D ``targets`` into ``out``, element by
    element: a slice's assignment compiles its error message's formatting (2 s of a cold start).
    """
    for i in range(rows):
        row = order[start + i]
        for j in range(targets.shape[1]):
            out[i, j] = targets[row, j]


@njit(**_OPTIONS)
def batch_normalizer(order, start, stop, host_weights):
    """The batch's total weight (its rows, without weights): the loss's denominator (eq 6)."""
    if host_weights is None:
        return float(stop - start)
    normalizer = 0.0
    for i in range(start, stop):
        normalizer += host_weights[order[i]]
    return normalizer


_BYTE = ir.IntType(8)
_SIZE = ir.IntType(64)
_POINTER = _BYTE.as_pointer()


def _arguments(context, builder, signature, args, dtype):
    """A BLAS call's codegen helpers: ``size(i)``, argument i as an integer; ``pointer(i)``, the
    address of array argument i from the element argument i + 1 gives; ``scalar(value)``, the
    address of a constant of ``dtype``."""

    def size(index):
        return context.cast(builder, args[index], signature.args[index], types.intp)

    def pointer(index):
        array = context.make_array(signature.args[index])(context, builder, args[index])
        return builder.bitcast(builder.gep(array.data, [size(index + 1)]), _POINTER)

    def scalar(value):
        slot = cgutils.alloca_once_value(builder, context.get_constant(dtype, value))
        return builder.bitcast(slot, _POINTER)

    return size, pointer, scalar


# the transposition flags of ``_product``'s operands: as stored (column-major), or transposed
N, T = ord("n"), ord("t")


@intrinsic
def _gemm(typingctx, op_a, op_b, m, n, k, a, a_start, lda, b, b_start, ldb, c, c_start, ldc):
    """BLAS's gemm, column-major: C = op(A) op(B) (m x k times k x n; alpha 1, beta 0), on the
    flat arrays ``a``, ``b``, ``c`` from the given elements, with leading dimensions; ``op_a``
    and ``op_b`` are N or T. Calls numba's own entry point to SciPy's BLAS (``numba_xxgemm``,
    as its ``np.dot`` does); returns its status (0: done)."""
    dtype = c.dtype
    kind = {types.float32: "s", types.float64: "d"}[dtype]
    signature = types.int32(op_a, op_b, m, n, k, a, a_start, lda, b, b_start, ldb, c, c_start, ldc)

    def codegen(context, builder, signature, args):
        function = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(
                ir.IntType(32),
                [_BYTE, _BYTE, _BYTE, _SIZE, _SIZE, _SIZE, _POINTER, _POINTER, _SIZE, _POINTER]
                + [_SIZE, _POINTER, _POINTER, _SIZE],
            ),
            "numba_xxgemm",
        )

        size, pointer, scalar = _arguments(context, builder, signature, args, dtype)
        return builder.call(
            function,
            (
                ir.Constant(_BYTE, ord(kind)), builder.trunc(size(0), _BYTE),
                builder.trunc(size(1), _BYTE), size(2), size(3), size(4), scalar(1.0),
                pointer(5), size(7), pointer(8), size(10), scalar(0.0), pointer(11), size(13),
            ),
        )  # fmt: skip

    return signature, codegen


@intrinsic
def _gemv(typingctx, op_a, m, n, a, a_start, lda, x, x_start, y, y_start):
    """BLAS's gemv, column-major: y = op(A) x (alpha 1, beta 0), A stored (m, n) from
    ``a[a_start]`` with leading dimension ``lda``, x and y contiguous from their elements; as
    ``_gemm`` (``numba_xxgemv``, numba's entry point)."""
    dtype = y.dtype
    kind = {types.float32: "s", types.float64: "d"}[dtype]
    signature = types.int32(op_a, m, n, a, a_start, lda, x, x_start, y, y_start)

    def codegen(context, builder, signature, args):
        function = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(
                ir.IntType(32),
                [_BYTE, _BYTE, _SIZE, _SIZE, _POINTER, _POINTER, _SIZE, _POINTER, _POINTER]
                + [_POINTER],
            ),
            "numba_xxgemv",
        )

        size, pointer, scalar = _arguments(context, builder, signature, args, dtype)
        return builder.call(
            function,
            (
                ir.Constant(_BYTE, ord(kind)), builder.trunc(size(0), _BYTE), size(1), size(2),
                scalar(1.0), pointer(3), size(5), pointer(6), scalar(0.0), pointer(8),
            ),
        )  # fmt: skip

    return signature, codegen


@njit(inline="always", **_OPTIONS)
def _product(op_a, op_b, m, n, k, a, a_start, lda, b, b_start, ldb, c, c_start, ldc):
    """``_gemm`` on 1-D arrays of one dtype, for every product of training's compiled step.

    A row-major (r, c) array is column-major (c, r) with leading dimension c, so a row-major
    C = A B is the column-major C^T = B^T A^T: each call passes its operands in that order. A
    product with a contiguous row or column is gemv, as in numba's ``np.dot``, which compiles
    once per layout of its operands (0.6 s of a cold start); inlined: numba would compile it
    once per caller's constant flags."""
    if n == 1 and (op_b == N or ldb == 1):  # C = op(A) b
        rows, cols = (m, k) if op_a == N else (k, m)
        status = _gemv(op_a, rows, cols, a, a_start, lda, b, b_start, c, c_start)
    elif m == 1 and (op_a == T or lda == 1) and ldc == 1:  # C^T = op(B)^T a^T
        if op_b == N:
            status = _gemv(T, k, n, b, b_start, ldb, a, a_start, c, c_start)
        else:
            status = _gemv(N, n, k, b, b_start, ldb, a, a_start, c, c_start)
    else:
        status = _gemm(op_a, op_b, m, n, k, a, a_start, lda, b, b_start, ldb, c, c_start, ldc)
    if status != 0:
        raise RuntimeError("BLAS's gemm could not be called")


@njit(**_OPTIONS)
def first_layer_columns(X, order, start, stop, lo, hi, block, params, layer, row_major, partial):
    """The first layer's product (eq 1) over the inputs ``lo:hi`` only, for the batch's rows
    ``order[start:stop]``: gathers those columns of its rows into ``block`` (rows x (hi - lo),
    flat), and writes X_B[:, lo:hi] W_1[lo:hi] into ``partial`` (flat: rows x units where
    ``row_major``, else units x rows). Two threads take two ranges of inputs at once
    (``_numba_epoch``'s split by inputs); ``first_layer_sum`` adds their two parts.
    """
    rows, cols = stop - start, hi - lo
    tile = block[: rows * cols].reshape((rows, cols))
    for i in range(rows):
        source = X[order[start + i], lo:hi]  # a row's slice: X[row, lo + j] is not vectorised
        for j in range(cols):
            tile[i, j] = source[j]
    coef_start, fan_out = layer[0], layer[3]
    at = coef_start + lo * fan_out  # W_1[lo:hi], (cols, fan_out)
    if row_major:  # tile W_1[lo:hi], (rows, fan_out)
        _product(
            N, N, fan_out, rows, cols, params, at, fan_out, block, 0, cols, partial, 0, fan_out
        )  # fmt: skip
    else:  # W_1[lo:hi]^T tile^T, (fan_out, rows)
        _product(T, T, rows, fan_out, cols, block, 0, cols, params, at, fan_out, partial, 0, rows)


@njit(**_OPTIONS)
def first_layer_sum(first, second, rows, lo, hi, params, layer, row_major, out):
    """Z_1^T (eq 1) of the batch's rows ``lo:hi`` (of its ``rows``) into ``out`` (flat, units
    x (hi - lo), the workspace's layout): the two parts of ``first_layer_columns``, in this
    order, plus the bias."""
    intercept_start, fan_out = layer[1], layer[3]
    own = hi - lo
    for j in range(fan_out):
        bias = params[intercept_start + j]
        for i in range(own):
            k = (lo + i) * fan_out + j if row_major else j * rows + lo + i
            out[j * own + i] = (first[k] + second[k]) + bias


@njit(**_OPTIONS)
def first_layer_gradient(block, rows, delta, batch_size, grad, layer, lo, hi):
    """dW_1 (eq 8, 12) for the inputs ``lo:hi`` only, over the whole batch: rows ``lo:hi`` of
    X_B^T delta_1, into the same rows of W_1's gradient in ``grad``.

    ``block``: the batch's ``rows`` rows of X, inputs ``lo:hi`` only, flat (as
    ``first_layer_columns`` gathers them); ``delta``: delta_1^T, flat, feature-major with
    ``batch_size`` columns (its first ``rows`` used); ``layer``: the first layer's row of
    ``layers``. Two threads take two ranges of inputs at once: each writes only its own rows.
    """
    coef_start, fan_out = layer[0], layer[3]
    if hi > lo and rows > 0:
        _product(
            T, T, fan_out, hi - lo, rows, delta, 0, batch_size, block, 0, hi - lo, grad,
            coef_start + lo * fan_out, fan_out,
        )  # fmt: skip


@njit(**_OPTIONS)
def batch_gradient(
    X,
    order,
    start,
    stop,
    classes,
    indicator,
    values,
    row_weights,
    normalizer,
    params,
    grad,
    layers,
    buffers,
    row_major,
    split_first,
):
    """The rows ``order[start:stop]``: gather, forward, loss, backward, without the L2 term.

    ``grad`` gets these rows' part of the batch's gradient (their deltas are divided by the whole
    batch's ``normalizer``, so the parts of a batch add up to its gradient); returns the sum of
    their row losses (times their weights): the data loss times ``normalizer``. ``buffers`` from
    ``epoch_buffers``; the other arguments as in ``_numba_epoch.train_epoch_part``.

    ``row_major``: the first layer's product is taken as X_B W_1 (rows by units), then
    transposed into the workspace's layout with its bias added, instead of W_1^T X_B^T: the same
    sums, in an orientation that OpenBLAS runs faster where the layer has few units and many
    inputs (``_compiled.ROW_MAJOR_UNITS``).

    The rows are gathered into ``buffers``' first array. ``split_first``: the first layer is
    split between two threads by inputs (``_numba_epoch``): its Z_1^T is already in ``buffers``'
    activations (``first_layer_sum``), and its weight gradient is left to
    ``first_layer_gradient`` (its bias gradient is still summed here), with delta_1^T in
    ``buffers``' deltas (``deltas[0]``, feature-major).
    """
    gathered, activations, deltas, batch_classes, batch_indicator, batch_weights = buffers
    n_layers = layers.shape[0]
    n_features = X.shape[1]
    n_outputs = layers[n_layers - 1, 3]
    rows = stop - start
    own = 0 if split_first else rows  # the rows gathered here
    batch = gathered[: own * n_features].reshape((own, n_features))
    for i in range(own):  # an explicit loop: 1.5x as fast as a slice's copy on short rows
        row = order[start + i]
        for j in range(n_features):
            batch[i, j] = X[row, j]
    # forward (eq 1): Z_l^T = W_l^T A_{l-1}^T + b_l, A_l = tanh(Z_l) below the output; W_l is
    # (fan_in, fan_out) from params[coef_start], A_{l-1}^T (fan_in, rows), X_B (rows, inputs)
    for layer in range(n_layers):
        coef_start, intercept_start, fan_in, fan_out = layers[layer]
        out = activations[layer, : fan_out * rows].reshape((fan_out, rows))
        if layer == 0 and split_first:
            pass  # Z_1^T given
        elif layer == 0 and row_major:
            # X_B W_1 (rows, fan_out), into delta_1's room (free until backward)
            _product(
                N, N, fan_out, rows, fan_in, params, coef_start, fan_out, gathered, 0, fan_in,
                deltas[0], 0, fan_out,
            )  # fmt: skip
            by_row = deltas[0, : rows * fan_out].reshape((rows, fan_out))
            for j in range(fan_out):
                bias = params[intercept_start + j]
                for i in range(rows):
                    out[j, i] = by_row[i, j] + bias
        else:
            if layer == 0:  # W_1^T X_B^T
                _product(
                    T, T, rows, fan_out, fan_in, gathered, 0, fan_in, params, coef_start,
                    fan_out, activations[layer], 0, rows,
                )  # fmt: skip
            else:  # W_l^T A_{l-1}^T
                _product(
                    N, T, rows, fan_out, fan_in, activations[layer - 1], 0, rows, params,
                    coef_start, fan_out, activations[layer], 0, rows,
                )  # fmt: skip
            for j in range(fan_out):
                bias = params[intercept_start + j]
                for i in range(rows):
                    out[j, i] += bias
        if layer < n_layers - 1:
            tanh_in_place(out.reshape(-1))
    # the output head (eq 2, 3, 7): delta_L^T over Z_L^T, the data loss
    logits = activations[n_layers - 1, : n_outputs * rows].reshape((n_outputs, rows))
    weights = None
    if row_weights is not None:
        for i in range(rows):
            batch_weights[i] = row_weights[order[start + i]]
        weights = batch_weights[:rows]
    # One head's targets is an array, the other two None: numba compiles only the block of that
    # head (it drops a branch on an argument typed None), so a cold start compiles one head.
    data_loss = 0.0
    if classes is not None:
        for i in range(rows):
            batch_classes[i] = classes[order[start + i]]
        row_losses = softmax_loss_delta(logits, batch_classes[:rows], weights, normalizer)
        data_loss = _weighted_sum(row_losses, weights, rows)
    if indicator is not None:
        _gather_targets(indicator, order, start, rows, batch_indicator)
        row_losses = logistic_loss_delta(logits, batch_indicator[:rows], weights, normalizer)
        data_loss = _weighted_sum(row_losses, weights, rows)
    if values is not None:
        _gather_targets(values, order, start, rows, batch_indicator)
        row_losses = identity_loss_delta(logits, batch_indicator[:rows], weights, normalizer)
        data_loss = _weighted_sum(row_losses, weights, rows)
    # backward (eq 8-11): [dW_l; db_l] = A_{l-1}^T delta_l, delta_{l-1} = delta_l W_l^T * tanh'
    # delta_l^T (fan_out, rows): the output's in the logits' room, the others in ``deltas``
    delta = activations[n_layers - 1]
    for layer in range(n_layers - 1, -1, -1):
        coef_start, intercept_start, fan_in, fan_out = layers[layer]
        if layer == 0:
            if not split_first:  # eq 8, 12: X_B^T delta_1, (inputs, fan_out)
                _product(
                    T, T, fan_out, fan_in, rows, delta, 0, rows, gathered, 0, fan_in, grad,
                    coef_start, fan_out,
                )  # fmt: skip
        else:  # eq 8, 12: A_{l-1}^T delta_l, (fan_in, fan_out)
            _product(
                T, N, fan_out, fan_in, rows, delta, 0, rows, activations[layer - 1], 0, rows,
                grad, coef_start, fan_out,
            )  # fmt: skip
        # eq 9
        _row_sums(
            delta[: fan_out * rows].reshape((fan_out, rows)),
            grad[intercept_start : intercept_start + fan_out],
        )
        if layer > 0:  # eq 10: W_l delta_l^T, (fan_in, rows); eq 11
            _product(
                N, N, rows, fan_in, fan_out, delta, 0, rows, params, coef_start, fan_out,
                deltas[layer - 1], 0, rows,
            )  # fmt: skip
            below = fan_in * rows
            tanh_backward(deltas[layer - 1, :below], activations[layer - 1, :below])
            delta = deltas[layer - 1]
    return data_loss


@njit(**_OPTIONS)
def batch_penalty(params, layers, alpha, normalizer, lo, hi):
    """The L2 term's loss, (alpha / 2s) sum ||W_l||^2, on the weights before the update: its
    part from the weights in ``params[lo:hi]`` (two threads sum two ranges at once)."""
    if alpha == 0.0:
        return 0.0
    squares = 0.0
    for layer in range(layers.shape[0]):
        coef_start, _, fan_in, fan_out = layers[layer]
        a, b = max(coef_start, lo), min(coef_start + fan_in * fan_out, hi)
        if a < b:
            coef = params[a:b]
            squares += np.dot(coef, coef)
    return 0.5 * alpha * squares / normalizer


@njit(**_OPTIONS)
def batch_step(
    params, grad, other, lo, hi, alpha, normalizer, first, second, velocity, segments, hyper, t
):
    """The optimizer's step ``t`` (Adam's already counted), with the L2 term's gradient, on
    ``params[lo:hi]``: two threads take two ranges of one step. Adam's, with its moments
    ``first`` and ``second`` (``velocity`` None), or SGD's, with its ``velocity`` (the moments
    None): numba compiles only the block of the one whose state is given."""
    dtype = params.dtype.type
    l2 = dtype(alpha / normalizer)
    if second is not None:
        beta_1, beta_2 = hyper[1], hyper[2]
        rate = hyper[0] * math.sqrt(1.0 - math.pow(beta_2, t)) / (1.0 - math.pow(beta_1, t))
        adam_step(
            params,
            grad,
            other,
            lo,
            hi,
            first,
            second,
            segments,
            l2,
            dtype(beta_1),
            dtype(1.0 - beta_1),
            dtype(beta_2),
            dtype(1.0 - beta_2),
            dtype(hyper[3]),
            rate,
        )
    if velocity is not None:
        sgd_step(
            params,
            grad,
            other,
            lo,
            hi,
            velocity,
            segments,
            l2,
            dtype(hyper[0]),
            dtype(hyper[1]),
            hyper[2] != 0.0,
        )
