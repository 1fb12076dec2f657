"""Compiled kernels (numba): the elementwise passes of the network and the optimizers, fused.

Imported only by ``_compiled.NumbaOps``, the first time a fit or a prediction on NumPy input
needs a kernel (never by ``import sktanhnet``). Each function compiles on its first call for
each dtype (float64, float32) and is cached on disk (numba's ``cache=True``: beside this file,
or in the user's cache folder where the package's folder is read-only; ``NUMBA_CACHE_DIR``
overrides both). Every kernel releases the GIL (``nogil``), so that prediction's chunks run on
several threads (``_threads``), and none of them but ``_row_sums`` (eq 9's bias gradients, a
plain sum) reassociates (no fast-math): each computes the formula of the NumPy pass it replaces,
in the same order, so that both kernel sets train the same model to rounding (the tests compare
them over whole runs).

What a compiled loop buys over NumPy here is one pass over memory where NumPy makes several,
and no Python call per pass: a batch of a small network is a few dozen microseconds of
arithmetic. The equations are ``_network``'s, numbered as there; each kernel names the ones it
fuses.

The exponential is written out (``_exp``): numba's ``math.exp`` and ``math.tanh`` are calls
into the C library, one element at a time (llvmlite carries no vector math library), 10 to 20
times slower than NumPy's SIMD loops on AVX-512. ``_exp`` is Cody-Waite range reduction
(t = k ln 2 + r, |r| <= ln(2) / 2), a degree-13 Taylor polynomial for exp(r), and 2^k built from
its bits, all of which the compiler vectorises, with AVX2 or AVX-512 alike. It is accurate to
about one unit in the last place on the ranges where it is used: tanh clamps its argument to
|z| <= 20 (beyond, 2 / (1 + exp(-2z)) - 1 is +-1 in float64 and float32 alike), and the
softmax's exponent is <= 0 after the maximum is taken off (0 below -745.2, as NumPy's exp).
tanh in float32 has a float32 twin (``tanh32``: 16 lanes with AVX-512); the other kernels compute
float32 arrays' exponentials in float64 and round them once when stored.

``train_epoch``, last, runs a whole epoch of mini-batches in one call, for small networks.
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "boundscheck": False}

_LOG2E = 1.4426950408889634
# ln 2 split in two: the high part has trailing zero bits, so k * _LN2_HI is exact for |k| < 2^11
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_EXP_LOW = -745.2  # exp(t) rounds to 0 in float64 below this
_EXP_HIGH = 40.0  # the largest exponent used: tanh's -2z for |z| <= 20
_TANH_BOUND = 20.0  # |z| beyond which tanh(z) rounds to +-1 (float64 and float32)


@intrinsic
def _bits_to_float64(typingctx, bits):
    """The float64 whose IEEE bits are the int64 ``bits`` (a free reinterpretation)."""
    signature = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return signature, codegen


@njit(inline="always", **_OPTIONS)
def _exp(t):
    """exp(t) for t in [_EXP_LOW, _EXP_HIGH] (and NaN): vectorisable, within about an ulp."""
    k = np.floor(t * _LOG2E + 0.5)  # a float: math.floor would give an int64
    r = (t - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    # 2^k from its exponent bits, in two factors so that k down to -1075 stays a normal number
    # in each (a NaN t gives a NaN p, whatever k's bits are).
    half = np.int64(k) >> 1
    return (
        p
        * _bits_to_float64((half + 1023) << 52)
        * _bits_to_float64((np.int64(k) - half + 1023) << 52)
    )


# fastmath's "contract" alone (no reassociation): a * b + c may become one fused multiply-add,
# rounded once; for the kernels built on _exp, whose results are not NumPy's to the bit anyway.
_EXP_OPTIONS = dict(_OPTIONS, fastmath={"contract"})


@njit(inline="always", **_OPTIONS)
def _exp_below_one(t):
    """exp(t) for t <= 0 (and NaN): 0 below _EXP_LOW, as NumPy's exp."""
    clamped = _EXP_LOW if t < _EXP_LOW else t
    value = _exp(clamped)
    return 0.0 if t < _EXP_LOW else value


