"""Predictions and scores on dask input, and the validation score of a fit, on the workers.

Predictions are lazy dask arrays: each partition of X goes through a copy of the fitted model
of the core class (``TanhMLPClassifier`` or ``TanhMLPRegressor``), whose ``predict`` or
``predict_proba`` answers as it does in memory, row for row. Scores and validation scores are
sums over the partitions (weighted counts of correct rows, squared errors...), added in a tree
on the workers; only those sums come back to the client.
"""

import warnings

import numpy as np
from scipy.sparse import issparse
from sklearn.metrics import accuracy_score

from .._array_ops import ops_for
from .._layout import ParameterLayout
from .._validation import aligned, check_total_weight
from .._validation_data import _finite, non_finite_outputs
from ._data import da, delayed, input_partitions, no_rows_error, partition_weight
from ._lbfgs import share, tree_sum


def core_model(estimator):
    """A copy of a fitted dask estimator as its core class: what runs on each partition."""
    core_class = estimator._core_class
    model = core_class.__new__(core_class)
    model.__dict__.update(estimator.__dict__)
    return model


def _apply(block, model, method, shape_tail, dtype):
    if block.shape[0] == 0:  # an empty partition (a filtered collection): an empty block
        return np.empty((0, *shape_tail), dtype=dtype)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*feature names.*")
        result = getattr(model, method)(block)
    # a model fitted on a sparse multilabel y predicts sparse rows: dense here, as the array's
    # declared blocks (dask's reductions do not take scipy's sparse matrices)
    return result.toarray() if issparse(result) else result


def check_two_dimensional(X):
    """A dask array X must be 2-D: scikit-learn's words where it is not."""
    if X.ndim != 2:
        raise ValueError(
            f"Expected 2D array, got {X.ndim}D array instead. Reshape your data either "
            "using array.reshape(-1, 1) if your data has a single feature or "
            "array.reshape(1, -1) if it contains a single sample."
        )


def lazy_predict(estimator, X, method, n_columns, dtype):
    """``method`` of the fitted model on each partition of X: a lazy dask array.

    ``n_columns`` is the result's width, or None for a 1-D result (one value per row).
    """
    model = delayed(core_model(estimator), pure=False)
    shape_tail = () if n_columns is None else (n_columns,)
    if isinstance(X, da.Array):
        check_two_dimensional(X)
        if len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        chunks = (X.chunks[0], *((c,) for c in shape_tail))
        return X.map_blocks(
            _apply,
            model,
            method,
            shape_tail,
            dtype,
            dtype=dtype,
            chunks=chunks,
            drop_axis=1 if n_columns is None else None,
            meta=np.empty((0,) * (1 + len(shape_tail)), dtype=dtype),
        )
    blocks = [
        da.from_delayed(
            delayed(_apply)(part, model, method, shape_tail, dtype),
            shape=(np.nan, *shape_tail),
            dtype=dtype,
        )
        for part in X.to_delayed()
    ]
    return da.concatenate(blocks, axis=0)


def add_sums(left, right):
    """The sum of two dicts of sums (None: a partition without rows)."""
    if left is None:
        return right
    if right is None:
        return left
    return {key: left[key] + right[key] for key in left}


def _score_sums(model, X, y, sample_weight, reference):
    """One partition's sums for ``score``: see ``score_on_workers``."""
    if getattr(X, "shape", (1,))[0] == 0:
        return None
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*feature names.*")
        prediction = model.predict(X)
    weight = partition_weight(sample_weight, prediction.shape[0])
    weights = np.ones(prediction.shape[0]) if weight is None else weight
    if reference is None:  # a classifier: the weighted count of correct rows
        correct = accuracy_score(np.asarray(y), prediction, normalize=False, sample_weight=weight)
        return {"weight": weights.sum(), "correct": float(correct)}
    target = np.asarray(y, dtype=np.float64).reshape(len(weights), -1)
    prediction = prediction.reshape(len(weights), -1)
    if target.shape[1] != prediction.shape[1]:  # r2_score's words, as the core's score
        raise ValueError(
            "y_true and y_pred have different number of output "
            f"({target.shape[1]}!={prediction.shape[1]})"
        )
    return {
        "weight": weights.sum(),
        "rows": len(weights),
        "residual": weights @ (target - prediction) ** 2,
        "total": weights @ (target - reference) ** 2,
    }


def _target_sums(y, sample_weight):
    if getattr(y, "shape", (1,))[0] == 0:
        return None
    target = np.asarray(y, dtype=np.float64)
    target = target.reshape(len(target), -1)
    weight = partition_weight(sample_weight, len(target))
    weights = np.ones(len(target)) if weight is None else weight
    return {"weight": weights.sum(), "sum": weights @ target}


