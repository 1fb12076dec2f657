"""Training: the data, the held-out split or the folds of --cv, the fit and its report."""

import re
import time
import warnings

import numpy as np

from .. import TanhMLPClassifier, TanhMLPRegressor
from .._compiled import KERNELS_VARIABLE, describe, numpy_ops, short_job
from .._training import LBFGS_ADVICE, STOCHASTIC_ADVICE, DivergenceError
from .messages import InputError, flush_notes, note, one_line, warn
from .numbers import missing_written_as, warn_numbered_identifiers
from .pipeline import build_network, bundled_pipeline, check_scalable, table_pipeline
from .report import (
    check_plot_file,
    network_of,
    plot_curves,
    print_iterations,
    report_held_out,
    save,
    skops_io,
)
from .table import check_columns, leave_out_empty_columns, read_features, read_table
from .task import (
    check_target_not_mostly_numbers,
    choose_task,
    drop_missing_targets,
    warn_missing_like_labels,
)


def load(args):
    """The pipeline to train, X, y, the feature names (None for bundled data) and a description."""
    regression_loss = args.loss if {"--loss"} & args.given else None
    if args.data is None:
        from sklearn.datasets import load_diabetes, load_digits

        if args.task == "regression" or (args.task == "auto" and regression_loss):
            X, y = load_diabetes(return_X_y=True)
            model = bundled_pipeline(build_network(args, "regression"))
            return model, X, y, None, "scikit-learn's diabetes data"
        X, y = load_digits(return_X_y=True)
        model = bundled_pipeline(build_network(args, "classification"))
        return model, X, y, None, "scikit-learn's digits data"
    table = read_table(args.data, keep=[args.target])
    features, _ = check_columns(table, args.target)
    table, values = drop_missing_targets(table, args.target)
    regression = args.task == "regression" or regression_loss is not None
    if args.task == "auto" or regression:
        check_target_not_mostly_numbers(table, args.target, values, regression)
    task, y = choose_task(args.task, values, f"--target {args.target!r}", regression_loss)
    if task == "classification":
        warn_missing_like_labels(table, args.target, values)
    X, kinds, missing = read_features(table, features)
    features, X, kinds, missing = leave_out_empty_columns(table, features, X, kinds, missing)
    warn_numbered_identifiers(args.data, features, X, kinds)
    network = build_network(args, task)
    gaps = [name for name, count in zip(features, missing) if count]
    written = missing_written_as(table, gaps)
    model = table_pipeline(network, X, features, kinds, missing, args.data, written)
    return model, X, y, features, args.data