@njit(inline="always", **_OPTIONS)
def _tanh(z):
    """tanh(z) as 2 / (1 + exp(-2z)) - 1 (eq 1), NumPy's formula (``NumpyOps.tanh``)."""
    z = _TANH_BOUND if z > _TANH_BOUND else z  # selects, not branches: the loop vectorises
    z = -_TANH_BOUND if z < -_TANH_BOUND else z  # (and a NaN z stays NaN)
    return 2.0 / (1.0 + _exp(-2.0 * z)) - 1.0


@njit(**_EXP_OPTIONS)
def tanh(values):
    """eq 1, A = tanh(Z), in place, on a contiguous 1-D float64 view."""
    for i in range(values.shape[0]):
        values[i] = _tanh(values[i])


# float32: the same formulas in float32 arithmetic (16 lanes with AVX-512, 8 with AVX2), with a
# degree-7 polynomial (error 5e-9 < float32's 6e-8) and 2^k from float32 bits.
_F32_LOG2E = np.float32(_LOG2E)
_F32_LN2_HI = np.float32(0.693359375)  # 9 significant bits: k * _F32_LN2_HI is exact
_F32_LN2_LO = np.float32(-2.12194440e-4)
_F32_HALF = np.float32(0.5)
_F32_ONE = np.float32(1.0)
_F32_TWO = np.float32(2.0)
_F32_BOUND = np.float32(_TANH_BOUND / 2)  # tanh(z) rounds to +-1 in float32 beyond 10
_F32_TAYLOR = tuple(np.float32(1.0 / math.factorial(n)) for n in range(8))


@intrinsic
def _bits_to_float32(typingctx, bits):
    """The float32 whose IEEE bits are the int32 ``bits``."""
    signature = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return signature, codegen


@njit(inline="always", **_OPTIONS)
def _exp32(t):
    """exp(t) in float32 for t in [-2 _F32_BOUND, 2 _F32_BOUND] (and NaN)."""
    k = np.floor(t * _F32_LOG2E + _F32_HALF)  # float32, as t
    r = (t - k * _F32_LN2_HI) - k * _F32_LN2_LO
    c = _F32_TAYLOR
    p = c[7] * r + c[6]
    p = p * r + c[5]
    p = p * r + c[4]
    p = p * r + c[3]
    p = p * r + c[2]
    p = p * r + c[1]
    p = p * r + c[0]
    return p * _bits_to_float32((np.int32(k) + np.int32(127)) << np.int32(23))


@njit(**_EXP_OPTIONS)
def tanh32(values):
    """eq 1 in place on a contiguous 1-D float32 view, in float32 arithmetic."""
    for i in range(values.shape[0]):
        z = values[i]
        z = _F32_BOUND if z > _F32_BOUND else z
        z = -_F32_BOUND if z < -_F32_BOUND else z
        values[i] = _F32_TWO / (_F32_ONE + _exp32(-_F32_TWO * z)) - _F32_ONE


@njit(**_OPTIONS)
def tanh_backward(deltas, activations):
    """eq 10, 11: delta_{l-1} *= 1 - A_{l-1}^2 (tanh' from the stored output), 1-D views.

    ``activations`` is left as it was (the NumPy pass overwrites it with 1 - A^2).
    """
    one = deltas.dtype.type(1.0)
    for i in range(deltas.shape[0]):
        a = activations[i]
        deltas[i] *= one - a * a


