"""The network of the note: tanh hidden layers, an output head, and its loss; backpropagation.

Nothing here knows scikit-learn. Every equation is written once, for every array namespace:
with the standard's operators and functions, and with the primitives of ``_array_ops`` (``ops``,
the estimator's choice for X's namespace and device) where NumPy's speed needs ``out=`` buffers
or in-place passes. ``ops`` defaults to NumPy, the fast path, which also takes scipy.sparse X.

Symbols, for a batch of n rows (rendered in docs/user_guide/math.rst): X (n, d) input; W_l, b_l
the weights and bias of layer l = 1..L; A_0 = X; Z_l = A_{l-1} W_l + b_l; A_l = tanh(Z_l) for
l < L; P the output.

The weights are views into one flat vector, each layer's W_l and b_l one block, read as one
(fan_in + 1, fan_out) matrix [W_l; b_l] where the activations carry a row of ones: each layer's
product then includes its bias (eq 1, 8 and 9). ``_layout`` holds that layout, the initial
weights, and the workspace of activation and delta buffers.

Extensions beyond the note, each stated where it is coded:
- the L2 term (alpha / 2s) sum_l ||W_l||^2 of scikit-learn's MLP;
- sample weights: each row's loss and delta scaled by w_i, and every 1/n (the L2 term's too)
  becomes 1/s with s = sum w (s = n without weights);
- the output heads below the note's softmax: each output activation is paired with the loss it
  is the canonical link of, so delta_L = (P - Y) / s holds unchanged for every one of them, and a
  head differs from another only in its forward function and its loss (``_output_loss_and_delta``):
  (h1) softmax + cross-entropy, multiclass (the note, eq 2, 3);
  (h2) logistic + binary cross-entropy: binary targets (one output unit, the note's two-class
       softmax on the difference of its two logits, sigmoid(z1 - z0)) and multilabel ones;
  (h3) identity + squared error, regression (``loss="squared_error"``);
  (h4) exp + Poisson deviance, regression (``loss="poisson"``).
  The losses are scikit-learn's (``sklearn/neural_network/_base.py``), so that loss curves and
  L-BFGS runs agree with its MLP.
"""

import contextlib
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from ._array_ops import NUMPY

SOFTMAX = "softmax"  # (h1)
LOGISTIC = "logistic"  # (h2)
IDENTITY = "identity"  # (h3)
EXP = "exp"  # (h4)


def forward(coefs, intercepts, X, activations, out_activation, ops=NUMPY, first=None):
    """Forward pass: fills ``activations`` (a workspace's) and returns P, (n, k) (eq 1, 2).

    P is the output head's: softmax (h1), sigmoid (h2), Z itself (h3) or exp(Z) (h4).
    """
    with ops.errstate():  # exp(-2z) in NumPy's tanh
        output = forward_logits(coefs, intercepts, X, activations, ops=ops, first=first)
    if out_activation == SOFTMAX:
        return _softmax_inplace(output, ops).T
    if out_activation == LOGISTIC:
        return ops.sigmoid(output).T  # (h2): P = 1 / (1 + exp(-Z))
    if out_activation == EXP:
        with ops.errstate():  # exp(Z) overflows to inf for Z > 709: the caller checks
            ops.exp(output)  # (h4): P = exp(Z)
    return output.T  # (h3): P = Z


def _softmax_inplace(logits, ops):
    """eq 2 on Z^T (one column per row), computed as exp(Z - max Z) / sum: it never overflows."""
    fused = ops.fused_softmax(logits.dtype)  # a kernel set's one pass (``_compiled``), or None
    if fused is not None and logits.flags.c_contiguous:
        fused(logits)
        return logits
    logits -= ops.max(logits, axis=0)
    ops.exp(logits)
    logits /= ops.sum(logits, axis=0)
    return logits


def log_proba(coefs, intercepts, X, activations, out_activation, log=True, ops=NUMPY, first=None):
    """log P, (n, k), through log-softmax (Z - logsumexp Z) or log-sigmoid: never log(0).

    With ``log=False``, P itself: for softmax exp(Z - max Z) / sum (eq 2, one exp per output
    rather than a log and two), for sigmoid exp(log P).
    """
    xp = ops.xp
    with ops.errstate():  # exp(-2z) in NumPy's tanh
        logits = forward_logits(coefs, intercepts, X, activations, ops=ops, first=first)
    if out_activation == SOFTMAX:
        # Clip +-inf logits (huge inputs, no hidden layer): inf - inf would be NaN. Half the
        # largest float keeps Z - max Z finite, and P is unchanged (exp(-huge) is 0 either way).
        bound = float(xp.finfo(logits.dtype).max) / 2
        ops.clip(logits, -bound, bound)
        if not log:
            return _softmax_inplace(logits, ops).T
        logits -= ops.max(logits, axis=0)
        logits -= xp.log(ops.sum(xp.exp(logits), axis=0))
    else:
        ops.log_sigmoid(logits)
        if not log:
            ops.exp(logits)
    return logits.T


