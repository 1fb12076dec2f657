"""Where the network's numbers live: the flat parameter vector, its initialisation, and the
activation and delta buffers that ``_network``'s passes fill.

All weights live in one flat vector ``params``. Layer l occupies one contiguous block: W_l
(fan_in x fan_out, C order) followed by b_l (fan_out). ``coefs`` and ``intercepts`` are views into
it, so the optimizers and L-BFGS update one array and nothing is packed or unpacked.

The same block read as one (fan_in + 1, fan_out) matrix is W_l with b_l as its last row. The
workspace keeps each hidden activation A_l with a last column of ones, [A_l | 1], so that
Z_{l+1} = [A_l | 1] [W; b] and [A_l | 1]^T delta = [dL/dW; dL/db] are each one matrix product
(eq 1, 8 and 9 with the bias folded in): fewer passes and fewer calls per batch.
"""

import numpy as np

from ._array_ops import NUMPY


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

    def views(self, flat, ops=NUMPY):
        """Lists of (fan_in, fan_out) weight views and (fan_out,) bias views into ``flat``."""
        coefs = [ops.reshape(flat[s], shape) for s, shape in zip(self.coef_slices, self.shapes)]
        intercepts = [flat[s] for s in self.intercept_slices]
        return coefs, intercepts

    def blocks(self, flat, ops=NUMPY):
        """(fan_in + 1, fan_out) views into ``flat``: W_l with b_l as its last row."""
        return [
            ops.reshape(flat[coef.start : intercept.stop], (fan_in + 1, fan_out))
            for coef, intercept, (fan_in, fan_out) in zip(
                self.coef_slices, self.intercept_slices, self.shapes
            )
        ]

    def pack(self, coefs, intercepts, dtype, ops=NUMPY):
        """A new flat vector holding copies of the given weights (checked against the layout).

        The weights may come from any namespace: they are moved to ``ops``' namespace and device.
        """
        if len(coefs) != self.n_layers or len(intercepts) != self.n_layers:
            raise ValueError(
                f"coefs_ and intercepts_ must hold {self.n_layers} arrays each, got "
                f"{len(coefs)} and {len(intercepts)}."
            )
        flat = ops.empty(self.size, dtype)
        flat_coefs, flat_intercepts = self.views(flat, ops)
        for layer, (coef, intercept) in enumerate(zip(coefs, intercepts)):
            coef, intercept = ops.adopt(coef, dtype), ops.adopt(intercept, dtype)
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

    def squared_coef_norm(self, flat, ops=NUMPY):
        """sum_l ||W_l||^2, the L2 term without its factor (biases are not penalised)."""
        total = 0.0
        for s in self.coef_slices:
            coef = flat[s]
            total += ops.dot(coef, coef)
        return total


def init_params(layout, random_state, dtype, ops=NUMPY):
    """Glorot uniform, as scikit-learn's MLP with tanh: U(-r, r), r = sqrt(6 / (fan_in + fan_out)).

    Draws W_l then b_l for each layer from ``random_state`` in the same order as scikit-learn, so
    the same seed gives ``MLPClassifier``'s initial weights for the same layer sizes, in every
    namespace (drawn with NumPy, then moved to ``ops``' device: the standard has no random numbers).
    """
    flat = np.empty(layout.size, dtype=dtype if ops.is_numpy else np.float64)
    coefs, intercepts = layout.views(flat)
    for (fan_in, fan_out), coef, intercept in zip(layout.shapes, coefs, intercepts):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        coef[...] = random_state.uniform(-bound, bound, (fan_in, fan_out))
        intercept[...] = random_state.uniform(-bound, bound, fan_out)
    return flat if ops.is_numpy else ops.asarray(flat, dtype)


class Workspace:
    """Activation and delta buffers for up to ``max_rows`` rows, made once and reused per batch.

    Buffers are feature-major: layer l's activations are stored transposed, one row per unit
    and one column per data row, so that every elementwise pass (tanh, its derivative, the
    softmax) runs over contiguous memory and the softmax sums over the short first axis. A hidden
    layer's buffer holds [A_l | 1]^T: a last row of ones folds the next layer's bias into its
    matrix product. The output buffer holds Z_L^T, then P^T, then delta_L^T.
    Never shared between threads: each fit or predict call makes its own.
    """

    def __init__(self, layout, max_rows, dtype, ops=NUMPY):
        self.ops = ops
        self.max_rows = max_rows
        self.dtype = dtype
        widths = layout.layer_units[1:]
        self._hidden_widths = widths[:-1]
        self._n_outputs = widths[-1]
        self._activation_memory = [ops.empty((w + 1) * max_rows, dtype) for w in widths[:-1]]
        self._activation_memory.append(ops.empty(widths[-1] * max_rows, dtype))
        self._delta_memory = [ops.empty(w * max_rows, dtype) for w in widths[:-1]]
        if ops.is_numpy:
            # Flat positions of the true class of each row in P^T (softmax), built per batch.
            self.true_index = np.empty(max_rows, dtype=np.intp)
            self.row_numbers = np.arange(max_rows, dtype=np.intp)
        else:
            # Class numbers as a column, compared with the targets for a one-hot mask.
            self.class_numbers = ops.xp.arange(self._n_outputs, device=ops.device)[:, None]
        # Scratch of the largest W_l, for the L2 gradient without a temporary array.
        self.coef_scratch = ops.empty(max(f * o for f, o in layout.shapes), dtype)
        self._rows = None
        self._views = None
        self._bound = None

    def rows(self, n_rows):
        """(activations, deltas) for ``n_rows`` rows: contiguous feature-major buffers."""
        if n_rows != self._rows:
            if n_rows > self.max_rows:
                raise ValueError(f"{n_rows} rows do not fit a workspace of {self.max_rows}.")
            reshape = self.ops.reshape
            activations = [
                reshape(memory[: (w + 1) * n_rows], (w + 1, n_rows))
                for w, memory in zip(self._hidden_widths, self._activation_memory)
            ]
            for activation in activations:
                activation[-1, :] = 1.0  # the row of ones of [A_l | 1]^T
            activations.append(
                reshape(
                    self._activation_memory[-1][: self._n_outputs * n_rows],
                    (self._n_outputs, n_rows),
                )
            )
            deltas = [
                reshape(memory[: w * n_rows], (w, n_rows))
                for w, memory in zip(self._hidden_widths, self._delta_memory)
            ]
            self._rows, self._views = n_rows, (activations, deltas)
        return self._views

    def bind(self, layout, params, grad):
        """Views of ``params`` and ``grad`` (coefs, intercepts, blocks), made once per pair."""
        bound = self._bound
        if bound is None or bound[0] is not params or bound[1] is not grad:
            coefs, intercepts = layout.views(params, self.ops)
            coef_grads, intercept_grads = layout.views(grad, self.ops)
            bound = (
                params,
                grad,
                (coefs, intercepts, layout.blocks(params, self.ops)),
                (coef_grads, intercept_grads, layout.blocks(grad, self.ops)),
            )
            self._bound = bound
        return bound[2], bound[3]
