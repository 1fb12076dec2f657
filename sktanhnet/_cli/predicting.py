"""--model: predict with a saved pipeline on a table's columns, score it, write the predictions."""

import csv
import sys
import warnings

import numpy as np

from .._compiled import short_job
from .._validation import fitted_layer_sizes
from .messages import InputError, first_few, flush_notes, names, note
from .numbers import missing_written_as
from .pipeline import (
    column_kinds,
    fills_in,
    note_unseen_values,
    selects_by_name,
    text_columns,
)
from .report import network_of, report_regression, skops_io
from .table import check_columns, read_features, read_table
from .task import labels_like, regression_target, target_rows
from .training import job_work

# The types --model trusts beyond skops's defaults (scikit-learn's estimators, NumPy and
# Python's builtins): a dtype (SimpleImputer records the one it was fitted on) and the two
# estimators. Not every name under "sktanhnet.": skops calls some of the types it loads (with
# arguments from the file), and a function of this package must not be one of them.
TRUSTED_TYPES = [
    "numpy.dtype",
    "sktanhnet._classifier.TanhMLPClassifier",
    "sktanhnet._regressor.TanhMLPRegressor",
]


def load_model(path):
    """A pipeline saved with skops, trusting only skops's defaults and TRUSTED_TYPES."""
    sio = skops_io()
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except FileNotFoundError:
        raise InputError(f"cannot read {path}: No such file or directory") from None
    except Exception as error:  # skops raises several kinds for a file that is not its format
        raise InputError(f"{path} is not a model saved with skops: {error}") from None
    unexpected = [name for name in untrusted if name not in TRUSTED_TYPES]
    if unexpected:
        raise InputError(
            f"{path} holds types that --model does not trust: {', '.join(unexpected)} "
            f"(it trusts skops's defaults and {', '.join(TRUSTED_TYPES)})"
        )
    try:
        model = sio.load(path, trusted=untrusted)
    except Exception as error:  # a file skops lists but cannot rebuild
        raise InputError(f"{path} is not a model skops can load: {error}") from None
    if not callable(getattr(model, "predict", None)):
        raise InputError(
            f"{path} holds a {type(model).__name__}, not a fitted model with predict: save the "
            "trained pipeline (python -m sktanhnet ... --save FILE.skops)"
        )
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
    except NotFittedError:
        raise InputError(
            f"{path} holds an unfitted {type(model).__name__}: fit it before saving it, or "
            "save the trained pipeline (python -m sktanhnet ... --save FILE.skops)"
        ) from None
    except TypeError:  # not an estimator: predict will say what it can
        pass
    return model


def read_rows(args, model):
    """X of the columns the model was trained on (by name, or by position), and the table."""
    names_in = getattr(model, "feature_names_in_", None)
    if names_in is not None:
        names_in = [str(name) for name in names_in]

    def as_written(header):
        """The columns read as the model read them in training, as written: those it encodes
        as text (a number there is a category, 1,5 too), and a text-labelled target."""
        features = names_in or [name for name in header if name != args.target]
        text = set(text_columns(model, features))
        classes = np.asarray(getattr(model, "classes_", []))
        if args.target is not None and classes.ndim == 1 and classes.dtype.kind not in "biuf":
            text.add(args.target)
        return text

    table = read_table(args.data, keep=[args.target, *(names_in or [])], as_written=as_written)
    if names_in is not None:
        features, left_out = check_columns(table, args.target, names_in)
        if left_out:
            note(f"{args.data}: ignoring columns the model does not use: {names(left_out)}")
    else:
        features, _ = check_columns(table, args.target)
        expected = getattr(model, "n_features_in_", len(features))
        if len(features) != expected:
            raise InputError(
                f"{args.data} has {len(features)} feature columns, the model expects {expected}"
            )
        note(
            f"{args.model} has no feature names (it was fitted on arrays): using the columns "
            f"of {args.data} by position: {names(features)}"
        )
    by_kind = column_kinds(model, features)
    text = {name for name, kind in by_kind.items() if kind != "number"}
    X, kinds, missing = read_features(table, features, text)
    if "text" in kinds:
        note_unseen_values(model, X, features, args.data)
    gaps = [(name, count) for name, count in zip(features, missing) if count]
    if gaps and fills_in(model):
        note(
            f"{args.data}: {sum(missing)} missing values, which {args.model} fills in as in "
            "training (its SimpleImputer): "
            + ", ".join(f"{name} {count}" for name, count in gaps[:8])
            + (", ..." if len(gaps) > 8 else "")
            + missing_written_as(table, [name for name, _ in gaps])
        )
    if selects_by_name(model):
        bools = [name for name, kind in by_kind.items() if kind == "bool"]
        X = as_frame(args.model, X, features, kinds, bools)
    return X, table


def as_frame(path, X, features, kinds, bools=()):
    """X as a pandas DataFrame of the named columns (numbers as float64; ``bools``, encoded as
    bools, True and False as written by pandas), for a pipeline that picks its columns by name
    (built in Python on a DataFrame)."""
    try:
        import pandas as pd
    except ImportError:
        raise InputError(
            f"{path} picks its columns by name, as a pipeline fitted on a pandas DataFrame "
            "does: predicting with it needs pandas (pip install pandas)"
        ) from None
    frame = pd.DataFrame(
        {
            name: X[:, j].astype(np.float64) if kind == "number" else X[:, j]
            for j, (name, kind) in enumerate(zip(features, kinds))
        }
    )
    for name in bools:
        frame[name] = frame[name].map(
            lambda value: {"True": True, "False": False}.get(value, value)
        )
    return frame


