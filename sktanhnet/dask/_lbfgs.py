"""Data-parallel L-BFGS: the loss and gradient summed over the partitions, on the workers.

Each evaluation of the objective, for scipy's L-BFGS-B on the client:

1. the weights go to the workers once (``share``: one parameter vector to one worker, and from
   there to each worker whose partitions need it);
2. each partition's share of the data term, sum_i w_i loss_i / s and its gradient, is computed
   where the partition is, by the core's ``_network.loss_and_gradient`` with the normaliser s
   of the whole data (its rows, or its total weight) and without the L2 term, in chunks of the
   core's size;
3. the shares are added in pairs, a tree of depth ceil(log2 P) over P partitions, mostly on
   the workers that hold them, and one (loss, gradient) comes back to the client;
4. the client adds the L2 term once, (alpha / 2s) sum ||W_l||^2 and its gradient (alpha / s) W.

So each evaluation moves about two parameter vectors per worker (one in, one out towards the
sum) and the client sends and receives one each. ``sktanhnet._lbfgs.run_lbfgs`` does the rest,
as for an in-memory fit: iterations, ``max_fun``, ``tol``, the convergence warning, the curves.
"""

import time
import warnings

import numpy as np

from .._array_ops import ops_for
from .._layout import ParameterLayout, Workspace
from .._network import loss_and_gradient
from .._training import chunk_rows
from .._validation import aligned


def partition_loss_and_gradient(
    flat, X, target, row_weights, layer_units, normalizer, out_activation
):
    """(data loss, gradient) of one partition, its rows weighted and divided by ``normalizer``.

    The core's loop of ``_lbfgs.full_loss_and_gradient`` over chunks, on one thread: every
    chunk through ``loss_and_gradient`` with ``add_penalty=False``, the chunks' gradients added
    in order. ``flat`` is the parameter vector in X's dtype.
    """
    # a partition received within a message may lie unaligned: NumPy's products would skip BLAS
    X, target, row_weights = aligned(X), aligned(target), aligned(row_weights)
    layout = ParameterLayout(layer_units)
    ops = ops_for(X)
    ops.prepare(flat.dtype)
    n_rows = X.shape[0]
    rows = chunk_rows(layout, flat.dtype, n_rows, ops)
    workspace = Workspace(layout, rows, flat.dtype, ops)
    params = flat.copy()  # the workspace binds views of it; the shared array stays intact
    total = np.zeros(layout.size, dtype=flat.dtype)
    chunk_grad = np.empty(layout.size, dtype=flat.dtype)
    loss = 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for start in range(0, n_rows, rows):
            chunk = slice(start, min(start + rows, n_rows))
            loss += loss_and_gradient(
                layout,
                params,
                X[chunk],
                target[chunk],
                None if row_weights is None else row_weights[chunk],
                normalizer,
                0.0,
                out_activation,
                workspace,
                chunk_grad,
                add_penalty=False,
            )
            total += chunk_grad
    return float(loss), total


def add_pair(left, right):
    """The sum of two (loss, gradient) pairs: one node of the tree reduction."""
    return left[0] + right[0], left[1] + right[1]


def tree_sum(client, futures, pair=add_pair):
    """One future of the sum of ``futures``, added in pairs: a tree of depth ceil(log2 P).

    The pairs are fixed by the partitions' order, not by where they run, so the sum is the
    same whichever workers compute it (and after a worker is lost).
    """
    futures = list(futures)
    while len(futures) > 1:
        paired = [
            client.submit(pair, futures[i], futures[i + 1], pure=False)
            for i in range(0, len(futures) - 1, 2)
        ]
        if len(futures) % 2:
            paired.append(futures[-1])
        futures = paired
    return futures[0]


def _value(value):
    return value


def share(client, value):
    """A future of ``value``, for the tasks of one step on every worker, that a lost worker
    cannot lose.

    Not ``Client.scatter(..., broadcast=True)``: where a worker dies while its copies go out,
    the scheduler tries to copy to it again for ever (dask/distributed#5704), and the fit never
    returns (seen in this project's tests). A task that returns ``value`` keeps it in its spec
    on the scheduler: lost with its worker, it runs again on another one, and the workers that
    need it fetch it from the one that ran it, as scatter's copies did. dask's warning about a
    large graph is for data sent again and again; this is one vector, once per step.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sending large graph")
        return client.submit(_value, value, pure=False)


# Times an evaluation is tried again after a worker is lost during it (its data partitions are
# recomputed from their graph; the weights, sent again).
RETRIES = 3


class DistributedObjective:
    """objective(flat) -> (loss, float64 gradient) over the partitions of ``data``.

    ``data`` is a ``_data.WorkerData`` after its ``encode`` pass; ``normalizer`` is s, the
    whole data's rows or total weight. ``evaluations`` counts the calls.
    """

    def __init__(self, client, data, layout, alpha, out_activation, dtype, normalizer):
        self.client = client
        self.data = data
        self.layout = layout
        self.alpha = alpha
        self.out_activation = out_activation
        self.dtype = np.dtype(dtype)
        self.normalizer = float(normalizer)
        self.evaluations = 0

    def __call__(self, flat):
        params = np.asarray(flat, dtype=self.dtype)
        for attempt in range(RETRIES + 1):
            try:
                return self._evaluate(params)
            except OSError:  # CommClosedError: a worker was lost while the weights went out
                if attempt == RETRIES:
                    raise
                time.sleep(0.5 * (attempt + 1))  # the scheduler notices, and goes on without it

    def _evaluate(self, params):
        client, data = self.client, self.data
        shared = share(client, params)
        shares = [
            client.submit(
                partition_loss_and_gradient,
                shared,
                X,
                target,
                weight,
                self.layout.layer_units,
                self.normalizer,
                self.out_activation,
                pure=False,
            )
            for X, target, weight in zip(data.X, data.target, data.weight)
        ]
        loss, grad = tree_sum(client, shares).result()
        del shared, shares
        self.evaluations += 1
        if self.alpha:
            # The L2 term, once: (alpha / 2s) sum_l ||W_l||^2 and (alpha / s) W_l (eq 8, extended)
            loss += 0.5 * self.alpha * self.layout.squared_coef_norm(params) / self.normalizer
            scale = self.alpha / self.normalizer
            for coef_slice in self.layout.coef_slices:
                grad[coef_slice] += params[coef_slice] * scale
        return float(loss), grad.astype(np.float64)