def log_loss_bounds(dtype, xp=np):
    """(low, high): the least and the most each -log p of the cross-entropy counts (eq 3).

    scikit-learn's log-loss takes every probability within [eps, 1 - eps] (eps of the dtype)
    before its log, so each term lies within [-log(1 - eps), -log(eps)]: 2.2e-16 to 36.04 in
    float64, 1.2e-7 to 15.94 in float32, computed in the dtype as it does. The same bounds hold
    here, so that a row the network gets confidently wrong counts as much as there (its
    gradient, P - Y, is not bounded: scikit-learn's is not either). ``_numba_math``'s output
    heads compute them the same way. ``dtype`` is of the namespace ``xp``'s arrays.
    -log(1 - eps) = eps + eps^2 / 2 + ... is eps once rounded to the dtype.
    """
    host = np.float32 if xp.finfo(dtype).bits == 32 else np.float64
    eps = float(np.finfo(host).eps)
    return eps, float(host(-math.log(eps)))


def mean_log_loss(log_proba, target, sample_weight, out_activation):
    """Mean cross-entropy (eq 3), weighted, of NumPy log-probabilities (n, k), each term within
    ``log_loss_bounds`` as in training.

    The classifier's validation loss, on rows it does not train on.
    """
    low, high = log_loss_bounds(log_proba.dtype)
    if out_activation == SOFTMAX:
        row_losses = np.clip(-log_proba[np.arange(len(target)), target], low, high)
    else:
        # binary cross-entropy: -log p where y = 1, -log(1 - p) = -log(-expm1(log p)) where y = 0
        # (taken by target: 0 x inf would be NaN where p rounds to 1), each term bounded
        with np.errstate(divide="ignore"):
            log_complement = np.log(-np.expm1(log_proba))
        terms = np.where(target == 1, -log_proba, -log_complement)
        row_losses = np.clip(terms, low, high).sum(axis=1)
    return float(np.average(row_losses, weights=sample_weight))


def binary_proba(coefs, intercepts, X, activations, ops=NUMPY, first=None):
    """(h2) with one output unit (binary): [P(class 0), P(class 1)] = [sigmoid(-z), sigmoid(z)].

    The note's two-class softmax is softmax(z0, z1)_1 = sigmoid(z1 - z0): one logit z suffices.
    Each probability comes from the logit itself, so neither loses digits to 1 - p. (2, n)^T.
    """
    with ops.errstate():  # exp(-2z) in NumPy's tanh
        logits = forward_logits(coefs, intercepts, X, activations, ops=ops, first=first)
    fused = ops.fused_binary_proba(logits.dtype)  # a kernel set's one pass, or None
    if fused is not None:
        return fused(logits).T
    negative = ops.sigmoid(-logits)  # a new (1, n) array
    return ops.concat([negative, ops.sigmoid(logits)], axis=0).T


class FirstLayer(NamedTuple):
    """How prediction's forward pass takes its first layer (``forward_logits``)."""

    by_rows: bool = False
    check: Callable | None = None


_PLAIN_FIRST_LAYER = FirstLayer()
_UNCHANGED = contextlib.nullcontext()


def forward_logits(coefs, intercepts, X, activations, blocks=None, ops=NUMPY, first=None):
    """The forward pass up to the output logits, left as Z_L^T in ``activations[-1]``.

    ``activations`` are a workspace's (feature-major, [A_l | 1]^T for the hidden layers). With
    ``blocks`` (the [W_l; b_l] views of ``layout.blocks``), each layer above the first is one
    matrix product. ``first``, a ``FirstLayer`` (prediction's): with ``by_rows``
    (``_training.first_layer_by_rows``), Z_1 and A_1 one row per data row in ``activations[0]``'s
    memory, read transposed by the second layer; ``check``, where given, is called with X W_1
    (either orientation) before its bias is added and tanh reads it.
    """
    by_rows, check = first or _PLAIN_FIRST_LAYER
    # with a check, a product of X's inf can be NaN (inf - inf): the check, not NumPy's warning,
    # says so, with scikit-learn's error
    first_product = np.errstate(invalid="ignore") if check is not None else _UNCHANGED
    last = len(coefs) - 1
    previous = None
    for layer in range(last + 1):
        activation = activations[layer]
        values = activation if layer == last else activation[:-1, :]  # Z_l^T, then A_l^T
        if by_rows and layer == 0 < last:  # eq 1 by data rows: Z_1 = X W_1 + b_1
            rows = ops.reshape(ops.reshape(activation, (-1,))[: values.size], values.shape[::-1])
            with first_product:
                ops.matmul(X, coefs[0], out=rows)
            if check is not None:
                check(rows)
            rows += intercepts[0]
            previous = ops.tanh(rows).T  # A_1^T, a view, with no row of ones below it
            continue
        if layer == 0:
            if sp.issparse(X):
                values[...] = (X @ coefs[0]).T
            else:
                with first_product:
                    ops.matmul(coefs[0].T, X.T, out=values)  # Z_1^T = W_1^T X^T
                if check is not None:
                    check(values)
            values += intercepts[0][:, None]  # + b_1
        elif blocks is None:
            below = previous if by_rows and layer == 1 else previous[:-1, :]
            ops.matmul(coefs[layer].T, below, out=values)
            values += intercepts[layer][:, None]  # Z_l = A_{l-1} W_l + b_l
        else:
            ops.matmul(blocks[layer].T, previous, out=values)  # Z_l = [A_{l-1} | 1] [W_l; b_l]
        if layer < last:
            ops.tanh(values)  # eq 1
        previous = activation
    return activations[-1]