def train(args):
    from sklearn.base import is_regressor
    from sklearn.model_selection import train_test_split

    sio = skops_io() if args.save else None
    if args.plot:
        check_plot_file(args.plot)
    model, X, y, feature_names, source = load(args)
    regression = is_regressor(model)
    if feature_names is None:
        check_scalable(X, None)
    if regression:
        check_scalable(y[:, None], [args.target or "target"], "target column")
        if len(y) and (y == y[0]).all():
            raise InputError(
                f"{'--target ' + repr(args.target) if args.target else 'the target'} holds one "
                f"value only ({y[0]:g}): a regressor needs targets that differ"
            )
        what = f"{X.shape[1]} features, 1 target"
    else:
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise InputError(
                f"{'--target ' + repr(args.target) if args.target else 'the target'} needs at "
                f"least two classes, found {len(classes)}"
                + (f": {str(classes[0])!r}" if len(classes) else "")
            )
        what = f"{X.shape[1]} features, {len(classes)} classes"
    network = network_of(model, fitted=False)
    fits = args.cv + bool(args.save) if args.cv is not None else 1
    outputs = 1 if regression else len(classes)
    short_job(job_work(X.shape[0], [X.shape[1], *args.hidden, outputs]) * args.max_iter * fits)
    description = (
        f"{type(network).__name__}(hidden_layer_sizes={args.hidden}, solver={args.solver!r}"
        + (", loss='poisson'" if regression and args.loss == "poisson" else "")
        + f") on {source}: {what}"
    )
    score_name = "R^2" if regression else "accuracy"
    # What the plot draws beside the training loss: the held-out rows, recorded as X_val during
    # training without changing it, or with early stopping the split it monitors.
    held_out = "early-stopping validation" if args.early_stopping else "held-out"
    record = args.plot is not None and not args.early_stopping

    if args.cv is not None:
        if not regression and counts.min() < args.cv:
            raise InputError(f"--cv {args.cv} needs at least {args.cv} rows of every class")
        if regression and len(y) < 2 * args.cv:
            raise InputError(
                f"--cv {args.cv} needs at least {2 * args.cv} rows: R^2 needs 2 rows per fold"
            )
        print(f"Cross-validating {description}, {X.shape[0]} rows, {args.cv} folds")
        folds = cross_validate(model, X, y, args.cv, args.random_state, record)
        flush_notes()  # after the folds: a fold that cannot train is one line
        if not args.quiet:  # the folds train quietly: the line their verbose output would give
            print(f"Kernels: {describe(numpy_ops())}")
        scores = [score for _, score in folds]
        print(f"cross-validated {score_name}: {np.mean(scores):.4f} +/- {np.std(scores):.4f}")
        if args.plot:
            runs = [(f"fold {i}", network_of(fold)) for i, (fold, _) in enumerate(folds, start=1)]
            plot_curves(args.plot, runs, description, held_out)
            print(f"wrote the training curves of the {args.cv} folds to {args.plot}")
        if args.save:
            print(f"Training {description}: all {X.shape[0]} rows")
            elapsed = timed_fit(model, X, y)
            print_iterations(network_of(model))
            print(f"training time: {elapsed:.2f} s")
            save(sio, model, feature_names, args.save)
        return 0

    stratify = None if regression or counts.min() < 2 else y
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state, stratify=stratify
        )
    except ValueError as error:
        # too few training rows (a test size too large: "train set will be empty", "train_size
        # = 1 should be greater or equal to the number of classes") or too few test rows
        size = "smaller" if "train" in str(error) else "larger"
        n_test = int(np.ceil(args.test_size * len(y)))  # as train_test_split counts them
        stratified = (
            f", and a split stratified by class needs at least one row of each of the "
            f"{len(classes)} classes on each side"
            if stratify is not None
            else ""
        )
        raise InputError(
            f"cannot split {source} into training and test sets: --test-size {args.test_size:g} "
            f"of its {len(y)} rows leaves {_rows(len(y) - n_test, 'training')} and "
            f"{_rows(n_test, 'held-out')}{stratified} (use a {size} --test-size, or more rows)"
        ) from None
    if regression and len(y_test) < 2:
        raise InputError(
            f"{source} leaves {len(y_test)} held-out row for R^2, which needs two at least: "
            "use a larger --test-size, or more rows"
        )
    if not regression and len(np.unique(y_train)) < 2:
        raise InputError(
            f"cannot train: {_rows(len(y_train), 'training')} of {source} "
            f"{'hold' if len(y_train) != 1 else 'holds'} one class only "
            f"({str(y_train[0])!r}); it needs more rows of each class"
        )
    flush_notes()
    print(
        f"Training {description}: {_rows(X_train.shape[0], 'training')}, "
        f"{_rows(X_test.shape[0], 'held-out')}"
    )
    # A class of a single row can land in the held-out rows only: the model cannot give it a
    # probability, so the log-loss (and the held-out curves) leave such rows out.
    seen = np.ones(len(y_test), dtype=bool) if regression else np.isin(y_test, y_train)
    if not seen.all():
        note(
            f"{_rows(int(np.sum(~seen)), 'held-out')} {'are' if np.sum(~seen) > 1 else 'is'} of "
            "classes that no training row has: the "
            "held-out log-loss leaves them out"
        )
    validation = (X_test[seen], y_test[seen]) if record and seen.any() else None
    elapsed = timed_fit(model, X_train, y_train, validation)
    report_held_out(model, X_test, y_test, seen)
    print_iterations(network_of(model))
    print(f"training time: {elapsed:.2f} s")
    if args.save:
        save(sio, model, feature_names, args.save)
    if args.plot:
        plot_curves(args.plot, [(None, network_of(model))], description, held_out)
        print(f"wrote the training curves to {args.plot}")
    return 0


def _rows(count, kind):
    return f"{count} {kind} row{'s' * (count != 1)}"


def job_work(n_rows, units):
    """Multiply-adds of one pass of ``n_rows`` through layers of ``units`` (inputs first)."""
    return n_rows * sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(units, units[1:]))


def fit(model, X, y, validation=None):
    """Fit the pipeline; with validation=(X_val, y_val), record its loss and accuracy per epoch.

    The preprocessing and the estimator are fitted one after the other, as Pipeline.fit does, so
    that the preprocessed X_val reaches fit without metadata routing. A regressor's y_val is
    standardized as TransformedTargetRegressor standardizes y (the same scaler, fitted on the
    same y).
    """
    if validation is None:
        return model.fit(X, y)
    X_val, y_val = validation
    preprocessing, estimator = model[:-1], model[-1]
    if hasattr(estimator, "transformer"):
        from sklearn.base import clone

        target_scaler = clone(estimator.transformer).fit(y.reshape(-1, 1))
        y_val = target_scaler.transform(y_val.reshape(-1, 1))[:, 0]
    X_train = preprocessing.fit_transform(X)
    estimator.fit(X_train, y, X_val=preprocessing.transform(X_val), y_val=y_val)
    return model


