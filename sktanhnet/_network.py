"""The network of the note: tanh hidden layers, softmax (or sigmoid) output, mean cross-entropy.

Pure NumPy (and scipy.sparse for sparse inputs); nothing here knows scikit-learn.

Symbols, for a batch of n rows (see DESIGN.md): X (n, d) input; W_l, b_l the weights and bias of
layer l = 1..L; A_0 = X; Z_l = A_{l-1} W_l + b_l; A_l = tanh(Z_l) for l < L; P the output.

All weights live in one flat vector ``params``. Layer l occupies one contiguous block: W_l
(fan_in x fan_out, C order) followed by b_l (fan_out). ``coefs`` and ``intercepts`` are views into
it, so the optimizers and L-BFGS update one array and nothing is packed or unpacked.

Extensions beyond the note, each stated where it is coded:
- the L2 term (alpha / 2s) sum_l ||W_l||^2 of scikit-learn's MLP;
- sample weights: each row's loss and delta scaled by w_i, and every 1/n (the L2 term's too)
  becomes 1/s with s = sum w (s = n without weights);
- multilabel targets: independent sigmoid outputs with binary cross-entropy, a canonical pair
  like softmax with cross-entropy, so delta_L = (P - Y) / s holds unchanged.
"""

import numpy as np
import scipy.sparse as sp

SOFTMAX = "softmax"
LOGISTIC = "logistic"


class ParameterLayout:
    """Where each W_l and b_l sits in the flat parameter vector."""

    def __init__(self, layer_units):
        self.layer_units = [int(u) for u in layer_units]
        self.coef_slices, self.intercept_slices, self.shapes = [], [], []
        start = 0
        for fan_in, fan_out in zip(self.layer_units[:-1], self.layer_units[1:]):
            self.coef_slices.append(slice(start, start + fan_in * fan_out))
            start += fan_in * fan_out
            self.intercept_slices.append(slice(start, start + fan_out))
            start += fan_out
            self.shapes.append((fan_in, fan_out))
        self.size = start

    @property
    def n_layers(self):
        """Number of weight layers, L."""
        return len(self.shapes)

    def views(self, flat):
        """Lists of (fan_in, fan_out) weight views and (fan_out,) bias views into ``flat``."""
        coefs = [flat[s].reshape(shape) for s, shape in zip(self.coef_slices, self.shapes)]
        intercepts = [flat[s] for s in self.intercept_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts, dtype):
        """A new flat vector holding copies of the given weights (checked against the layout)."""
        if len(coefs) != self.n_layers or len(intercepts) != self.n_layers:
            raise ValueError(
                f"coefs_ and intercepts_ must hold {self.n_layers} arrays each, got "
                f"{len(coefs)} and {len(intercepts)}."
            )
        flat = np.empty(self.size, dtype=dtype)
        flat_coefs, flat_intercepts = self.views(flat)
        for layer, (coef, intercept) in enumerate(zip(coefs, intercepts)):
            coef, intercept = np.asarray(coef), np.asarray(intercept)
            if coef.shape != flat_coefs[layer].shape:
                raise ValueError(
                    f"coefs_[{layer}] must have shape {flat_coefs[layer].shape}, got {coef.shape}."
                )
            if intercept.shape != flat_intercepts[layer].shape:
                raise ValueError(
                    f"intercepts_[{layer}] must have shape {flat_intercepts[layer].shape}, "
                    f"got {intercept.shape}."
                )
            flat_coefs[layer][...] = coef
            flat_intercepts[layer][...] = intercept
        return flat

    def squared_coef_norm(self, flat):
        """sum_l ||W_l||^2, the L2 term without its factor (biases are not penalised)."""
        total = 0.0
        for s in self.coef_slices:
            coef = flat[s]
            total += float(np.dot(coef, coef))
        return total