def _output_loss_and_delta(logits, target, row_weights, normalizer, out_activation, workspace):
    """Data term of the loss, and delta_L^T = (dL/dZ_L)^T written over ``logits`` (Z_L^T).

    (h1) Softmax (eq 2, 3): target holds each row's class index; the loss is the mean of
    -log P[i, y_i] = logsumexp(Z_i) - Z[i, y_i], taken from the true class only.
    (h2) Logistic (binary: one column; multilabel: one per label): target is the 0/1 indicator
    matrix Y; the loss is the binary cross-entropy sum_j log(1 + exp(z_ij)) - y_ij z_ij.
    In both, each -log term is held within ``log_loss_bounds``, as scikit-learn's log-loss holds
    it (the delta is not).
    (h3) Identity (regression): target is the (n, k) matrix Y; the loss is scikit-learn's
    squared_loss, half the squared error averaged over the rows and then over the k targets:
    (1 / 2k) sum_j (z_ij - y_ij)^2 per row. Its delta is P - Y without the 1/k, as in
    scikit-learn: with k > 1 targets the gradient is k times the loss's (kept, for parity).
    (h4) Exp (Poisson regression): P = exp(Z), and the loss is scikit-learn's poisson_loss, half
    the Poisson deviance summed over the targets: sum_j y log(y / p) - y + p per row, with
    y log(y / p) = y log y - y z (0 where y = 0).
    In all four, delta_L = w_i (P - Y) / s (eq 5-7, 12; see ``backward`` for the corrected eq 6):
    each output activation is the canonical link of its loss, so its Jacobian cancels.
    The loss is a Python float on NumPy, a 0-d array on the device elsewhere (no sync).
    """
    ops = workspace.ops
    xp = ops.xp
    fused = ops.fused_output(out_activation, logits.dtype)
    if fused is not None:
        # A kernel set's one pass of the same formulas, in the same order (``_compiled``).
        row_losses = fused(logits, target, row_weights, normalizer)
        if row_weights is None:
            return ops.scalar(ops.sum(row_losses, axis=0)) / normalizer
        return ops.dot(row_losses, row_weights) / normalizer
    if out_activation == SOFTMAX:
        logits -= ops.max(logits, axis=0)
        true_class = ops.true_class(logits, target, workspace)
        true_logits = ops.take_true_class(logits, true_class)
        ops.exp(logits)
        sums = ops.sum(logits, axis=0)
        row_losses = xp.log(sums)
        row_losses -= true_logits  # -log P[i, y_i] via log-softmax
        ops.clip(row_losses, *log_loss_bounds(logits.dtype, xp))  # as scikit-learn's loss
        logits /= sums  # eq 2: P
        ops.subtract_true_class(logits, true_class)  # eq 7: P - Y
    elif out_activation == LOGISTIC:
        target = target.T
        terms = ops.softplus(logits) - target * logits
        row_losses = ops.sum(ops.clip(terms, *log_loss_bounds(logits.dtype, xp)), axis=0)
        ops.sigmoid(logits)
        logits -= target  # P - Y
    elif out_activation == IDENTITY:
        logits -= target.T  # (h3): P - Y, with P = Z
        row_losses = ops.sum(logits * logits, axis=0) * (0.5 / logits.shape[0])
    else:
        target = target.T
        # (h4): sum_j y log y - y z - y + exp(z); log y taken where y > 0 only (xlogy)
        log_target = xp.log(xp.where(target > 0, target, xp.ones_like(target)))
        row_losses = ops.sum(target * (log_target - logits - 1.0), axis=0)
        with ops.errstate():
            ops.exp(logits)  # P = exp(Z)
        row_losses += ops.sum(logits, axis=0)
        logits -= target  # P - Y
    if row_weights is None:
        data_loss = ops.scalar(ops.sum(row_losses, axis=0)) / normalizer
        logits /= normalizer  # eq 7: (P - Y) / n
    else:
        data_loss = ops.dot(row_losses, row_weights) / normalizer
        logits *= row_weights / normalizer  # w_i (P - Y) / s
    return data_loss


