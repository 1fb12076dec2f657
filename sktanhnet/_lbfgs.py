"""Full-batch L-BFGS through scipy: the loss and gradient over all rows, in bounded chunks.

Works on the flat parameter vector and the ``history`` dict of the stochastic loops
(``_training``), with the same checks and advice.
"""

import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._array_ops import NUMPY
from ._layout import Workspace
from ._network import loss_and_gradient
from ._threads import map_chunks
from ._training import (
    CALLBACK_STOP,
    LBFGS_ADVICE,
    _check_finite,
    align_validation,
    chunk_rows,
    weights_advice,
)

# Chunks of a full-batch pass are summed in this many groups (fewer for fewer chunks): each group
# is one thread's work, and the sum does not depend on how many threads there are.
LBFGS_GROUPS = 4


def full_loss_and_gradient(
    layout, params, X, target, sample_weight, alpha, out_activation, ops=NUMPY
):
    """Returns f(flat) -> (loss, gradient) over all rows, computed in bounded-size chunks.

    ``flat`` and the gradient are float64 NumPy vectors (scipy's); ``params`` is the parameter
    vector in ``ops``' namespace, into which each ``flat`` is copied (one vector each way per
    evaluation, on a device). ``sample_weight`` is on the host: on a device, w_i / s is moved.
    Chunk i belongs to group i mod G; each group's chunks are summed in order into the group's
    own gradient, on one thread (``_threads``; NumPy only), and the G group sums are added in
    order. So the result is the same on any number of threads, and with one chunk it is that
    chunk's.
    """
    n_samples = X.shape[0]
    size = params.shape[0]
    rows = chunk_rows(layout, params.dtype, n_samples, ops)
    n_chunks = -(-n_samples // rows)
    n_groups = min(LBFGS_GROUPS, n_chunks)
    group_grads = [ops.empty(size, params.dtype) for _ in range(n_groups)]
    chunk_grads = [
        ops.empty(size, params.dtype) if n_chunks > n_groups else None for _ in group_grads
    ]
    group_losses = [0.0] * n_groups
    normalizer = float(n_samples) if sample_weight is None else float(sample_weight.sum())
    relative = not ops.is_numpy and sample_weight is not None
    if relative:  # ``_training.relative_weights``, for one batch
        sample_weight = ops.asarray(sample_weight / normalizer, params.dtype)

    def group_loss_and_grad(workspace, group):
        loss, total = 0.0, group_grads[group]
        for first in range(group * rows, n_samples, n_groups * rows):
            chunk = slice(first, min(first + rows, n_samples))
            loss += loss_and_gradient(
                layout,
                params,
                ops.take_rows(X, chunk, None),
                ops.take_rows(target, chunk, None),
                None if sample_weight is None else sample_weight[chunk],
                normalizer,
                alpha,
                out_activation,
                workspace,
                total if first == group * rows else chunk_grads[group],
                add_penalty=first == 0,
                data_normalizer=1.0 if relative else None,
            )
            if first != group * rows:
                total += chunk_grads[group]
        group_losses[group] = loss

    workspaces, free = [], []  # one per thread, made once and reused by every evaluation

    def take_workspace():
        if free:
            return free.pop()  # list.pop and append are atomic under the GIL
        workspace = Workspace(layout, rows, params.dtype, ops)
        workspaces.append(workspace)
        return workspace

    def loss_and_grad(flat):
        params[...] = flat if ops.is_numpy else ops.asarray(flat, params.dtype)
        map_chunks(n_groups, take_workspace, group_loss_and_grad, threads=ops.is_numpy)
        free[:] = workspaces
        grad = group_grads[0]
        for other in group_grads[1:]:
            grad += other
        return float(sum(group_losses)), ops.to_numpy(grad).astype(np.float64)

    return loss_and_grad


def run_lbfgs(
    layout,
    params,
    X,
    target,
    sample_weight,
    settings,
    *,
    history,
    validate=None,
    on_epoch=None,
    ops=NUMPY,
    objective=None,
):
    """Full-batch L-BFGS-B (scipy.optimize.minimize, jac=True), honouring max_iter, max_fun, tol.

    Works in float64 as scipy does; ``params`` keeps its own dtype (float32 stays float32).
    ``loss_curve`` records the loss after each L-BFGS iteration, and ``validate(params)``, when
    given, the validation score and loss (L-BFGS has no early stopping: they are only recorded).
    When ``on_epoch(history)`` returns True (a callback asks to stop), L-BFGS stops there,
    without a ConvergenceWarning. ``objective(flat) -> (loss, gradient)`` replaces the
    in-memory one of ``full_loss_and_gradient`` (``sktanhnet.dask`` sums it over workers).
    """
    max_iter, verbose = settings.max_iter, settings.verbose
    objective = objective or full_loss_and_gradient(
        layout,
        params,
        X,
        target,
        sample_weight,
        settings.alpha,
        settings.out_activation,
        ops,
    )

    align_validation(history, validate)
    history["n_iter"] = 0
    stop_requested = []

    def iteration_ends(intermediate_result):
        try:
            stop = record(intermediate_result)
        except StopIteration as error:
            # scipy would take it for a request to stop and end the fit as if it had succeeded
            raise RuntimeError(
                "A scorer or callback raised StopIteration during an L-BFGS iteration."
            ) from error
        if stop:
            if verbose:
                print(CALLBACK_STOP)
            stop_requested.append(True)
            raise StopIteration  # scipy ends the minimisation at this iterate

    def record(intermediate_result):
        """Record one iteration; True when a callback asks to stop."""
        history["n_iter"] += 1
        loss = float(intermediate_result.fun)
        history["loss_curve"].append(loss)
        history["best_loss"] = min(history["best_loss"], loss)
        if verbose:
            print("Iteration %d, loss = %.8f" % (history["n_iter"], loss))
        if validate is not None or on_epoch is not None:
            # The iterate, in the estimator's weights (the last evaluation may be elsewhere):
            # validation and callbacks see the model as it is after this iteration.
            params[...] = ops.asarray(intermediate_result.x, params.dtype)
        if validate is not None:
            score, validation_loss = validate(params)
            history["validation_scores"].append(score)
            history["validation_loss_curve"].append(validation_loss)
            history["best_validation_score"] = max(history["best_validation_score"], score)
            if verbose:
                print("Validation score: %f" % score)
        return on_epoch is not None and bool(on_epoch(history))

    result = scipy.optimize.minimize(
        objective,
        ops.to_numpy(params).astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=iteration_ends,
        options={"maxfun": settings.max_fun, "maxiter": max_iter, "gtol": settings.tol},
    )
    params[...] = ops.asarray(result.x, params.dtype)
    advice = LBFGS_ADVICE + weights_advice(sample_weight, settings.alpha)
    _check_finite(result.fun, params, advice, ops)
    history["n_iter"] = n_iter = min(int(result.nit), max_iter)
    if result.status != 0 and not stop_requested:
        # scikit-learn's words (its ``_check_optimize_result``), which warning filters match
        warnings.warn(
            f"lbfgs failed to converge after {n_iter} iteration(s) (status={result.status}):\n"
            f"{result.message}\n"
            + (
                "\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={max_iter})."
                if n_iter == max_iter
                else ""
            )
            + "\nYou might also want to scale the data as shown in:\n"
            "    https://scikit-learn.org/stable/modules/preprocessing.html",
            ConvergenceWarning,
        )
    history["loss"] = float(result.fun)
    # the loss where L-BFGS stopped: its first, where it stopped before an iteration (a gradient
    # already below tol), which no iteration recorded
    history["best_loss"] = min(history["best_loss"], history["loss"])
    return history