def timed_fit(model, X, y, validation=None):
    """Fit, print the warnings on stderr; return the seconds it took."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit(model, X, y, validation)
        except ValueError as error:  # the estimators' errors name the fault (one line: the
            # warnings of a run that failed are not printed)
            raise InputError(f"cannot train: {_training_error(error, model)}") from None
        except MemoryError:
            raise InputError(
                "cannot train: not enough memory for this network and data; use a smaller "
                "--hidden or fewer rows"
            ) from None
    elapsed = time.perf_counter() - start
    for warning in caught:
        warn(_cli_advice(one_line(warning.message)))
    return elapsed


# The estimators' advice names their parameters; the command line's names its options (and it
# standardizes the features, and a regression target, already).
_ADVICE = {
    one_line(STOCHASTIC_ADVICE): "Lower --learning-rate-init, or rescale a huge target.",
    one_line(LBFGS_ADVICE): "Try --solver adam, or rescale a huge target.",
    "Lower learning_rate_init or scale the data (for instance with StandardScaler).": (
        "Lower --learning-rate-init, or rescale a huge target."
    ),
    # outputs that overflowed on the held-out rows that --plot records (as X_val)
    "(X_val, y_val) became non-finite (inf or NaN), or X_val lies far outside the training "
    "data's scale. Scale the data (for instance with StandardScaler, X_val as X) or lower "
    "learning_rate_init.": (
        "(the held-out rows) became non-finite (inf or NaN). Lower --learning-rate-init, or "
        "rescale a huge target."
    ),
}


# scikit-learn's words, which name parameters, as the command line's options name them
_OPTION_WORDS = [
    (
        re.compile(
            r"Increase the number of iterations to improve the convergence \(max_iter=(\d+)\)"
            r"\. You might also want to scale the data as shown in: \S+"
        ),
        r"Increase --max-iter (\1).",
    ),
    # adam and sgd out of epochs
    (
        re.compile(
            r"Stochastic Optimizer: Maximum iterations \((\d+)\) reached and the optimization "
            r"hasn't converged yet\."
        ),
        r"\g<0> Increase --max-iter (\1).",
    ),
    # L-BFGS stopped before max_iter (max_fun's limit, a failed line search)
    (re.compile(r"You might also want to scale the data as shown in: \S+"), "Try --solver adam."),
    (
        re.compile(r"Got `batch_size` less than 1 or larger than sample size\. .*"),
        "--batch-size is larger than the training rows: each batch takes all of them.",
    ),
    (
        re.compile(
            r"The test_size = (\d+) should be greater or equal to the number of classes = (\d+)"
        ),
        r"the early-stopping split would hold out \1 row(s), fewer than the \2 classes",
    ),
]


def _cli_advice(message):
    """The message with the command line's advice in place of the estimators'."""
    for words, advice in _ADVICE.items():
        message = message.replace(words, advice)
    for pattern, words in _OPTION_WORDS:
        message = pattern.sub(words, message)
    return message


# The estimators' advice on an early-stopping split that cannot be made names their parameters.
_SPLIT_ADVICE = [
    one_line(TanhMLPClassifier._split_advice),
    one_line(TanhMLPRegressor._split_advice),
    "Increase 'validation_fraction' or the size of your dataset.",
]


# An --alpha from which a run that diverged is told to lower it: the L2 term then outweighs the
# data's (the default is 1e-4), and a huge one overflows the penalty itself.
LARGE_ALPHA = 1e3


def _training_error(error, model):
    """An estimator's error in one line, with the command line's advice in place of the API's."""
    message, advice = _cli_advice(one_line(error)), ""
    alpha = getattr(network_of(model, fitted=False), "alpha", 0.0)
    if isinstance(error, DivergenceError) and alpha >= LARGE_ALPHA:
        advice = f" (--alpha {alpha:g} is large: lower it first)"
    if any(words in message for words in _SPLIT_ADVICE):
        stratified = one_line(TanhMLPClassifier._split_advice) in message
        for words in _SPLIT_ADVICE:
            message = message.replace(words, "")
        message = message.rstrip()
        advice = (
            " (--early-stopping holds out 10% of the training rows, stratified by class: give "
            "every class more rows, or leave out --early-stopping)"
            if stratified
            else " (--early-stopping holds out 10% of the training rows: give it more rows, or "
            "leave out --early-stopping)"
        )
    return message + advice


def cross_validate(model, X, y, k, random_state, record):
    """(fitted pipeline, score) of each of k folds (stratified for a classifier): the scores of
    cross_val_score, accuracy or R^2.

    With record, each fold's held-out rows are recorded per epoch, for the plot.
    """
    from sklearn.base import clone, is_regressor
    from sklearn.model_selection import KFold, StratifiedKFold

    kind = KFold if is_regressor(model) else StratifiedKFold
    folds = kind(k, shuffle=True, random_state=random_state)
    results = []
    for train_rows, test_rows in folds.split(X, y):
        fold_model = clone(model)
        step = fold_model[-1]
        step.set_params(
            **{"regressor__verbose" if hasattr(step, "regressor") else "verbose": False}
        )
        validation = (X[test_rows], y[test_rows]) if record else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # but that the kernels asked for by name do not run
            warnings.filterwarnings("default", message=f"{KERNELS_VARIABLE}=numba")
            try:
                fit(fold_model, X[train_rows], y[train_rows], validation)
            except ValueError as error:  # the estimators' errors name the fault
                raise InputError(
                    f"cannot train a fold of --cv: {_training_error(error, fold_model)}"
                ) from None
            results.append((fold_model, fold_model.score(X[test_rows], y[test_rows])))
    return results