def init_params(layout, random_state, dtype):
    """Glorot uniform, as scikit-learn's MLP with tanh: U(-r, r), r = sqrt(6 / (fan_in + fan_out)).

    Draws W_l then b_l for each layer from ``random_state`` in the same order as scikit-learn, so
    the same seed gives ``MLPClassifier``'s initial weights for the same layer sizes.
    """
    flat = np.empty(layout.size, dtype=dtype)
    coefs, intercepts = layout.views(flat)
    for (fan_in, fan_out), coef, intercept in zip(layout.shapes, coefs, intercepts):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        coef[...] = random_state.uniform(-bound, bound, (fan_in, fan_out))
        intercept[...] = random_state.uniform(-bound, bound, fan_out)
    return flat


def _matmul(left, right, out):
    """out = left @ right, for a dense or sparse ``left``."""
    if sp.issparse(left):
        out[...] = left @ right
    else:
        np.matmul(left, right, out=out)
    return out


class Workspace:
    """Activation and delta buffers for up to ``max_rows`` rows, made once and reused per batch.

    Never shared between threads: each fit or predict call makes its own.
    """

    def __init__(self, layout, max_rows, dtype):
        self.max_rows = max_rows
        widths = layout.layer_units[1:]
        # activations[l] holds A_l (and Z_l before tanh); the last one holds P, then delta_L.
        self.activations = [np.empty((max_rows, w), dtype=dtype) for w in widths]
        # deltas[l] holds delta_l for the hidden layers l = 1..L-1.
        self.deltas = [np.empty((max_rows, w), dtype=dtype) for w in widths[:-1]]

    def rows(self, n_rows):
        """The buffers cut to the first ``n_rows`` rows (contiguous views)."""
        return [a[:n_rows] for a in self.activations], [d[:n_rows] for d in self.deltas]


def forward(coefs, intercepts, X, activations, out_activation):
    """Forward pass: fills ``activations`` and returns the output P (eq 1, 2)."""
    output = forward_logits(coefs, intercepts, X, activations)
    if out_activation == SOFTMAX:
        return _softmax_inplace(output)
    return _sigmoid_inplace(output)


def _softmax_inplace(logits):
    """eq 2, row-wise, computed as exp(Z - max Z) / sum so that it never overflows."""
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def _sigmoid_inplace(logits):
    """P = 1 / (1 + exp(-Z)), computed without overflow (multilabel extension)."""
    # exp(-|Z|) is in (0, 1]; sigmoid(Z) = 1 / (1 + e) for Z >= 0 and e / (1 + e) otherwise.
    negative = logits < 0
    np.abs(logits, out=logits)
    np.negative(logits, out=logits)
    np.exp(logits, out=logits)
    numerator = np.where(negative, logits, 1.0)
    logits += 1.0
    np.divide(numerator, logits, out=logits)
    return logits


def log_proba(coefs, intercepts, X, activations, out_activation):
    """log P for each output, through log-softmax (Z - logsumexp Z) or log-sigmoid: never log(0)."""
    forward_logits(coefs, intercepts, X, activations)
    logits = activations[-1]
    if out_activation == SOFTMAX:
        logits -= logits.max(axis=1, keepdims=True)
        logits -= np.log(np.exp(logits).sum(axis=1, keepdims=True))
    else:
        # log sigmoid(z) = -log(1 + exp(-z)) = -logaddexp(0, -z)
        np.negative(logits, out=logits)
        np.logaddexp(0.0, logits, out=logits)
        np.negative(logits, out=logits)
    return logits


def forward_logits(coefs, intercepts, X, activations):
    """The forward pass up to the output logits Z_L, left in ``activations[-1]``."""
    previous = X
    last = len(coefs) - 1
    for layer, (coef, intercept, activation) in enumerate(zip(coefs, intercepts, activations)):
        _matmul(previous, coef, out=activation)
        activation += intercept
        if layer < last:
            np.tanh(activation, out=activation)  # eq 1
        previous = activation
    return activations[-1]