@njit(**_EXP_OPTIONS)
def softmax_loss_delta(logits, target, row_weights, normalizer):
    """(h1) eq 2, 3, 7: softmax, cross-entropy and delta_L^T = w_i (P - Y)^T / s, in place.

    ``logits`` is Z_L^T, (k, n); ``target`` holds each row's class index; ``row_weights`` is
    None or (n,). Returns each row's -log P[i, y_i] = logsumexp(Z_i) - Z[i, y_i] (log-softmax).
    The passes of ``_network._output_loss_and_delta`` (h1) in their order and dtype, in a few
    loops instead of a dozen NumPy calls.
    """
    n = logits.shape[1]
    maxima = _column_maxima(logits)
    row_losses = np.empty(n, logits.dtype)
    for i in range(n):
        row_losses[i] = logits[target[i], i] - maxima[i]  # Z[i, y_i] - max Z_i
    sums = _exp_shifted(logits, maxima)
    for i in range(n):
        row_losses[i] = math.log(sums[i]) - row_losses[i]  # -log P[i, y_i]
    _probabilities_minus_targets(logits, sums, target)
    _scale_deltas(logits, row_weights, normalizer)
    return row_losses


@njit(inline="always", **_OPTIONS)
def _column_maxima(logits):
    """max Z_i of each column of Z^T (k, n); a NaN wins, as in NumPy's max."""
    k, n = logits.shape
    maxima = logits[0].copy()
    for j in range(1, k):
        for i in range(n):
            z = logits[j, i]
            if z > maxima[i] or z != z:
                maxima[i] = z
    return maxima


@njit(inline="always", **_OPTIONS)
def _exp_shifted(logits, maxima):
    """exp(Z - max Z) in place (<= 1: never overflows); returns each column's sum.

    Summed in the logits' dtype, one output after the other, as NumPy's sum over axis 0.
    """
    k, n = logits.shape
    sums = np.zeros(n, logits.dtype)
    for j in range(k):
        for i in range(n):
            logits[j, i] = _exp_below_one(logits[j, i] - maxima[i])
            sums[i] += logits[j, i]
    return sums


@njit(inline="always", **_OPTIONS)
def _probabilities_minus_targets(exps, sums, target):
    """eq 2 then eq 7: P = exp / sum, then P - Y (1 off each row's true class), in place."""
    k, n = exps.shape
    one = exps.dtype.type(1.0)
    for j in range(k):
        for i in range(n):
            p = exps[j, i] / sums[i]
            if target[i] == j:
                p = p - one
            exps[j, i] = p


@njit(inline="always", **_OPTIONS)
def _softplus(z):
    """log(1 + exp(z)) as NumPy's logaddexp(0, z) computes it."""
    if z == 0.0:
        return z + 0.6931471805599453
    if z > 0.0:
        return z + math.log1p(math.exp(-z))
    if z <= 0.0:
        return math.log1p(math.exp(z))
    return z  # NaN


@njit(**_EXP_OPTIONS)
def logistic_loss_delta(logits, target, row_weights, normalizer):
    """(h2) binary cross-entropy and delta_L^T = w_i (sigmoid(Z) - Y)^T / s, in place.

    ``logits`` is Z_L^T, (k, n); ``target`` the (n, k) 0/1 indicator matrix. Returns each row's
    sum_j log(1 + exp(z_ij)) - y_ij z_ij; the sigmoid is computed as ``NumpyOps.sigmoid``:
    exp(-|z|) / (1 + exp(-|z|)) for z < 0, 1 / (1 + exp(-|z|)) otherwise, never overflowing.
    """
    k, n = logits.shape
    row_losses = np.zeros(n, logits.dtype)
    one = logits.dtype.type(1.0)
    for j in range(k):
        for i in range(n):
            z = logits[j, i]
            y = target[i, j]
            row_losses[i] += _softplus(z) - y * z
            e = _exp_below_one(-abs(z))
            e = logits.dtype.type(e)
            sigmoid = (e if z < 0.0 else one) / (e + one)
            logits[j, i] = sigmoid - y
    _scale_deltas(logits, row_weights, normalizer)
    return row_losses


