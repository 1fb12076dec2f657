"""The training loops: mini-batch epochs for SGD and Adam (full-batch L-BFGS is ``_lbfgs``).

They work on one flat parameter vector (see ``_network``), in place, and on a plain ``history``
dict that carries the counters and curves between calls (``fit`` with ``warm_start``,
``partial_fit``). The estimator builds both, and commits them only when training succeeds.
Arrays are in the namespace and on the device of ``ops`` (``_array_ops``); the random numbers
(shuffles) are drawn with NumPy in every namespace, so the same seed trains the same model.
"""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._array_ops import NUMPY
from ._batch_weights import relative_weights, trained_rows
from ._layout import Workspace
from ._network import loss_and_gradient
from ._threads import SMALL_PRODUCT, claimed_cores, single_thread_blas

# Rows per chunk where a whole data set passes through the network (L-BFGS, validation,
# prediction): bounds the activations held at once, whatever the number of rows. On NumPy, small
# enough to stay in cache; on another namespace's device larger, as each call costs microseconds.
CHUNK_BYTES = 4 * 2**20
DEVICE_CHUNK_BYTES = 128 * 2**20
# Where prediction checks each chunk of X just before the network reads it (``_base``), the
# chunk's rows of X are bounded too, so that they are still in cache when it does.
INPUT_CHUNK_BYTES = 8 * 2**20


# Prediction on NumPy takes chunks of at least LARGE_LAYER_ROWS rows where a layer's float64
# weights take LARGE_LAYER_BYTES or more: BLAS packs a layer's weights again for each chunk's
# product, and there they come from beyond the core's cache. predict_proba of 784-512-512-10 in
# float64, 100,000 rows, alternated in one process (2026-12-06, AMD host): 1.16 and 1.17 times
# the throughput of 254-row chunks on the AVX-512 kind, 1.00 on the emulated AVX2 kind; a first
# layer of 3000 x 64, 1.05 and 1.07 (0.99 emulated). Not in float32, where the same network lost
# (0.95, 0.98; 1.02 emulated). Memory stays bounded, at that many rows of activations per thread.
LARGE_LAYER_BYTES = 2**20
LARGE_LAYER_ROWS = 1024


