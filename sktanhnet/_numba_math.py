"""Compiled kernels (numba): the elementwise passes of the network and the optimizers, fused.

Imported only through ``_numba_kernels``, by ``_compiled.NumbaOps``, the first time a fit or a
prediction on NumPy input needs a kernel (never by ``import sktanhnet``). Each function
compiles on its first call for each dtype (float64, float32) and is cached on disk (numba's
``cache=True``: beside this file, or in the user's cache folder where the package's folder is
read-only; ``NUMBA_CACHE_DIR`` overrides both). Every kernel releases the GIL (``nogil``), so
that prediction's chunks run on several threads (``_threads``), and none of them reassociates
(no fast-math; ``_numba_kernels._row_sums`` is the one exception): each computes the formula
of the NumPy pass it replaces, in the same order, so that both kernel sets train the same
model to rounding (the tests compare them over whole runs).

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

``_numba_kernels`` builds a whole mini-batch step and a whole epoch from these kernels.
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


@njit(inline="always", **_OPTIONS)
def _log_loss_bounds(values):
    """``_network.log_loss_bounds`` for the dtype of ``values``: -log(1 - eps), -log(eps)."""
    dtype = values.dtype.type
    eps = np.finfo(values.dtype).eps
    return dtype(eps), dtype(-math.log(eps))


@njit(inline="always", **_OPTIONS)
def _bounded(loss, low, high):
    """``loss`` within [low, high], as NumPy's clip: a NaN stays NaN (a divergence is seen)."""
    return low if loss < low else high if loss > high else loss


@njit(**_EXP_OPTIONS)
def softmax_loss_delta(logits, target, row_weights, normalizer):
    """(h1) eq 2, 3, 7: softmax, cross-entropy and delta_L^T = w_i (P - Y)^T / s, in place.

    ``logits`` is Z_L^T, (k, n); ``target`` holds each row's class index; ``row_weights`` is
    None or (n,). Returns each row's -log P[i, y_i] = logsumexp(Z_i) - Z[i, y_i] (log-softmax),
    within ``_log_loss_bounds``.
    The passes of ``_network._output_loss_and_delta`` (h1) in their order and dtype, in a few
    loops instead of a dozen NumPy calls.
    """
    n = logits.shape[1]
    maxima = _column_maxima(logits)
    row_losses = np.empty(n, logits.dtype)
    for i in range(n):
        row_losses[i] = logits[target[i], i] - maxima[i]  # Z[i, y_i] - max Z_i
    sums = _exp_shifted(logits, maxima)
    low, high = _log_loss_bounds(logits)
    for i in range(n):
        loss = math.log(sums[i]) - row_losses[i]  # -log P[i, y_i]
        row_losses[i] = _bounded(loss, low, high)  # as scikit-learn's log-loss
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
def _log1p_unit(e):
    """log(1 + e) for e in [0, 1] (and NaN), vectorisable: 2 atanh(s) with s = e / (2 + e) in
    [0, 1/3], the series 2 (s + s^3/3 + s^5/5 + ...) to s^33 (the next term is below 2^-53 of
    the sum), within about an ulp."""
    s = e / (2.0 + e)
    s2 = s * s
    p = 1.0 / 33.0
    for n in range(31, 0, -2):  # unrolled by the compiler: Horner in s^2
        p = p * s2 + 1.0 / n
    return 2.0 * s * p


@njit(inline="always", **_OPTIONS)
def _softplus(z, e):
    """log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)), NumPy's logaddexp(0, z), given
    e = exp(-|z|) (already computed for the sigmoid)."""
    return (z if z > 0.0 else 0.0) + _log1p_unit(e)