@njit(**_OPTIONS)
def identity_loss_delta(logits, target, row_weights, normalizer):
    """(h3) half the squared error, averaged over the k outputs, and delta_L^T = w_i (Z - Y)^T / s.

    ``target`` is the (n, k) matrix Y. Returns each row's (1 / 2k) sum_j (z_ij - y_ij)^2.
    """
    k, n = logits.shape
    row_losses = np.zeros(n, logits.dtype)
    for j in range(k):
        for i in range(n):
            difference = logits[j, i] - target[i, j]
            logits[j, i] = difference
            row_losses[i] += difference * difference
    half_mean = logits.dtype.type(0.5 / k)
    for i in range(n):
        row_losses[i] *= half_mean
    _scale_deltas(logits, row_weights, normalizer)
    return row_losses


@njit(inline="always", **_OPTIONS)
def _scale_deltas(deltas, row_weights, normalizer):
    """eq 7's 1 / s, or w_i / s with row weights, in place."""
    k, n = deltas.shape
    if row_weights is None:
        for j in range(k):
            for i in range(n):
                deltas[j, i] = deltas[j, i] / normalizer
    else:
        scales = row_weights / normalizer
        for j in range(k):
            for i in range(n):
                deltas[j, i] = deltas[j, i] * scales[i]


@njit(**_EXP_OPTIONS)
def softmax(logits):
    """eq 2 on Z^T (k, n), in place: exp(Z - max Z) / sum, as ``_network._softmax_inplace``."""
    k, n = logits.shape
    sums = _exp_shifted(logits, _column_maxima(logits))
    for j in range(k):
        for i in range(n):
            logits[j, i] = logits[j, i] / sums[i]


@njit(**_EXP_OPTIONS)
def binary_proba(logits):
    """(h2) with one output: [sigmoid(-z), sigmoid(z)] for each row, (2, n), from (1, n) Z^T.

    As ``_network.binary_proba``: each probability from the logit itself, exp(-|z|) / (1 +
    exp(-|z|)) on the small side and 1 / (1 + exp(-|z|)) on the large one.
    """
    n = logits.shape[1]
    out = np.empty((2, n), logits.dtype)
    for i in range(n):
        z = logits[0, i]
        e = _exp_below_one(-abs(z))
        small = e / (1.0 + e)
        large = 1.0 / (1.0 + e)
        out[0, i] = large if z < 0.0 else small  # sigmoid(-z)
        out[1, i] = small if z < 0.0 else large  # sigmoid(z)
    return out


@njit(**_OPTIONS)
def adam_step(
    params,
    grad,
    first,
    second,
    segments,
    l2,
    beta_1,
    one_minus_beta_1,
    beta_2,
    one_minus_beta_2,
    epsilon,
    rate,
):
    """One Adam update in place, with the L2 term's gradient, in one pass over the vector.

    ``segments`` is an (m, 3) int64 array of [start, stop, penalized] ranges covering the
    vector: g = grad + l2 * params where penalized (the weights, eq 8 extended), then
    m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; params -= rate * m / (sqrt(v) + eps), each
    operation in ``_optimizers.Adam``'s order and rounded to the vector's dtype where NumPy's
    pass stores it. The scalars come in that dtype (``rate`` in float64, as NumPy's). ``grad``
    is left as it was.
    """
    # One loop per range, on slices: the compiler vectorises a loop over fresh slices (a loop
    # over [start, stop) of the whole arrays stays scalar). Biases get l2 = 0: g + 0 * p = g.
    no_decay = l2 - l2
    for segment in range(segments.shape[0]):
        a, b = segments[segment, 0], segments[segment, 1]
        decay = l2 if segments[segment, 2] != 0 else no_decay
        _adam(
            params[a:b],
            grad[a:b],
            first[a:b],
            second[a:b],
            decay,
            beta_1,
            one_minus_beta_1,
            beta_2,
            one_minus_beta_2,
            epsilon,
            rate,
        )