def _output_loss_and_delta(logits, target, row_weights, normalizer, out_activation):
    """Data term of the loss, and delta_L = dL/dZ_L written over ``logits``.

    Softmax (eq 2, 3): target holds each row's class index; the loss is the mean of
    -log P[i, y_i] = logsumexp(Z_i) - Z[i, y_i], taken from the true class only.
    Logistic (multilabel): target is the 0/1 indicator matrix Y; the loss is the binary
    cross-entropy sum_j log(1 + exp(z_ij)) - y_ij z_ij.
    In both, delta_L = w_i (P - Y) / s (eq 5-7, 12; see ``backward`` for the corrected eq 6).
    """
    n_rows = logits.shape[0]
    if out_activation == SOFTMAX:
        logits -= logits.max(axis=1, keepdims=True)
        rows = np.arange(n_rows)
        true_logits = logits[rows, target]
        np.exp(logits, out=logits)
        sums = logits.sum(axis=1)
        row_losses = np.log(sums) - true_logits  # -log P[i, y_i] via log-softmax
        logits /= sums[:, None]  # eq 2: P
        logits[rows, target] -= 1.0  # eq 7: P - Y
    else:
        row_losses = (np.logaddexp(0.0, logits) - target * logits).sum(axis=1)
        _sigmoid_inplace(logits)
        logits -= target  # P - Y
    if row_weights is None:
        data_loss = float(row_losses.sum()) / normalizer
        logits /= normalizer  # eq 7: (P - Y) / n
    else:
        data_loss = float(np.dot(row_losses, row_weights)) / normalizer
        logits *= (row_weights / normalizer)[:, None]  # w_i (P - Y) / s
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
):
    """Loss (eq 3 plus the L2 term) and its gradient, written into ``grad`` (same layout).

    ``normalizer`` is s: the number of rows, or the sum of their weights. A caller that splits a
    batch into chunks passes the whole batch's s for each chunk, sums the results and adds the
    L2 term once (``add_penalty`` True for one chunk only).
    """
    coefs, intercepts = layout.views(params)
    coef_grads, intercept_grads = layout.views(grad)
    activations, deltas = workspace.rows(X.shape[0])

    forward_logits(coefs, intercepts, X, activations)
    loss = _output_loss_and_delta(activations[-1], target, row_weights, normalizer, out_activation)
    backward(coefs, X, activations, deltas, coef_grads, intercept_grads)

    if add_penalty and alpha:
        # L2 term: loss += (alpha / 2s) sum ||W_l||^2; dL/dW_l += (alpha / s) W_l (eq 8, extended)
        loss += 0.5 * alpha * layout.squared_coef_norm(params) / normalizer
        for coef, coef_grad in zip(coefs, coef_grads):
            coef_grad += (alpha / normalizer) * coef
    return loss


def backward(coefs, X, activations, deltas, coef_grads, intercept_grads):
    """The delta recursion, from delta_L (already in ``activations[-1]``) down to layer 1.

    Chain rule (eq 4, corrected: the note swaps its variables; it is dz/dx = dz/dy * dy/dx).
    Softmax with cross-entropy is a canonical pair: with the corrected eq 6,
    dP_i/dZ_j = P_i (delta_ij - P_j), the softmax Jacobian cancels and delta_L = (P - Y) / n
    (eq 5-7, 12).
    Overwrites the hidden activations with tanh' = 1 - A^2 on the way down.
    """
    delta = activations[-1]
    for layer in range(len(coefs) - 1, -1, -1):
        below = X if layer == 0 else activations[layer - 1]
        # eq 8, 12: dL/dW_l = A_{l-1}^T delta_l
        if sp.issparse(below):
            coef_grads[layer][...] = below.T @ delta
        else:
            np.matmul(below.T, delta, out=coef_grads[layer])
        np.sum(delta, axis=0, out=intercept_grads[layer])  # eq 9: dL/db_l = column sums
        if layer == 0:
            break
        # eq 10, 11: delta_{l-1} = (delta_l W_l^T) * (1 - A_{l-1}^2), tanh' from the stored A
        below_delta = np.matmul(delta, coefs[layer].T, out=deltas[layer - 1])
        np.multiply(below, below, out=below)
        np.subtract(1.0, below, out=below)
        below_delta *= below
        delta = below_delta
