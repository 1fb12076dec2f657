"""The weights of an epoch's mini-batches: each row's share of its batch, and the rows that train.

``_training.run_stochastic``'s, on the host: ``sample_weight`` is a NumPy array there, whatever
the namespace of X.
"""

import numpy as np


def relative_weights(sample_weight, order, batch_size, ops, dtype):
    """(w_i / s of each row of the epoch's ``order``, s its batch's sum of weights, in ``ops``'
    namespace and ``dtype``; the batches' s, in float64).

    On a device the weights are in X's dtype: divided on the host in float64 first, and moved
    once per epoch, so that float32 holds them whatever their size (weights of 1e37 sum past
    its range, a batch of 1e-30 among weights of 1e30 would round to 0 beside the others).
    """
    ordered = sample_weight[order]
    starts = range(0, len(order), batch_size)
    normalizers = [float(ordered[start : start + batch_size].sum()) for start in starts]
    sizes = np.diff([*starts, len(order)])
    divisors = np.repeat(np.where(np.array(normalizers) > 0, normalizers, 1.0), sizes)
    return ops.asarray(ordered / divisors, dtype), normalizers


def trained_rows(sample_weight, order, batch_size):
    """The rows of the epoch's batches that train (``order``: the epoch's rows, in order): all
    but those of a batch whose every row has weight 0, which the epoch skips. The epoch's loss is
    their mean, so that rows of weight 0 change neither ``loss_curve_`` nor the stopping rule, as
    they change no weight (scikit-learn's MLP divides by zero on such a batch)."""
    if sample_weight is None:
        return len(order)
    starts = np.arange(0, len(order), batch_size)
    sizes = np.diff(np.append(starts, len(order)))
    live = np.logical_or.reduceat(np.asarray(sample_weight)[order] > 0, starts)
    return int(sizes[live].sum())