@njit(inline="always", **_OPTIONS)
def _adam(
    params,
    grad,
    first,
    second,
    l2,
    beta_1,
    one_minus_beta_1,
    beta_2,
    one_minus_beta_2,
    epsilon,
    rate,
):
    for i in range(params.shape[0]):
        g = grad[i] + params[i] * l2
        m = first[i] * beta_1 + g * one_minus_beta_1
        first[i] = m
        v = second[i] * beta_2 + (g * g) * one_minus_beta_2
        second[i] = v
        s = m / (math.sqrt(v) + epsilon)
        params[i] = params[i] - params.dtype.type(s * rate)  # s rounded as NumPy stores it


@njit(**_OPTIONS)
def sgd_step(params, grad, velocity, segments, l2, rate, momentum, nesterov):
    """One SGD update in place (momentum, Nesterov), with the L2 term, in one pass.

    v = momentum v - rate g; params += v, or with Nesterov params += momentum v - rate g, each
    operation in ``_optimizers.SGD``'s order; ``segments`` and the scalars as in ``adam_step``.
    """
    no_decay = l2 - l2
    for segment in range(segments.shape[0]):
        a, b = segments[segment, 0], segments[segment, 1]
        decay = l2 if segments[segment, 2] != 0 else no_decay
        _sgd(params[a:b], grad[a:b], velocity[a:b], decay, rate, momentum, nesterov)


@njit(inline="always", **_OPTIONS)
def _sgd(params, grad, velocity, l2, rate, momentum, nesterov):
    for i in range(params.shape[0]):
        g = grad[i] + params[i] * l2
        scaled = g * rate
        v = velocity[i] * momentum - scaled
        velocity[i] = v
        if nesterov:
            params[i] = (params[i] - scaled) + v * momentum
        else:
            params[i] = params[i] + v


# ------------------------------------------------------------------------ a whole epoch

HEAD_CODES = {"softmax": 0, "logistic": 1, "identity": 2}  # (h1), (h2), (h3); (h4) runs in NumPy
ADAM, SGD = 0, 1


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


@njit(**_OPTIONS)
def epoch_buffers(X, classes, indicator, batch_size, layers):
    """The work arrays of ``batch_gradient`` for batches of up to ``batch_size`` rows.

    The batch's rows of X; Z_l^T then A_l^T (feature-major, ``_network.Workspace``'s layout), one
    buffer per layer; the deltas of the hidden layers; the batch's targets and row weights.
    """
    n_layers = layers.shape[0]
    widest = 0
    for layer in range(n_layers):
        widest = max(widest, layers[layer, 3])
    return (
        np.empty(batch_size * X.shape[1], X.dtype),
        np.empty((n_layers, widest * batch_size), X.dtype),
        np.empty((n_layers, widest * batch_size), X.dtype),
        np.empty(batch_size, classes.dtype),
        np.empty((batch_size, indicator.shape[1]), indicator.dtype),
        np.empty(batch_size, np.float64),
    )


@njit(**_OPTIONS)
def batch_normalizer(order, start, stop, host_weights):
    """The batch's total weight (its rows, without weights): the loss's denominator (eq 6)."""
    if host_weights is None:
        return float(stop - start)
    normalizer = 0.0
    for i in range(start, stop):
        normalizer += host_weights[order[i]]
    return normalizer