def predict_with_saved_model(args):
    """--model: predict with a saved pipeline on the --data columns it was trained on."""
    from sklearn.base import is_regressor

    model = load_model(args.model)
    X, table = read_rows(args, model)
    network = network_of(model)
    if getattr(network, "coefs_", None):
        try:
            short_job(job_work(len(X), fitted_layer_sizes(network)))
        except ValueError as error:  # weights changed by hand: predict would say the same
            raise InputError(f"cannot predict with {args.model}: {error}") from None
    with warnings.catch_warnings():
        # The columns were matched by name above; the arrays passed on carry no names.
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        try:
            predictions = model.predict(X)
            proba = None
            if args.output is not None and hasattr(model, "predict_proba"):
                proba = model.predict_proba(X)
        except ValueError as error:  # the estimators' errors name the fault
            message = " ".join(str(error).split())
            raise InputError(f"cannot predict on {args.data}: {message}") from None
    regression = is_regressor(model)
    if args.target is not None:
        score(args, model, table, predictions, regression)
    flush_notes()
    if args.output is not None:
        if proba is None and not regression:
            note(f"{args.model} has no predict_proba: {args.output} holds the labels only")
        write_predictions(args.output, predictions, proba, getattr(model, "classes_", []))
        print(f"wrote {len(predictions)} predictions to {args.output}")
    elif args.target is None:
        # one line per row, as CSV: a label holding a comma, a quote or a line break is quoted
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for prediction in predictions:
            if regression:
                writer.writerow([repr(float(value)) for value in np.atleast_1d(prediction)])
            else:  # a label, or a multilabel row of 0/1 indicators
                writer.writerow(list(prediction) if np.ndim(prediction) else [prediction])
    return 0


def score(args, model, table, predictions, regression):
    """Print the accuracy (a regressor's R^2, RMSE and MAE) on the rows with a --target value."""
    from sklearn.metrics import accuracy_score

    what = f"--target {args.target!r}"
    if predictions.ndim != 1:
        kind = "targets" if regression else "labels per row (multilabel)"
        raise InputError(
            f"{args.model} predicts {predictions.shape[1]} {kind}; --target names one "
            "column: leave it out, and compare the --output columns yourself"
        )
    present = target_rows(table, args.target)
    if not present.all():
        note(
            f"{args.data}: scoring the {int(present.sum())} rows with a value in {what}, leaving "
            f"out {int((~present).sum())} (the first on line {table.lines[np.argmin(present)]})"
        )
    values = np.array(table.column(args.target), dtype=str)[present]
    predictions = predictions[present]
    if regression:
        y = regression_target(values, what, args.model)
        flush_notes()
        report_regression(model, y, predictions, "")
        return
    classes = getattr(model, "classes_", np.unique(predictions))
    y = labels_like(values, classes, what, decimal_comma=table.separator != ",")
    unknown = ~np.isin(y, classes)
    if unknown.all():
        raise InputError(
            f"{what} holds none of the model's classes ({first_few(classes)}); it holds "
            f"{first_few(np.unique(y))}: name the column the model was trained to predict"
        )
    if unknown.any():
        count = int(unknown.sum())
        note(
            f"{count} row{'s' * (count > 1)} of {what} hold{'s' * (count == 1)} labels the "
            "model does not know "
            f"({first_few(np.unique(y[unknown]))}): counted as wrong"
        )
    flush_notes()
    print(f"accuracy: {accuracy_score(y, predictions):.4f}")


def write_predictions(path, predictions, proba, classes):
    """A CSV with a header: the predicted label, then each class's probability (if any), per row.

    A multilabel model's: each label's 0/1 (``predicted_<label>``), then its probability
    (``proba_<label>``). A regressor's predictions (floats, no ``proba``): one column per
    target, ``prediction`` for one target, ``prediction_0``, ``prediction_1``... for several.
    """
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if proba is None and predictions.dtype.kind == "f":
                rows = predictions.reshape(len(predictions), -1)
                header = ["prediction"] if predictions.ndim == 1 else None
                writer.writerow(header or [f"prediction_{i}" for i in range(rows.shape[1])])
                writer.writerows([repr(float(value)) for value in row] for row in rows)
                return
            if proba is None:
                rows = predictions.reshape(len(predictions), -1)
                header = ["predicted"] if predictions.ndim == 1 else None
                writer.writerow(header or [f"predicted_{i}" for i in range(rows.shape[1])])
                writer.writerows(list(row) for row in rows)
                return
            if predictions.ndim == 2:  # multilabel: each label's 0/1, then its probability
                header = [f"predicted_{label}" for label in classes]
                writer.writerow(header + [f"proba_{label}" for label in classes])
                for prediction, row in zip(predictions, proba):
                    writer.writerow(list(prediction) + [repr(float(p)) for p in row])
                return
            writer.writerow(["predicted"] + [f"proba_{label}" for label in classes])
            for prediction, row in zip(predictions, proba):
                writer.writerow([prediction] + [repr(float(p)) for p in row])
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