def chunk_rows(layout, dtype, n_rows, ops=NUMPY, input_row_bytes=0, predicting=False):
    """Rows per chunk so that one chunk's activations and deltas stay within CHUNK_BYTES (and
    its rows of X within INPUT_CHUNK_BYTES, given their ``input_row_bytes``); ``predicting``, at
    least LARGE_LAYER_ROWS where a layer's float64 weights reach LARGE_LAYER_BYTES."""
    itemsize = ops.itemsize(dtype)
    row_bytes = 2 * sum(layout.layer_units[1:]) * itemsize
    budget = CHUNK_BYTES if ops.is_numpy else DEVICE_CHUNK_BYTES
    rows = budget // row_bytes
    if input_row_bytes:
        rows = min(rows, INPUT_CHUNK_BYTES // input_row_bytes)
    largest = max(fan_in * fan_out for fan_in, fan_out in layout.shapes) * itemsize
    if predicting and ops.is_numpy and itemsize == 8 and largest >= LARGE_LAYER_BYTES:
        rows = max(rows, LARGE_LAYER_ROWS)
    return int(max(1, min(n_rows, rows)))


# Prediction takes the first layer's product as X W_1 (one row per data row, ``by_rows`` in
# ``forward_logits``) where the first layer has at most ROW_MAJOR_UNITS units and at least
# ROW_MAJOR_INPUTS times as many inputs, in float32: OpenBLAS's AVX-512 (SkylakeX) float32
# kernels take that orientation faster than W_1^T X^T. predict_proba, alternated in one process,
# float32 (2026-12-06; 3000 inputs to 64 or 16 units, 784 to 64, 256 to 64 and 64): 0.74 to 0.91
# times the time on the AVX-512 kind, 0.99 to 1.01 on the emulated AVX2 kind. Not in float64
# (1.00 to 1.16 on the AVX-512 kind), nor for wider layers or fewer inputs (64 inputs to 100
# units, 100 to 256, 32 to 64, 20 to 32: 0.99 to 1.12 on both kinds; 784 to 512: 0.99).
# Training's compiled epoch takes the same orientation for the same shapes, in both dtypes
# (``_compiled``).
ROW_MAJOR_UNITS = 64
ROW_MAJOR_INPUTS = 4


def first_layer_by_rows(layout, dtype, X, ops):
    """Whether prediction takes the first product as X W_1 (``ROW_MAJOR_UNITS``)."""
    inputs, units = layout.shapes[0]
    return bool(
        ops.is_numpy
        and len(layout.shapes) > 1
        and np.dtype(dtype) == np.float32
        and not sp.issparse(X)
        and units <= ROW_MAJOR_UNITS
        and inputs >= ROW_MAJOR_INPUTS * units
    )


class DivergenceError(ValueError):
    """Training produced a non-finite loss or non-finite weights.

    A subclass of ValueError. ``fit`` and ``partial_fit`` raise it as soon as the loss or the
    weights become inf or NaN, instead of returning a model that predicts NaN; the message
    says what to change (scale the data; for "sgd" and "adam", lower ``learning_rate_init``).
    A model fitted before the failed call is left exactly as it was. A run that diverges while
    its loss stays finite (a thousand times its first epoch's or more) is not an error: the
    model is returned, with a ``ConvergenceWarning`` that says the same.

    See Also
    --------
    InvalidParameterError : Raised for a parameter's value, before training.

    Examples
    --------
    >>> from sktanhnet import DivergenceError, TanhMLPClassifier
    >>> X = [[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]]
    >>> clf = TanhMLPClassifier(solver="sgd", learning_rate_init=1e300, random_state=0)
    >>> try:
    ...     clf.fit(X, [0, 1, 0, 1])
    ... except DivergenceError as error:
    ...     print(str(error)[str(error).index("Training"):])
    Training diverged: the loss or the weights became non-finite (inf or NaN). Scale the data \
(for instance with StandardScaler) or lower learning_rate_init.
    """

    __module__ = "sktanhnet"


def _check_finite(loss, params, advice, ops=NUMPY, optimizer=None):
    """A DivergenceError where the loss or the weights are not finite, or where Adam's second
    moment is not: a gradient's square past the dtype's range (1.8e19 in float32) makes it inf,
    and the weights it steps stop moving for good (m / sqrt(v) = 0) in silence."""
    finite_params = ops.all_finite(params)
    if not (np.isfinite(loss) and finite_params):
        raise DivergenceError(
            # MLPClassifier's words where it would raise too (non-finite weights), then ours
            ("" if finite_params else NON_FINITE_WEIGHTS)
            + "Training diverged: the loss or the weights became non-finite (inf or NaN). "
            + advice
        )
    moment = getattr(optimizer, "second_moment", None)
    if moment is not None and not ops.all_finite(moment):
        dtype = str(params.dtype).rsplit(".", 1)[-1]  # NumPy's, PyTorch's: "float32"
        raise DivergenceError(
            "Training diverged: a gradient grew past the range of the weights' dtype "
            f"({dtype}) once squared in Adam's second moment, which froze the weights it steps. "
            "Scale the data (for instance with StandardScaler) and a huge target (divide it by "
            "a constant); with tiny sample weights, alpha / (their sum) is huge: scale them up "
            "or lower alpha" + ("." if dtype == "float64" else "; or fit on float64 input.")
        )


def weights_advice(sample_weight, alpha):
    """More advice where the rows' weights are so small (a mean below 1e-6) that the L2 term,
    alpha over their sum, swamps the loss: alpha acts as alpha / mean for weights of 1."""
    if sample_weight is None or alpha <= 0:
        return ""
    mean = float(np.mean(sample_weight))
    if mean < 1e-6:
        return (
            f" The rows' weights are tiny (their mean is {mean:.3g}), and the L2 term is alpha "
            "over their sum: scale sample_weight (or class_weight) up, or lower alpha."
        )
    return ""


NON_FINITE_WEIGHTS = (
    "Solver produced non-finite parameter weights. The input data may contain large values "
    "and need to be preprocessed. "
)


STOCHASTIC_ADVICE = "Scale the data (for instance with StandardScaler) or lower learning_rate_init."
# L-BFGS has no learning rate: its steps come from a line search.
LBFGS_ADVICE = "Scale the data (for instance with StandardScaler)."
CALLBACK_STOP = "A callback asked to stop training. Stopping."


@dataclass(frozen=True)
class TrainingSettings:
    """What the loops take from the estimator's parameters, in one place.

    ``out_activation`` names the output head (``_network``); ``batch_size`` is already resolved
    (an int); ``incremental`` is True for ``partial_fit`` (one epoch). The stochastic loop reads
    every field but ``max_fun``; L-BFGS reads ``alpha``, ``out_activation``, ``max_iter``,
    ``max_fun``, ``tol`` and ``verbose``.
    """

    alpha: float
    out_activation: str
    max_iter: int
    tol: float
    verbose: bool = False
    batch_size: int = 200
    shuffle: bool = True
    n_iter_no_change: float = 10
    early_stopping: bool = False
    incremental: bool = False
    max_fun: int = 15000


def new_history():
    """Counters and curves of a model that has not been trained yet."""
    return {
        "n_iter": 0,
        "t": 0,
        "loss": None,
        "loss_curve": [],
        "best_loss": np.inf,
        "no_improvement_count": 0,
        "validation_scores": [],
        "validation_loss_curve": [],
        "best_validation_score": -np.inf,
    }


def align_validation(history, validate):
    """Where validation is recorded (``validate`` given) beside epochs that recorded none (an
    earlier fit's, with ``warm_start`` or ``partial_fit``, before a fit with validation data; or
    the epochs of a fit without it, after one with), NaN stands for each of those, so that the
    validation curves stay aligned with ``loss_curve``, epoch for epoch. The validation losses
    are NumPy floats, as the training losses (``BaseTanhMLP._commit_history``)."""
    if validate is not None:
        missing = len(history["loss_curve"]) - len(history["validation_scores"])
        history["validation_scores"].extend([np.nan] * missing)
        losses = history["validation_loss_curve"]
        losses[:] = [np.float64(loss) for loss in losses + [np.nan] * missing]


# A batch of at least TWO_THREAD_WORK multiply-adds in its forward products (rows x the sum of
# fan_in x fan_out), none of them TWO_THREAD_PRODUCT or more, is split between two threads by a
# compiled kernel set (``_compiled``), where two cores are free. Measured on a 2-core machine:
# below the first bound, half a batch is too little work for a second thread to gain steadily
# (the binary workload's 32 rows: 0.8 to 1.45 times the one-thread epoch); from the second on,
# BLAS's own two threads do the large products as well, and the batch loop with them is as fast
# (a first layer of 256 x 784 x 512). Between (100 units at batch 200, six layers of 64,
# 256 x 256 x 256, a first layer of 200 x 3000 x 64 with the optimizer's step on two threads
# too), an epoch takes 0.6 to 0.9 times as long on two threads.
TWO_THREAD_WORK = 2**19
TWO_THREAD_PRODUCT = 2**26


@contextmanager
def _epoch_plan(layout, params, X, target, sample_weight, settings, optimizer, ops):
    """How ``run_stochastic`` runs its epochs: a compiled epoch, or None (its batch loop), with
    BLAS's threads set for it while the block runs.

    1. With a compiled kernel set, a batch of at least ``TWO_THREAD_WORK`` multiply-adds, none
       of its products ``TWO_THREAD_PRODUCT`` or more, and two cores free
       (``_threads.claimed_cores``: within the user's BLAS limit, and not while another call
       holds them): each batch on two threads, BLAS on one in each.
    2. Small products (``_threads.SMALL_PRODUCT``): BLAS on one thread, and, with a compiled
       kernel set, each epoch's batches in one call, since there the per-batch calls cost as
       much as the arithmetic.
    3. Otherwise NumPy's products on BLAS's threads, batch by batch.
    """

    def compiled(threads):
        return ops.epoch_kernel(
            layout, params, X, target, sample_weight, settings, optimizer, threads
        )

    shapes, batch_size = layout.shapes, settings.batch_size
    largest = batch_size * max(a * b for a, b in shapes)
    work = batch_size * sum(a * b for a, b in shapes)
    if ops.is_numpy and work >= TWO_THREAD_WORK and largest < TWO_THREAD_PRODUCT:
        with claimed_cores(2) as threads:
            epoch = compiled(2) if threads > 1 else None
            if epoch is not None:
                try:
                    yield epoch
                finally:
                    epoch.close()  # its helper thread
                return
    small = ops.is_numpy and largest < SMALL_PRODUCT
    with single_thread_blas(small):
        yield compiled(1) if small else None


def run_stochastic(
    layout,
    params,
    X,
    target,
    sample_weight,
    settings,
    *,
    rows,
    optimizer,
    history,
    random_state,
    validate,
    on_epoch=None,
    ops=NUMPY,
):
    """Mini-batch epochs with the no-improvement rule, as scikit-learn's ``_fit_stochastic``.

    ``settings`` (a ``TrainingSettings``) holds the estimator's parameters.
    ``validate(params)``, when given, returns (score, loss) on the validation data after each
    epoch; with ``early_stopping`` the score drives the stopping rule and the best epoch's weights
    are restored at the end. Without it, the training loss drives the rule. ``rows`` are the
    training rows of X (None: all of them); X itself is never copied. ``on_epoch(history)`` is
    called after each epoch; when it returns True (a callback asks to stop), training stops there.
    ``sample_weight`` is on the host (NumPy), from which each batch's normaliser is summed
    without waiting for a device (on one, the weights are moved once per epoch as w_i / s,
    ``_batch_weights.relative_weights``: none of them is moved as is).
    """
    alpha, out_activation, tol = settings.alpha, settings.out_activation, settings.tol
    batch_size, shuffle, max_iter = settings.batch_size, settings.shuffle, settings.max_iter
    early_stopping, verbose = settings.early_stopping, settings.verbose
    relative = not ops.is_numpy and sample_weight is not None
    sample_index = np.arange(X.shape[0]) if rows is None else np.array(rows)
    n_samples = len(sample_index)
    contiguous = rows is None and not shuffle
    dtype = params.dtype
    workspace = Workspace(layout, batch_size, dtype, ops)
    grad = ops.empty(params.shape[0], dtype)
    # Gather buffers (NumPy only: elsewhere a gather makes a new array on the device).
    batch_buffer = target_buffer = weight_buffer = None
    if ops.is_numpy:
        if not sp.issparse(X):
            batch_buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
        target_buffer = np.empty((batch_size, *target.shape[1:]), dtype=target.dtype)
        if sample_weight is not None:
            weight_buffer = np.empty(batch_size, sample_weight.dtype)
    best_params = ops.copy(params) if early_stopping else None
    kept_score = history["best_validation_score"]  # finite: kept from an earlier fit
    align_validation(history, validate)
    # the first epoch of this fit, or of this run of partial_fit calls (``history["run_start"]``)
    first_epoch = history.pop("run_start", len(history["loss_curve"]))
    history["n_iter"] = 0
    advice = STOCHASTIC_ADVICE + weights_advice(sample_weight, alpha)  # for a divergence

    plan = _epoch_plan(layout, params, X, target, sample_weight, settings, optimizer, ops)
    with plan as compiled_epoch:
        for _ in range(max_iter):
            if shuffle:
                random_state.shuffle(sample_index)
            device_index = sample_index if ops.is_numpy or contiguous else ops.asarray(sample_index)
            if relative:
                relative_rows, normalizers = relative_weights(
                    sample_weight, sample_index, batch_size, ops, dtype
                )
            accumulated_loss = 0.0
            if compiled_epoch is not None:  # the batches below in one call (``_compiled``)
                accumulated_loss = compiled_epoch(sample_index)
            else:
                for start in range(0, n_samples, batch_size):
                    stop = min(start + batch_size, n_samples)
                    index = slice(start, stop) if contiguous else device_index[start:stop]
                    if sample_weight is None:
                        row_weights, normalizer = None, float(stop - start)
                    elif relative:
                        row_weights = relative_rows[start:stop]
                        normalizer = normalizers[start // batch_size]
                    else:
                        row_weights = ops.take_rows(sample_weight, index, weight_buffer)
                        normalizer = float(sample_weight[index].sum())
                    if normalizer <= 0:
                        continue  # every row of this batch has weight 0: nothing to learn from it
                    batch_loss = loss_and_gradient(
                        layout,
                        params,
                        ops.take_rows(X, index, batch_buffer),
                        ops.take_rows(target, index, target_buffer),
                        row_weights,
                        normalizer,
                        alpha,
                        out_activation,
                        workspace,
                        grad,
                        add_penalty=False,
                        data_normalizer=1.0 if relative else None,
                    )
                    if alpha:
                        # The L2 term: its loss here, its gradient (alpha / s) W_l added by the
                        # optimizer in the same pass as its update (eq 8, extended).
                        batch_loss += (
                            0.5 * alpha * layout.squared_coef_norm(params, ops) / normalizer
                        )
                    accumulated_loss += batch_loss * (stop - start)
                    optimizer.step(params, grad, alpha / normalizer, layout.coef_slices)

            history["n_iter"] += 1
            history["t"] += n_samples
            # the mean over the rows that trained (those of batches of weight 0 are skipped)
            trained = trained_rows(sample_weight, sample_index, batch_size)
            history["trained_rows"] = trained
            loss = float(accumulated_loss) / max(trained, 1)  # one wait for the device per epoch
            _check_finite(loss, params, advice, ops, optimizer)
            record_epoch(history, loss, params, best_params, validate, early_stopping, tol, verbose)
            optimizer.epoch_ends(history["t"])
            if on_epoch is not None and on_epoch(history):
                if verbose:
                    print(CALLBACK_STOP)
                break

            if history["no_improvement_count"] > settings.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                message = "%s did not improve more than tol=%f for %d consecutive epochs." % (
                    what,
                    tol,
                    settings.n_iter_no_change,
                )
                if optimizer.no_improvement():
                    if verbose:
                        print(message + " Stopping.")
                    break
                history["no_improvement_count"] = 0
                if verbose:
                    print(message + " Setting learning rate to %f" % optimizer.learning_rate)

            if settings.incremental:
                break
            if history["n_iter"] == max_iter:
                warnings.warn(
                    "Stochastic Optimizer: Maximum iterations (%d) reached and the optimization "
                    "hasn't converged yet." % max_iter,
                    ConvergenceWarning,
                )

    _warn_if_loss_exploded(history["loss_curve"][first_epoch:], settings.incremental)
    if early_stopping:
        restore_best(params, best_params, history, kept_score)
    return history


def restore_best(params, best_params, history, kept_score):
    """Early stopping's end: the best epoch's weights back into ``params``, with a warning where
    no epoch beat ``kept_score``, a best score kept from a fit before (warm_start): the model is
    then the one the fit started from. Shared with ``sktanhnet.dask``'s loop."""
    params[...] = best_params
    if np.isfinite(kept_score) and history["best_validation_score"] == kept_score:
        warnings.warn(
            f"No epoch of this fit improved on best_validation_score_={kept_score:.6g}, kept "
            "from the fit before (warm_start=True with early_stopping=True): the model keeps the "
            "weights it started from. To train anew, on new data for instance, fit with "
            "warm_start=False.",
            UserWarning,
        )


# A loss this many times its first epoch's is a run diverging while still finite.
LOSS_GROWTH_WARNING = 1e3


def record_epoch(history, loss, params, best_params, validate, early_stopping, tol, verbose):
    """The end of an epoch's bookkeeping, as scikit-learn's: the loss and validation curves,
    the best score or loss, the no-improvement count (against ``tol``), and the best weights
    kept in ``best_params`` with early stopping. Shared with ``sktanhnet.dask``'s loop."""
    history["loss"] = loss
    history["loss_curve"].append(loss)
    if verbose:
        print("Iteration %d, loss = %.8f" % (history["n_iter"], loss))

    if validate is not None:
        score, validation_loss = validate(params)
        history["validation_scores"].append(score)
        history["validation_loss_curve"].append(validation_loss)
        if verbose:
            print("Validation score: %f" % score)
        improved = score > history["best_validation_score"]

    if early_stopping:
        if score < history["best_validation_score"] + tol:
            history["no_improvement_count"] += 1
        else:
            history["no_improvement_count"] = 0
        if improved:
            best_params[...] = params
    else:
        if loss > history["best_loss"] - tol:
            history["no_improvement_count"] += 1
        else:
            history["no_improvement_count"] = 0
        if loss < history["best_loss"]:
            history["best_loss"] = loss
    if validate is not None and improved:
        history["best_validation_score"] = score


def _warn_if_loss_exploded(loss_curve, still_growing=False):
    """Warn when the training loss has grown by orders of magnitude since the first epoch of
    ``loss_curve``: the epochs of one fit, or of one run of partial_fit calls (since the last
    fit). Not since the model's first epoch: a warm fit on new data, or new targets, may start
    far above an earlier fit's loss and fall from there. A run of partial_fit calls, whose data
    may change scale from one call to the next, warns only while its loss still grows
    (``still_growing``: it rose over each of the last two epochs, not once, as at a new scale).

    ``DivergenceError`` covers non-finite losses and weights only: an sgd run with a learning
    rate far too large can raise its loss from 1e17 to 1e249 and stay finite. The model is still
    returned (as scikit-learn's MLP would), with a ConvergenceWarning that says what to change.
    """
    if len(loss_curve) < 2 or not loss_curve[0] > 0:
        return
    first, last = loss_curve[0], loss_curve[-1]
    if still_growing and not (len(loss_curve) >= 3 and last > loss_curve[-2] > loss_curve[-3]):
        return
    if last > LOSS_GROWTH_WARNING * first:
        since, cause = (
            ("the first partial_fit call", ", or the data's scale changed from call to call")
            if still_growing
            else ("first epoch", "")
        )
        warnings.warn(
            f"The training loss grew from {first:.3g} ({since}) to {last:.3g}: training is "
            f"diverging{cause}. Lower learning_rate_init or scale the data (for instance with "
            "StandardScaler).",
            ConvergenceWarning,
        )