@njit(**_OPTIONS)
def batch_gradient(
    X,
    order,
    start,
    stop,
    classes,
    indicator,
    head,
    row_weights,
    normalizer,
    params,
    grad,
    layers,
    buffers,
):
    """The rows ``order[start:stop]``: gather, forward, loss, backward, without the L2 term.

    ``grad`` gets these rows' part of the batch's gradient (their deltas are divided by the whole
    batch's ``normalizer``, so the parts of a batch add up to its gradient); returns the sum of
    their row losses (times their weights): the data loss times ``normalizer``. ``buffers`` from
    ``epoch_buffers``; the other arguments as in ``train_epoch``.
    """
    inputs, activations, deltas, batch_classes, batch_indicator, batch_weights = buffers
    n_layers = layers.shape[0]
    n_features = X.shape[1]
    dtype = params.dtype.type
    n_outputs = layers[n_layers - 1, 3]
    rows = stop - start
    batch = inputs[: rows * n_features].reshape((rows, n_features))
    for i in range(rows):
        batch[i, :] = X[order[start + i], :]
    # forward (eq 1): Z_l^T = W_l^T A_{l-1}^T + b_l, A_l = tanh(Z_l) below the output
    for layer in range(n_layers):
        coef_start, intercept_start, fan_in, fan_out = layers[layer]
        coef = params[coef_start : coef_start + fan_in * fan_out].reshape((fan_in, fan_out))
        out = activations[layer, : fan_out * rows].reshape((fan_out, rows))
        if layer == 0:
            np.dot(coef.T, batch.T, out)
        else:
            below = activations[layer - 1, : fan_in * rows].reshape((fan_in, rows))
            np.dot(coef.T, below, out)
        for j in range(fan_out):
            bias = params[intercept_start + j]
            for i in range(rows):
                out[j, i] += bias
        if layer < n_layers - 1:
            if params.itemsize == 4:  # float32
                tanh32(out.reshape(-1))
            else:
                tanh(out.reshape(-1))
    # the output head (eq 2, 3, 7): delta_L^T over Z_L^T, the data loss
    logits = activations[n_layers - 1, : n_outputs * rows].reshape((n_outputs, rows))
    weights = None
    if row_weights is not None:
        for i in range(rows):
            batch_weights[i] = row_weights[order[start + i]]
        weights = batch_weights[:rows]
    if head == 0:
        for i in range(rows):
            batch_classes[i] = classes[order[start + i]]
        row_losses = softmax_loss_delta(logits, batch_classes[:rows], weights, dtype(normalizer))
    else:
        for i in range(rows):
            batch_indicator[i, :] = indicator[order[start + i], :]
        if head == 1:
            row_losses = logistic_loss_delta(
                logits, batch_indicator[:rows], weights, dtype(normalizer)
            )
        else:
            row_losses = identity_loss_delta(
                logits, batch_indicator[:rows], weights, dtype(normalizer)
            )
    data_loss = 0.0
    if weights is None:
        for i in range(rows):
            data_loss += row_losses[i]
    else:
        for i in range(rows):
            data_loss += row_losses[i] * weights[i]
    # backward (eq 8-11): [dW_l; db_l] = A_{l-1}^T delta_l, delta_{l-1} = delta_l W_l^T * tanh'
    delta = logits
    for layer in range(n_layers - 1, -1, -1):
        coef_start, intercept_start, fan_in, fan_out = layers[layer]
        coef = params[coef_start : coef_start + fan_in * fan_out].reshape((fan_in, fan_out))
        coef_grad = grad[coef_start : coef_start + fan_in * fan_out].reshape((fan_in, fan_out))
        if layer == 0:
            np.dot(batch.T, delta.T, coef_grad)  # eq 8, 12
        else:
            below = activations[layer - 1, : fan_in * rows].reshape((fan_in, rows))
            np.dot(below, delta.T, coef_grad)  # eq 8, 12
        _row_sums(delta, grad[intercept_start : intercept_start + fan_out])  # eq 9
        if layer > 0:
            below = activations[layer - 1, : fan_in * rows].reshape((fan_in, rows))
            below_delta = deltas[layer - 1, : fan_in * rows].reshape((fan_in, rows))
            np.dot(coef, delta, below_delta)  # eq 10
            tanh_backward(below_delta.reshape(-1), below.reshape(-1))  # eq 11
            delta = below_delta
    return data_loss


