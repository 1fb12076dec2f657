"""Adam and SGD over the partitions: the model visits the workers, the data stays where it is.

Each epoch is one pass over the partitions in a shuffled order (``shuffle``; in order
otherwise). At each partition, the worker that holds it runs one epoch of the core's
``_training.run_stochastic`` over the partition's rows (shuffled, in mini-batches of the fit's
``batch_size``), from the weights and optimizer state that the previous partition handed on,
and hands them on in turn: the weights and the state (the velocity, or Adam's two moments and
step count) are the only things that move, one partition to the next. The client then does what
the core's loop does at the end of an epoch: the epoch's loss, the validation score, the
no-improvement rule, early stopping, the learning-rate schedule.
"""

import dataclasses
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._array_ops import NUMPY, ops_for
from .._layout import ParameterLayout
from .._training import (
    STOCHASTIC_ADVICE,
    _check_finite,
    _warn_if_loss_exploded,
    align_validation,
    new_history,
    record_epoch,
    restore_best,
    run_stochastic,
)
from .._validation import aligned
from ._lbfgs import share

SEED_BOUND = np.iinfo(np.int32).max


def train_partition(carry, X, target, row_weights, held_out, template, layer_units, settings, seed):
    """One epoch of the core's loop over one partition; returns the carry for the next.

    ``carry`` is (params, optimizer state, rows seen so far (t), summed loss, training rows):
    what travels from partition to partition. Rows in ``held_out`` (a mask, or None) are left
    out for early stopping. The learning rate of "invscaling" changes once per whole epoch, on
    the client, as in the core's loop.
    """
    params, state, t, loss_sum, n_seen = carry
    X, target, row_weights = aligned(X), aligned(target), aligned(row_weights)  # as received
    rows = None if held_out is None else np.flatnonzero(~held_out)
    n_train = X.shape[0] if rows is None else len(rows)
    if n_train == 0:
        return carry
    layout = ParameterLayout(layer_units)
    ops = ops_for(X)
    ops.prepare(params.dtype)
    params = params.copy()
    optimizer = template._make_optimizer(layout.size, params.dtype, state, ops)
    rate = optimizer.learning_rate
    history = new_history()
    history["t"] = t
    settings = dataclasses.replace(settings, batch_size=min(settings.batch_size, n_train))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        run_stochastic(
            layout,
            params,
            X,
            target,
            row_weights,
            settings,
            rows=rows,
            optimizer=optimizer,
            history=history,
            random_state=np.random.RandomState(seed),
            validate=None,
            ops=ops,
        )
    state = optimizer.state()
    if getattr(template, "solver", None) == "sgd":
        state["learning_rate"] = rate  # the schedule steps per whole epoch (client side)
    trained = history["trained_rows"]  # the rows of batches of weight 0 did not train
    return params, state, history["t"], loss_sum + history["loss"] * trained, n_seen + trained


def run_partitions(
    client,
    data,
    layout,
    params,
    optimizer,
    settings,
    *,
    template,
    history,
    random_state,
    validate,
    held_out=None,
):
    """The epochs of "adam" and "sgd" over ``data``'s partitions (see the module's docstring).

    Mirrors ``_training.run_stochastic``: the same history, no-improvement rule, early stopping
    (the best epoch's weights restored), warnings and errors. ``optimizer`` is the client's
    copy, from which the first state is taken and on which the schedule steps; ``held_out`` a
    list of row masks (futures) or None. Returns the optimizer's final state.
    """
    early_stopping, tol, verbose = settings.early_stopping, settings.tol, settings.verbose
    worker_settings = dataclasses.replace(
        settings,
        max_iter=1,
        incremental=True,
        early_stopping=False,
        n_iter_no_change=np.inf,
        verbose=False,
    )
    n_parts = len(data.X)
    held_out = held_out or [None] * n_parts
    order = np.arange(n_parts)
    best_params = params.copy() if early_stopping else None
    kept_score = history["best_validation_score"]  # finite: kept from an earlier fit
    align_validation(history, validate)
    first_epoch = len(history["loss_curve"])  # this fit's first
    state = optimizer.state()
    history["n_iter"] = 0
    for _ in range(settings.max_iter):
        if settings.shuffle:
            random_state.shuffle(order)
        seeds = random_state.randint(SEED_BOUND, size=n_parts)
        # the epoch's first carry, in a task of its own: it survives a lost worker (``share``)
        carry = share(client, (params.copy(), state, history["t"], 0.0, 0))
        for part in order:
            carry = client.submit(
                train_partition,
                carry,
                data.X[part],
                data.target[part],
                data.weight[part],
                held_out[part],
                template,
                layout.layer_units,
                worker_settings,
                int(seeds[part]),
                pure=False,
            )
        new_params, state, t, loss_sum, n_seen = carry.result()
        del carry
        params[...] = new_params
        history["n_iter"] += 1
        history["t"] = t
        loss = float(loss_sum) / max(n_seen, 1)  # no row trained: every weight 0
        optimizer = template._make_optimizer(layout.size, params.dtype, state, NUMPY)
        _check_finite(loss, params, STOCHASTIC_ADVICE, optimizer=optimizer)
        record_epoch(history, loss, params, best_params, validate, early_stopping, tol, verbose)

        optimizer.epoch_ends(history["t"])
        stop = False
        if history["no_improvement_count"] > settings.n_iter_no_change:
            what = "Validation score" if early_stopping else "Training loss"
            message = "%s did not improve more than tol=%f for %d consecutive epochs." % (
                what,
                tol,
                settings.n_iter_no_change,
            )
            stop = optimizer.no_improvement()
            if verbose:
                rate = " Setting learning rate to %f" % optimizer.learning_rate
                print(message + (" Stopping." if stop else rate))
            if not stop:
                history["no_improvement_count"] = 0
        state = optimizer.state()
        if stop:
            break
        if history["n_iter"] == settings.max_iter:
            warnings.warn(
                "Stochastic Optimizer: Maximum iterations (%d) reached and the optimization "
                "hasn't converged yet." % settings.max_iter,
                ConvergenceWarning,
            )

    _warn_if_loss_exploded(history["loss_curve"][first_epoch:])
    if early_stopping:
        restore_best(params, best_params, history, kept_score)
    return state