@njit(**_EXP_OPTIONS)
def logistic_loss_delta(logits, target, row_weights, normalizer):
    """(h2) binary cross-entropy and delta_L^T = w_i (sigmoid(Z) - Y)^T / s, in place.

    ``logits`` is Z_L^T, (k, n); ``target`` the (n, k) 0/1 indicator matrix. Returns each row's
    sum_j log(1 + exp(z_ij)) - y_ij z_ij, each term within ``_log_loss_bounds``; the sigmoid as
    ``NumpyOps.sigmoid``: exp(-|z|) / (1 + exp(-|z|)) for z < 0, 1 / (1 + exp(-|z|)) otherwise.
    """
    k, n = logits.shape
    row_losses = np.zeros(n, logits.dtype)
    one = logits.dtype.type(1.0)
    low, high = _log_loss_bounds(logits)
    for j in range(k):
        for i in range(n):
            z = logits[j, i]
            y = target[i, j]
            e = _exp_below_one(-abs(z))
            row_losses[i] += _bounded(_softplus(z, e) - y * z, low, high)  # as scikit-learn's
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
    """eq 7's 1 / s, or w_i / s with row weights, in place (s in float64: see ``_compiled``)."""
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
    other,
    lo,
    hi,
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
    """One Adam update in place of ``params[lo:hi]``, with the L2 term's gradient, in one pass.

    ``segments`` is an (m, 3) int64 array of [start, stop, penalized] ranges covering the
    vector: g = grad + l2 * params where penalized (the weights, eq 8 extended), then
    m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; params -= rate * m / (sqrt(v) + eps), each
    operation in ``_optimizers.Adam``'s order and rounded to the vector's dtype where NumPy's
    pass stores it. The scalars come in that dtype (``rate`` in float64, as NumPy's). ``grad``
    is left as it was. ``other``, when not empty, is the gradient of the batch's other rows
    (computed on another thread): g = (grad + other) + l2 * params. Two threads update two
    ranges at once.
    """
    # One loop per range, on slices: the compiler vectorises a loop over fresh slices (a loop
    # over [start, stop) of the whole arrays stays scalar). Biases get l2 = 0: g + 0 * p = g.
    no_decay = l2 - l2
    for segment in range(segments.shape[0]):
        a, b = max(segments[segment, 0], lo), min(segments[segment, 1], hi)
        if a >= b:
            continue
        decay = l2 if segments[segment, 2] != 0 else no_decay
        if other.shape[0]:
            _adam(
                params[a:b],
                grad[a:b],
                other[a:b],
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
        else:
            _adam(
                params[a:b],
                grad[a:b],
                None,
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
def _gradient(grad, other, params, l2, i):
    """g = grad + l2 * params, with the other rows' gradient added first where there is one."""
    if other is None:
        return grad[i] + params[i] * l2
    return (grad[i] + other[i]) + params[i] * l2


@njit(inline="always", **_OPTIONS)
def _adam(
    params,
    grad,
    other,
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
        g = _gradient(grad, other, params, l2, i)
        m = first[i] * beta_1 + g * one_minus_beta_1
        first[i] = m
        v = second[i] * beta_2 + (g * g) * one_minus_beta_2
        second[i] = v
        s = m / (math.sqrt(v) + epsilon)
        params[i] = params[i] - params.dtype.type(s * rate)  # s rounded as NumPy stores it


@njit(**_OPTIONS)
def sgd_step(params, grad, other, lo, hi, velocity, segments, l2, rate, momentum, nesterov):
    """One SGD update in place of ``params[lo:hi]`` (momentum, Nesterov), with the L2 term.

    v = momentum v - rate g; params += v, or with Nesterov params += momentum v - rate g, each
    operation in ``_optimizers.SGD``'s order; ``other``, ``segments`` and the scalars as in
    ``adam_step``.
    """
    no_decay = l2 - l2
    for segment in range(segments.shape[0]):
        a, b = max(segments[segment, 0], lo), min(segments[segment, 1], hi)
        if a >= b:
            continue
        decay = l2 if segments[segment, 2] != 0 else no_decay
        if other.shape[0]:
            _sgd(params[a:b], grad[a:b], other[a:b], velocity[a:b], decay, rate, momentum, nesterov)
        else:
            _sgd(params[a:b], grad[a:b], None, velocity[a:b], decay, rate, momentum, nesterov)


@njit(inline="always", **_OPTIONS)
def _sgd(params, grad, other, velocity, l2, rate, momentum, nesterov):
    for i in range(params.shape[0]):
        g = _gradient(grad, other, params, l2, i)
        scaled = g * rate
        v = velocity[i] * momentum - scaled
        velocity[i] = v
        if nesterov:
            params[i] = (params[i] - scaled) + v * momentum
        else:
            params[i] = params[i] + v