@njit(**_OPTIONS)
def batch_update(
    params, grad, other, layers, alpha, normalizer, optimizer, first, second, segments, hyper, t
):
    """The L2 term and the optimizer's step for one batch; returns (the L2 loss, t).

    ``other``: the gradient of the batch's other rows (``batch_gradient`` on another thread),
    added to ``grad`` first; empty where ``grad`` holds the whole batch's.
    """
    dtype = params.dtype.type
    n_layers = layers.shape[0]
    if other.shape[0]:
        for i in range(grad.shape[0]):
            grad[i] += other[i]
    # the L2 term: its loss on the weights before the update, its gradient in the update
    penalty = 0.0
    if alpha != 0.0:
        squares = 0.0
        for layer in range(n_layers):
            coef_start, _, fan_in, fan_out = layers[layer]
            coef = params[coef_start : coef_start + fan_in * fan_out]
            squares += np.dot(coef, coef)
        penalty = 0.5 * alpha * squares / normalizer
    l2 = dtype(alpha / normalizer)
    if optimizer == ADAM:
        t += 1
        beta_1, beta_2 = hyper[1], hyper[2]
        rate = hyper[0] * math.sqrt(1.0 - math.pow(beta_2, t)) / (1.0 - math.pow(beta_1, t))
        adam_step(
            params,
            grad,
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
    else:
        sgd_step(
            params,
            grad,
            first,
            segments,
            l2,
            dtype(hyper[0]),
            dtype(hyper[1]),
            hyper[2] != 0.0,
        )
    return penalty, t


@njit(**_OPTIONS)
def train_epoch(
    X,
    order,
    classes,
    indicator,
    head,
    row_weights,
    host_weights,
    batch_size,
    params,
    grad,
    layers,
    alpha,
    optimizer,
    first,
    second,
    segments,
    hyper,
    t,
):
    """One epoch of mini-batches, in one call: gather, forward, loss, backward, update.

    ``_training.run_stochastic``'s batch loop with every pass of ``_network.loss_and_gradient``
    and of the optimizer's ``step`` in their order, and no Python call per batch: on small and
    deep networks those calls cost as much as the arithmetic. The products are BLAS's (numba's
    ``np.dot``, through SciPy's BLAS), the elementwise passes the kernels above. Layouts are
    the workspace's (feature-major, ``_network.Workspace``), with each bias added to its product
    (eq 1) rather than folded into it.

    ``order``: the epoch's rows, in order; ``classes`` (n,) int for (h1), ``indicator`` (n, k)
    for (h2) and (h3) (the other a dummy); ``head`` in HEAD_CODES; ``row_weights`` None or the
    weight of each row (``host_weights`` the same, float64, for the normalisers); ``layers`` an
    (L, 4) int64 array of [coef start, intercept start, fan_in, fan_out] in ``params``;
    ``optimizer`` ADAM or SGD, ``first`` and ``second`` its state (Adam's moments; SGD's
    velocity and a dummy); ``hyper`` its float64 settings (Adam: lr_init, b1, b2, eps; SGD: lr,
    momentum, nesterov); ``t`` Adam's step count. Returns (sum over batches of loss x rows, t).
    """
    n_samples = order.shape[0]
    buffers = epoch_buffers(X, classes, indicator, batch_size, layers)
    whole = grad[:0]
    total = 0.0
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        normalizer = batch_normalizer(order, start, stop, host_weights)
        if normalizer <= 0.0:
            continue  # every row of this batch has weight 0: nothing to learn from it
        data_loss = batch_gradient(
            X,
            order,
            start,
            stop,
            classes,
            indicator,
            head,
            row_weights,
            normalizer,
            params,
            grad,
            layers,
            buffers,
        )
        penalty, t = batch_update(
            params,
            grad,
            whole,
            layers,
            alpha,
            normalizer,
            optimizer,
            first,
            second,
            segments,
            hyper,
            t,
        )
        total += (data_loss / normalizer + penalty) * (stop - start)
    return total, t