def loss_and_gradient(
    layout,
    params,
    X,
    target,
    row_weights,
    normalizer,
    alpha,
    out_activation,
    workspace,
    grad,
    add_penalty=True,
    data_normalizer=None,
):
    """Loss (eq 3 plus the L2 term) and its gradient, written into ``grad`` (same layout).

    ``normalizer`` is s: the number of rows, or the sum of their weights. A caller that splits a
    batch into chunks passes the whole batch's s for each chunk, sums the results and adds the
    L2 term once (``add_penalty`` True for one chunk only), its arrays ``workspace.ops``' own;
    ``data_normalizer``: 1 where ``row_weights`` are w_i / s (``_batch_weights.relative_weights``).
    """
    ops = workspace.ops
    (coefs, intercepts, blocks), (coef_grads, intercept_grads, grad_blocks) = workspace.bind(
        layout, params, grad
    )
    activations, deltas = workspace.rows(X.shape[0])
    forward_logits(coefs, intercepts, X, activations, blocks, ops=ops)
    s = data_normalizer or normalizer
    loss = _output_loss_and_delta(
        activations[-1], target, row_weights, s, out_activation, workspace
    )
    backward(coefs, X, activations, deltas, coef_grads, intercept_grads, grad_blocks, ops=ops)
    if add_penalty and alpha:
        # L2 term: loss += (alpha / 2s) sum ||W_l||^2; dL/dW_l += (alpha / s) W_l (eq 8, extended)
        loss += 0.5 * alpha * layout.squared_coef_norm(params, ops) / normalizer
        scale = alpha / normalizer
        for coef, coef_grad in zip(coefs, coef_grads):
            scaled = ops.reshape(
                workspace.coef_scratch[: coef.shape[0] * coef.shape[1]], coef.shape
            )
            coef_grad += ops.multiply(coef, scale, out=scaled)
    return loss


def backward(
    coefs, X, activations, deltas, coef_grads, intercept_grads, grad_blocks=None, ops=NUMPY
):
    """The delta recursion, from delta_L (already in ``activations[-1]``) down to layer 1.

    Chain rule (eq 4, corrected: the note swaps its variables; it is dz/dx = dz/dy * dy/dx).
    Softmax with cross-entropy is a canonical pair: with the corrected eq 6,
    dP_i/dZ_j = P_i (delta_ij - P_j), the softmax Jacobian cancels and delta_L = (P - Y) / n
    (eq 5-7, 12); so do the other three heads' (h2-h4, see ``_output_loss_and_delta``).
    Buffers are a workspace's, feature-major: delta_l^T and [A_l | 1]^T. With ``grad_blocks``
    (the [dW_l; db_l] views of the gradient), eq 8 and 9 above the first layer are one product.
    May overwrite the hidden activations with tanh' = 1 - A^2 on the way down.
    """
    delta = activations[-1]  # delta_L^T
    for layer in range(len(coefs) - 1, -1, -1):
        if layer == 0:
            # eq 8, 12: dL/dW_1 = X^T delta_1; eq 9: dL/db_1 = column sums of delta_1
            if sp.issparse(X):
                coef_grads[0][...] = X.T @ delta.T
            else:
                ops.matmul(X.T, delta.T, out=coef_grads[0])
            ops.sum(delta, axis=1, out=intercept_grads[0])
            break
        below = activations[layer - 1]  # [A_{l-1} | 1]^T
        if grad_blocks is not None:
            # eq 8, 9, 12 at once: [dL/dW_l; dL/db_l] = [A_{l-1} | 1]^T delta_l
            ops.matmul(below, delta.T, out=grad_blocks[layer])
            below = below[:-1, :]
        else:
            below = below[:-1, :]
            ops.matmul(below, delta.T, out=coef_grads[layer])  # eq 8, 12
            ops.sum(delta, axis=1, out=intercept_grads[layer])  # eq 9: column sums
        # eq 10, 11: delta_{l-1} = (delta_l W_l^T) * (1 - A_{l-1}^2), tanh' from the stored A
        below_delta = ops.matmul(coefs[layer], delta, out=deltas[layer - 1])
        delta = ops.tanh_backward(below_delta, below)  # * (1 - A_{l-1}^2)