def score_on_workers(client, estimator, X, y, sample_weight, regression):
    """Accuracy or R^2 of the fitted model on dask data, from sums over the partitions.

    R^2 as ``r2_score`` (averaged over the targets): 1 - sum w (y - p)^2 / sum w (y - m)^2,
    with the weighted mean m of each target found by a first pass.
    """
    x_parts, y_parts, weight_parts = input_partitions(X, y, sample_weight)
    reference = None
    if regression:
        sums = [delayed(_target_sums)(y_part, w) for y_part, w in zip(y_parts, weight_parts)]
        totals = _some_rows(tree_sum(client, client.compute(sums), add_sums).result(), X)
        check_total_weight(np.array([totals["weight"]]), "sample_weight")
        reference = totals["sum"] / totals["weight"]
    model = delayed(core_model(estimator), pure=False)
    sums = [
        delayed(_score_sums)(model, x, y_part, w, reference)
        for x, y_part, w in zip(x_parts, y_parts, weight_parts)
    ]
    totals = _some_rows(tree_sum(client, client.compute(sums), add_sums).result(), X)
    check_total_weight(np.array([totals["weight"]]), "sample_weight")
    if not regression:
        return float(totals["correct"] / totals["weight"])
    if totals["rows"] < 2:
        return float("nan")  # r2_score's answer (with a warning) for fewer than two rows
    return float(_r2(totals["residual"], totals["total"]))


def _some_rows(totals, X):
    """The sums over the partitions; None (every partition empty) raises the core's error."""
    if totals is None:
        raise no_rows_error(X)
    return totals


def _r2(residual, total):
    """r2_score's R^2 of each target from its sums, averaged (constant targets: 1 or 0)."""
    scores = np.where(
        total > 0, 1.0 - residual / np.where(total > 0, total, 1.0), (residual == 0) * 1.0
    )
    return scores.mean()


# ---------------------------------------------------------------------- validation in a fit


def validation_sums(template, flat, layer_units, X, target, row_weights, held_out, reference):
    """One partition's sums for the validation score and loss (``_dask_validation_sums``)."""
    if held_out is not None:
        X, target = X[held_out], target[held_out]
        row_weights = None if row_weights is None else row_weights[held_out]
    if X.shape[0] == 0:
        return None
    # as received within a message: see ``partition_loss_and_gradient``
    X, target, row_weights = aligned(X), aligned(target), aligned(row_weights)
    layout = ParameterLayout(layer_units)
    output = template._output(X, layout.views(flat.copy()), layout, ops_for(X))
    return template._dask_validation_sums(output, target, row_weights, reference)


def _reference_sums(target, row_weights, held_out):
    if held_out is not None:
        target = target[held_out]
        row_weights = None if row_weights is None else row_weights[held_out]
    if target.shape[0] == 0:
        return None
    weights = np.ones(len(target)) if row_weights is None else row_weights
    return {"weight": weights.sum(), "sum": weights @ target.reshape(len(target), -1)}


def make_validate(client, template, layout, parts, source, regression):
    """validate(params) -> (score, loss) over validation partitions, as the core's.

    ``parts`` is a list of (X, target, row weights, held-out mask) futures (None entries for
    no weights or no mask). ``template`` holds the learned targets and the parameters.
    """
    reference = None
    if regression:  # the targets' weighted mean, once: R^2's reference
        sums = [client.submit(_reference_sums, t, w, h, pure=False) for _, t, w, h in parts]
        totals = tree_sum(client, sums, add_sums).result()
        reference = totals["sum"] / totals["weight"]
    scoring = template.scoring

    def validate(params):
        shared = share(client, np.array(params))
        sums = [
            client.submit(
                validation_sums,
                template,
                shared,
                layout.layer_units,
                X,
                target,
                weight,
                held_out,
                reference,
                pure=False,
            )
            for X, target, weight, held_out in parts
        ]
        totals = tree_sum(client, sums, add_sums).result()
        if totals.get("nonfinite"):  # a regressor's outputs overflowed (Poisson's exp)
            raise non_finite_outputs(source)
        score, loss = template._dask_score_and_loss(totals)
        if scoring == "loss":
            return _finite(-loss, "the negative validation loss", source), loss
        if np.isnan(score):
            raise ValueError(
                f"The validation score ({template._default_score_name}) is NaN on the "
                f"validation data ({source}), which has {int(totals['rows'])} row(s): R^2 "
                "needs at least 2 rows (and finite predictions). Give more validation rows, "
                "or choose another scoring."
            )
        return _finite(score, template._default_score_name, source), loss

    return validate
