"""Command line: ``python -m sktanhnet`` trains on digits, or on a CSV file, and reports.

With no arguments it trains a ``TanhMLPClassifier`` on scikit-learn's bundled digits data in a
``Pipeline`` with ``StandardScaler``, printing its progress per epoch, then the held-out accuracy,
the log-loss, the number of epochs and the training time. ``--task regression`` trains a
``TanhMLPRegressor`` instead (on scikit-learn's diabetes data without ``--data``) and reports the
held-out R^2, RMSE and MAE; ``--task auto``, the default, trains a regressor on a CSV target of
non-integer numbers and a classifier otherwise, and says which. ``--cv K`` reports a
cross-validated accuracy (R^2) instead, ``--save FILE.skops`` saves the trained pipeline (with
the CSV's column names), ``--plot FILE.png`` draws the training and held-out curves, and
``--model FILE.skops`` predicts with a saved pipeline on the ``--data`` columns it was trained on,
picked by name. Options that cannot go together, and bad input files, give one line on stderr
and exit status 2.
"""

import argparse
import csv
import os
import re
import sys
import time
import warnings

import numpy as np

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


def _parse_hidden(text):
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip() != "")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--hidden must be comma-separated positive integers, got {text!r}"
        ) from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"--hidden sizes must be >= 1, got {text!r}")
    if not sizes:
        raise argparse.ArgumentTypeError(
            f"--hidden needs at least one layer size, got {text!r} (for instance 100 or 100,50)"
        )
    return sizes


def _parse_batch_size(text):
    if text == "auto":
        return text
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < 1:
        raise argparse.ArgumentTypeError(f"--batch-size must be 'auto' or >= 1, got {text!r}")
    return size


class _OneLineParser(argparse.ArgumentParser):
    """argparse's errors as the command line's others: one line on stderr, exit status 2."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"error: {message} (python -m sktanhnet --help lists them)\n")


def build_parser():
    from sktanhnet import __version__

    parser = _OneLineParser(
        prog="python -m sktanhnet",
        description="Train a TanhMLPClassifier (or TanhMLPRegressor) on scikit-learn's digits "
        "(diabetes) data or on a CSV file and report its held-out accuracy (R^2), or predict "
        "with a saved model.",
    )
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data",
        metavar="FILE.csv",
        help="a CSV file with a header row and numeric feature columns "
        "(default: scikit-learn's digits data)",
    )
    data.add_argument(
        "--target",
        metavar="COLUMN",
        help="the CSV column holding the labels (or target values): needed to train on --data, "
        "optional with --model (default: none)",
    )
    model = parser.add_argument_group("the model")
    model.add_argument(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help="classification trains a TanhMLPClassifier (default data: digits), regression a "
        "TanhMLPRegressor (default data: diabetes); auto: regression for a --target of "
        "non-integer numbers, else classification (default: %(default)s)",
    )
    model.add_argument(
        "--hidden",
        type=_parse_hidden,
        default=(100,),
        metavar="100,50",
        help="hidden layer sizes (default: 100)",
    )
    model.add_argument(
        "--solver",
        choices=["adam", "sgd", "lbfgs"],
        default="adam",
        help="the optimizer (default: %(default)s)",
    )
    model.add_argument(
        "--alpha", type=float, default=1e-4, help="L2 penalty (default: %(default)s)"
    )
    model.add_argument(
        "--batch-size",
        type=_parse_batch_size,
        default="auto",
        metavar="N",
        help="rows per mini-batch, 'adam' and 'sgd' only; auto is min(200, rows) "
        "(default: %(default)s)",
    )
    model.add_argument(
        "--learning-rate-init",
        type=float,
        default=1e-3,
        metavar="RATE",
        help="initial learning rate, 'adam' and 'sgd' only (default: %(default)s)",
    )
    model.add_argument(
        "--max-iter",
        type=int,
        default=200,
        metavar="N",
        help="most epochs (L-BFGS: iterations) (default: %(default)s)",
    )
    model.add_argument(
        "--early-stopping",
        action="store_true",
        help="stop when the accuracy (R^2) on 10%% of the training rows stops improving, "
        "'adam' and 'sgd' only (default: off)",
    )
    model.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the weights, the split and the folds (default: %(default)s)",
    )
    run = parser.add_argument_group("training and its report")
    run.add_argument(
        "--test-size",
        type=float,
        default=0.25,
        metavar="FRACTION",
        help="fraction of the rows held out to report on (default: %(default)s)",
    )
    run.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="report the accuracy (R^2) of K-fold cross-validation instead (default: off)",
    )
    run.add_argument("--quiet", action="store_true", help="no per-epoch progress (default: off)")
    run.add_argument(
        "--save",
        metavar="FILE.skops",
        help="save the trained pipeline with skops; with --cv, the one trained on all rows "
        "(default: not saved)",
    )
    run.add_argument(
        "--plot",
        metavar="FILE.png",
        help="draw the training and held-out loss and the held-out accuracy (R^2) per epoch; "
        "with --cv, of each fold (default: no plot)",
    )
    predict = parser.add_argument_group("predicting with a saved model")
    predict.add_argument(
        "--model",
        metavar="FILE.skops",
        help="predict with a saved pipeline on --data, and report the accuracy (a regressor's "
        "R^2, RMSE and MAE) when --target is given (default: none, train a new model)",
    )
    predict.add_argument(
        "--output",
        metavar="FILE.csv",
        help="with --model: write each row's predicted label and class probabilities (a "
        "regressor's prediction, one column per target) (default: print the predictions)",
    )
    parser.add_argument("--version", action="version", version=f"sktanhnet {__version__}")
    return parser


# The options that shape or report a training run: none of them applies to --model.
TRAINING_OPTIONS = [
    "--task",
    "--hidden",
    "--solver",
    "--alpha",
    "--batch-size",
    "--learning-rate-init",
    "--max-iter",
    "--early-stopping",
    "--random-state",
    "--test-size",
    "--cv",
    "--quiet",
    "--save",
    "--plot",
]


def _given_options(argv):
    """The options on the command line, told apart from their defaults by parsing without any."""
    parser = build_parser()
    parser.set_defaults(**dict.fromkeys(vars(parser.parse_args(argv)), None))
    given = vars(parser.parse_args(argv))
    return {"--" + dest.replace("_", "-") for dest, value in given.items() if value is not None}


def check_options(args, given):
    """Refuse, in one line naming them, options that cannot go together or values out of range."""
    if args.model is not None:
        if args.data is None:
            raise InputError("--model needs --data: the rows to predict")
        training = [option for option in TRAINING_OPTIONS if option in given]
        if training:
            raise InputError(
                f"--model cannot go with {', '.join(training)}: it predicts with a model "
                "already trained"
            )
    else:
        if args.output is not None:
            raise InputError("--output needs --model: it writes a saved model's predictions")
        if args.target is not None and args.data is None:
            raise InputError("--target needs --data: the CSV file holding that column")
        if args.data is not None and args.target is None:
            raise InputError("--data needs --target to train: the column holding the labels")
    if args.cv is not None and "--test-size" in given:
        raise InputError("--cv cannot go with --test-size: cross-validation holds out each fold")
    if args.solver == "lbfgs":
        for option in ["--batch-size", "--learning-rate-init", "--early-stopping"]:
            if option in given:
                raise InputError(
                    f"{option} cannot go with --solver lbfgs: it applies to adam and sgd"
                )
    if args.max_iter < 1:
        raise InputError("--max-iter must be >= 1")
    if not 0 <= args.random_state < 2**32:
        raise InputError(f"--random-state must be in [0, 2**32 - 1], got {args.random_state}")
    if not 0 < args.test_size < 1:
        raise InputError("--test-size must be in (0, 1)")
    if args.cv is not None and args.cv < 2:
        raise InputError("--cv must be >= 2")
    if not 0 <= args.alpha < np.inf:
        raise InputError(f"--alpha must be a number >= 0, got {args.alpha}")
    if not 0 < args.learning_rate_init < np.inf:
        raise InputError(
            f"--learning-rate-init must be a number > 0, got {args.learning_rate_init}"
        )
    _check_files(args)


def _check_files(args):
    """No output overwrites an input or another output, and each can be written where named."""
    inputs = {"--data": args.data, "--model": args.model}
    outputs = {"--save": args.save, "--plot": args.plot, "--output": args.output}
    seen = {option: path for option, path in inputs.items() if path is not None}
    for option, path in outputs.items():
        if path is None:
            continue
        for other, other_path in seen.items():
            same = os.path.realpath(path) == os.path.realpath(other_path)
            if not same and os.path.exists(path) and os.path.exists(other_path):
                same = os.path.samefile(path, other_path)  # a hard link, another mount
            if same:
                raise InputError(f"{option} and {other} name the same file, {path}")
        if os.path.isdir(path):
            raise InputError(f"cannot write {path}: it is a folder; name a file")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise InputError(f"cannot write {path}: no folder {folder}")
        seen[option] = path


def load_csv(path, target, features=None):
    """Features, labels, feature names and the columns left out, from a CSV with a header row.

    ``features`` names the columns to read, in that order (a saved model's ``feature_names_in_``);
    None reads every column but the target. The labels are empty without a target.
    """
    try:
        # utf-8-sig: a spreadsheet's byte-order mark must not become part of the first name.
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path} is not a readable CSV file: {error}") from None
    if len(rows) < 2 or not any(rows[1:]):
        raise InputError(f"{path} needs a header row and at least one data row")
    if len(rows[0]) > 1 and rows[0][0].strip() == "" and all(name.strip() for name in rows[0][1:]):
        # pandas' DataFrame.to_csv() writes the index as an unnamed first column: not a feature
        _note(f"{path}: leaving out the unnamed first column (a DataFrame's index)")
        rows = [row[1:] if row else row for row in rows]
    header = [name.strip() for name in rows[0]]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(f"{path}: column names must differ; repeated: {_names(repeated)}")
    if target is not None and target not in header:
        raise InputError(f"column {target!r} not found in {path}; columns: {', '.join(header)}")
    if features is None:
        features = [name for name in header if name != target]
        if not features:
            raise InputError(f"{path} has no feature columns")
    else:
        missing = [name for name in features if name not in header]
        if missing:
            raise InputError(f"{path} lacks feature columns the model needs: {_names(missing)}")
        if target in features:
            raise InputError(f"--target {target!r} is one of the model's feature columns")
    columns = [header.index(name) for name in features]
    left_out = [name for name in header if name not in features and name != target]
    target_index = header.index(target) if target is not None else None
    features_rows, labels = [], []
    for line_number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}, line {line_number}: {len(row)} fields, the header has {len(header)}"
            )
        values = []
        for i in columns:
            try:
                value = float(row[i])
            except ValueError:
                raise InputError(
                    f"{path}, line {line_number}: non-numeric value {row[i]!r} in feature "
                    f"column {header[i]!r}; features must be numbers"
                ) from None
            if not np.isfinite(value):
                raise InputError(
                    f"{path}, line {line_number}: {row[i]!r} in column {header[i]!r} is not finite"
                )
            values.append(value)
        features_rows.append(values)
        if target_index is not None:
            label = row[target_index].strip()
            if not label:
                raise InputError(
                    f"{path}, line {line_number}: empty value in target column {target!r}; "
                    "fill it in or leave the row out"
                )
            labels.append(label)
    labels = np.array(labels)
    if len(labels) and all(_INTEGER.fullmatch(v) for v in labels):
        try:  # integers as written (no leading zeros, no sign on 0) stay integers
            labels = labels.astype(np.int64)
        except OverflowError:  # beyond int64: kept as written
            pass
    return np.array(features_rows, dtype=np.float64), labels, list(features), left_out


_INTEGER = re.compile(r"0|-?[1-9][0-9]*")


def labels_like(y, classes, what):
    """The --target labels, read from text, as values of the model's classes (their type).

    bool classes take True/False (and 1/0), integer classes integers as written, float classes
    numbers; text stays as written. A label that cannot be such a value is an error naming it.
    """
    dtype = np.asarray(classes).dtype
    if dtype.kind not in "biuf":
        return y.astype(str) if y.dtype.kind in "iu" else y
    words = {"true": True, "1": True, "false": False, "0": False}
    values = []
    for value in y.astype(str):
        text = value.strip()
        if dtype.kind == "b" and text.lower() in words:
            values.append(words[text.lower()])
        elif dtype.kind in "iu" and _INTEGER.fullmatch(text):
            values.append(int(text))
        elif dtype.kind == "f" and _as_numbers([text], what) is not None:
            values.append(float(text))
        else:
            shown = ", ".join(map(str, list(classes)[:5]))
            raise InputError(
                f"{what} holds {str(value)!r}, which is not a label of the model: its classes are "
                f"of type {dtype} ({shown}{', ...' if len(classes) > 5 else ''})"
            )
    try:
        return np.array(values, dtype=dtype)
    except OverflowError:  # an integer beyond the classes' type: no class has it
        bounds = np.iinfo(dtype)
        value = next(v for v in values if not bounds.min <= v <= bounds.max)
        raise InputError(
            f"{what} holds {str(value)!r}, which is not a label of the model: its classes are "
            f"of type {dtype}"
        ) from None


def _names(names):
    return ", ".join(repr(name) for name in names)


def _load(args):
    """X, y, the feature names (None for bundled data), a description, and the task to train."""
    if args.data is None:
        from sklearn.datasets import load_diabetes, load_digits

        if args.task == "regression":
            X, y = load_diabetes(return_X_y=True)
            return X, y, None, "scikit-learn's diabetes data", "regression"
        X, y = load_digits(return_X_y=True)
        return X, y, None, "scikit-learn's digits data", "classification"
    X, y, names, _ = load_csv(args.data, args.target)
    task, y = choose_task(args.task, y, f"--target {args.target!r}")
    return X, y, names, args.data, task


def _as_numbers(values, what):
    """values as finite float64 numbers, or None where one is not a number at all."""
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except ValueError:
        return None
    bad = ~np.isfinite(numbers)
    if bad.any():
        raise InputError(f"{what}: {str(values[np.argmax(bad)])!r} is not a finite number")
    return numbers


def _written_as_integers(values):
    """For each text value, whether it is written as an integer (no point, no exponent)."""
    return np.array([bool(_INTEGER.fullmatch(str(value).strip())) for value in values])


def choose_task(task, y, what):
    """(the task, y as it trains): regression takes numbers, classification labels.

    With ``task`` "auto", a target of numbers that are not all integers is a regression
    target, and a note on stderr says so; integers and text are class labels, as before.
    """
    numbers = _as_numbers(y, what) if y.dtype.kind in "US" else y.astype(np.float64)
    # Not all integers: a fraction, or a float too large to hold one (1e200, 2**53 and beyond,
    # unless written as an integer); integers as written stay class labels.
    continuous = numbers is not None and (
        not np.array_equal(numbers, np.round(numbers))
        or (
            y.dtype.kind in "US"
            and bool(np.any((np.abs(numbers) >= 2.0**53) & ~_written_as_integers(y)))
        )
    )
    if task == "auto":
        task = "regression" if continuous else "classification"
        if continuous:
            _note(
                f"{what} holds non-integer numbers: training a TanhMLPRegressor "
                "(--task classification refuses them; --task regression is this)"
            )
    if task == "regression":
        if numbers is None:
            value = str(next(v for v in y if _as_numbers([v], what) is None))
            raise InputError(
                f"--task regression needs numbers in {what}; it holds {value!r}. Use --task "
                "classification for class labels"
            )
        return task, numbers
    if continuous:
        fraction = (numbers != np.round(numbers)) | (np.abs(numbers) >= 2.0**53)
        value = float(numbers[np.argmax(fraction)])
        raise InputError(
            f"--task classification needs class labels; {what} holds non-integer numbers such "
            f"as {value!r}. Use --task regression (or auto) for a continuous target"
        )
    return task, y


def _record_feature_names(model, names):
    """Give a pipeline fitted on a CSV its columns' names, as fitting on a DataFrame would.

    ``feature_names_in_`` (a Pipeline's is its first step's) is what ``--model`` reads to pick
    columns by name. It is set by hand because scikit-learn takes names only from DataFrames, and
    the command line does not need pandas. An object array of str, as scikit-learn stores it: skops
    saves it without any type to trust.
    """
    model[0].feature_names_in_ = np.asarray(names, dtype=object)


def _skops():
    try:
        import skops.io
    except ImportError:
        raise InputError(
            'saving and loading models needs skops: pip install ".[skops]" (from a clone)'
        ) from None
    return skops.io


# The only type --model trusts beyond skops's defaults (scikit-learn's estimators, NumPy and
# Python's builtins). Not every name under "sktanhnet.": skops calls some of the types it loads
# (with arguments from the file), and a function of this package must not be one of them.
TRUSTED_TYPES = ["sktanhnet._classifier.TanhMLPClassifier", "sktanhnet._regressor.TanhMLPRegressor"]


def load_model(path):
    """A pipeline saved with skops, trusting only skops's defaults and TRUSTED_TYPES."""
    sio = _skops()
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
    model = sio.load(path, trusted=untrusted)
    if not callable(getattr(model, "predict", None)):
        raise InputError(
            f"{path} holds a {type(model).__name__}, not a fitted model with predict: save the "
            "trained pipeline (python -m sktanhnet ... --save FILE.skops)"
        )
    return model


def predict_with_saved_model(args):
    """--model: predict with a saved pipeline on the --data columns it was trained on."""
    from sklearn.base import is_regressor

    model = load_model(args.model)
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        X, y, _, left_out = load_csv(args.data, args.target, features=list(names))
        if left_out:
            _note(f"{args.data}: ignoring columns the model does not use: {_names(left_out)}")
    else:
        X, y, used, _ = load_csv(args.data, args.target)
        expected = getattr(model, "n_features_in_", X.shape[1])
        if X.shape[1] != expected:
            raise InputError(
                f"{args.data} has {X.shape[1]} feature columns, the model expects {expected}"
            )
        _note(
            f"{args.model} has no feature names (it was fitted on arrays): using the columns "
            f"of {args.data} by position: {_names(used)}"
        )
    with warnings.catch_warnings():
        # The columns were matched by name above; the arrays passed on carry no names.
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        try:
            predictions = model.predict(X)
            proba = None
            if args.output is not None and hasattr(model, "predict_proba"):
                proba = model.predict_proba(X)
        except ValueError as error:  # the estimators' errors name the fault
            raise InputError(f"cannot predict on {args.data}: {error}") from None
    regression = is_regressor(model)
    if args.target is not None and regression:
        _, y = choose_task("regression", y, f"--target {args.target!r}")
        if predictions.ndim != 1:
            raise InputError(
                f"{args.model} predicts {predictions.shape[1]} targets; --target names one "
                "column: leave it out, and compare the --output columns yourself"
            )
        report_regression(y, predictions, "")
    elif args.target is not None:
        from sklearn.metrics import accuracy_score

        if predictions.ndim != 1:
            raise InputError(
                f"{args.model} predicts {predictions.shape[1]} labels per row (multilabel); "
                "--target names one column: leave it out, and compare the --output columns"
            )
        y = labels_like(y, getattr(model, "classes_", predictions), f"--target {args.target!r}")
        print(f"accuracy: {accuracy_score(y, predictions):.4f}")
    if args.output is not None:
        if proba is None and not regression:
            _note(f"{args.model} has no predict_proba: {args.output} holds the labels only")
        write_predictions(args.output, predictions, proba, getattr(model, "classes_", []))
        print(f"wrote {len(predictions)} predictions to {args.output}")
    elif args.target is None:
        for prediction in predictions:
            if regression:
                print(",".join(repr(float(value)) for value in np.atleast_1d(prediction)))
            else:  # a label, or a multilabel row of 0/1 indicators
                print(",".join(map(str, prediction)) if np.ndim(prediction) else prediction)
    return 0


def write_predictions(path, predictions, proba, classes):
    """A CSV with a header: the predicted label, then each class's probability (if any), per row.

    A regressor's predictions (floats, no ``proba``): one column per target, ``prediction`` for
    one target, ``prediction_0``, ``prediction_1``... for several.
    """
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            if proba is None and predictions.dtype.kind == "f":
                rows = predictions.reshape(len(predictions), -1)
                names = ["prediction"] if predictions.ndim == 1 else None
                writer.writerow(names or [f"prediction_{i}" for i in range(rows.shape[1])])
                writer.writerows([repr(float(value)) for value in row] for row in rows)
                return
            if proba is None:
                writer.writerow(["predicted"])
                writer.writerows([prediction] for prediction in predictions)
                return
            writer.writerow(["predicted"] + [f"proba_{label}" for label in classes])
            for prediction, row in zip(predictions, proba):
                writer.writerow([prediction] + [repr(float(p)) for p in row])
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None


def _note(text):
    print(f"note: {text}", file=sys.stderr)


def main(argv=None):
    for stream in (sys.stdout, sys.stderr):
        # a label the terminal's encoding cannot show is escaped, not a crash (files are UTF-8)
        if callable(getattr(stream, "reconfigure", None)):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        check_options(args, _given_options(argv))
        if args.model is not None:
            return predict_with_saved_model(args)
        return train(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # stdout closed early (| head): the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def train(args):
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

    sio = _skops() if args.save else None
    if args.plot:
        _check_plot_file(args.plot)
    X, y, feature_names, source, task = _load(args)
    _check_scalable(X, feature_names)
    regression = task == "regression"
    if regression:
        _check_scalable(y[:, None], [args.target or "target"], "target column")
    if regression:
        what = f"{X.shape[1]} features, 1 target"
    else:
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise InputError(f"the target column needs at least two classes, found {len(classes)}")
        what = f"{X.shape[1]} features, {len(classes)} classes"
    estimator = TanhMLPRegressor if regression else TanhMLPClassifier
    network = estimator(
        hidden_layer_sizes=args.hidden,
        solver=args.solver,
        alpha=args.alpha,
        batch_size=args.batch_size,
        learning_rate_init=args.learning_rate_init,
        max_iter=args.max_iter,
        early_stopping=args.early_stopping,
        random_state=args.random_state,
        verbose=not args.quiet,
    )
    if regression:
        from sklearn.compose import TransformedTargetRegressor

        # The network trains on a standardized target, as it does on standardized features;
        # predictions come back in the target's own units.
        network = TransformedTargetRegressor(network, transformer=StandardScaler())
    model = make_pipeline(StandardScaler(), network)
    description = (
        f"{estimator.__name__}(hidden_layer_sizes={args.hidden}, solver={args.solver!r}) on "
        f"{source}: {what}"
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
        scores = [score for _, score in folds]
        print(f"cross-validated {score_name}: {np.mean(scores):.4f} +/- {np.std(scores):.4f}")
        if args.plot:
            runs = [(f"fold {i}", _network(fold)) for i, (fold, _) in enumerate(folds, start=1)]
            plot_curves(args.plot, runs, description, held_out)
            print(f"wrote the training curves of the {args.cv} folds to {args.plot}")
        if args.save:
            print(f"Training {description}: all {X.shape[0]} rows")
            elapsed = _timed_fit(model, X, y)
            _print_iterations(_network(model))
            print(f"training time: {elapsed:.2f} s")
            _save(sio, model, feature_names, args.save)
        return 0

    stratify = None if regression or counts.min() < 2 else y
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state, stratify=stratify
        )
    except ValueError as error:
        raise InputError(f"cannot split {source} into training and test sets: {error}") from None
    print(
        f"Training {description}: {X_train.shape[0]} training rows, {X_test.shape[0]} held-out rows"
    )
    # A class of a single row can land in the held-out rows only: the model cannot give it a
    # probability, so the log-loss (and the held-out curves) leave such rows out.
    seen = np.ones(len(y_test), dtype=bool) if regression else np.isin(y_test, y_train)
    if not seen.all():
        _note(
            f"{np.sum(~seen)} held-out rows are of classes that no training row has: the "
            "held-out log-loss leaves them out"
        )
    validation = (X_test[seen], y_test[seen]) if record and seen.any() else None
    elapsed = _timed_fit(model, X_train, y_train, validation)
    report_held_out(model, X_test, y_test, seen)
    _print_iterations(_network(model))
    print(f"training time: {elapsed:.2f} s")
    if args.save:
        _save(sio, model, feature_names, args.save)
    if args.plot:
        plot_curves(args.plot, [(None, _network(model))], description, held_out)
        print(f"wrote the training curves to {args.plot}")
    return 0


def _check_scalable(X, names, what="feature column"):
    """Every column can be standardized: its variance does not overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        variance = np.var(X, axis=0)
    bad = np.flatnonzero(~np.isfinite(variance))
    if len(bad):
        column = names[bad[0]] if names is not None else f"number {bad[0]}"
        raise InputError(
            f"{what} {column!r} holds values too large to standardize (up to "
            f"{np.abs(X[:, bad[0]]).max():.3g}); rescale it (divide it by a power of ten)"
        )


def report_held_out(model, X_test, y_test, seen):
    """Print the held-out scores: accuracy and log-loss, or a regressor's R^2, RMSE and MAE."""
    from sklearn.base import is_regressor
    from sklearn.metrics import log_loss

    if is_regressor(model):
        report_regression(y_test, model.predict(X_test), "held-out ")
        return
    print(f"held-out accuracy: {model.score(X_test, y_test):.4f}")
    if seen.any():
        proba = model.predict_proba(X_test[seen])
        log_loss_value = log_loss(y_test[seen], proba, labels=model[-1].classes_)
        print(f"held-out log-loss: {log_loss_value:.4f}")


def report_regression(y, prediction, prefix):
    """Print R^2, RMSE and MAE of the predictions, each line starting with ``prefix``.

    R^2 needs two rows: with one, it is undefined (printed as nan) and a warning says so.
    """
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r2 = r2_score(y, prediction)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    print(f"{prefix}R^2: {r2:.4f}")
    print(f"{prefix}RMSE: {np.sqrt(mean_squared_error(y, prediction)):.4f}")
    print(f"{prefix}MAE: {mean_absolute_error(y, prediction):.4f}")


def _network(model):
    """The fitted TanhMLPClassifier or TanhMLPRegressor of a pipeline the command line built."""
    step = model[-1]
    return getattr(step, "regressor_", step)


def _print_iterations(estimator):
    """The number of epochs, or of L-BFGS iterations."""
    kind = "iterations" if estimator.solver == "lbfgs" else "epochs"
    print(f"{kind}: {estimator.n_iter_}")


def _fit(model, X, y, validation=None):
    """Fit the pipeline; with validation=(X_val, y_val), record its loss and accuracy per epoch.

    The scaler and the estimator are fitted one after the other, as Pipeline.fit does, so that
    the scaled X_val reaches fit without metadata routing. A regressor's y_val is standardized as
    TransformedTargetRegressor standardizes y (the same scaler, fitted on the same y).
    """
    if validation is None:
        return model.fit(X, y)
    X_val, y_val = validation
    scaler, estimator = model[0], model[-1]
    if hasattr(estimator, "transformer"):
        from sklearn.base import clone

        target_scaler = clone(estimator.transformer).fit(y.reshape(-1, 1))
        y_val = target_scaler.transform(y_val.reshape(-1, 1))[:, 0]
    estimator.fit(scaler.fit_transform(X), y, X_val=scaler.transform(X_val), y_val=y_val)
    return model


def _timed_fit(model, X, y, validation=None):
    """Fit, print the warnings on stderr; return the seconds it took."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _fit(model, X, y, validation)
        except ValueError as error:  # the estimators' errors name the fault (one line: the
            # warnings of a run that failed are not printed)
            advice = ""
            if "Training diverged" in str(error):
                advice = (
                    " (the command line already standardizes the features: with adam or sgd, "
                    "lower --learning-rate-init; rescale a huge target)"
                )
            raise InputError(f"cannot train: {error}{advice}") from None
        except MemoryError:
            raise InputError(
                "cannot train: not enough memory for this network and data; use a smaller "
                "--hidden or fewer rows"
            ) from None
    elapsed = time.perf_counter() - start
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    return elapsed


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
            warnings.simplefilter("ignore")
            try:
                _fit(fold_model, X[train_rows], y[train_rows], validation)
            except ValueError as error:  # the estimators' errors name the fault
                raise InputError(f"cannot train a fold of --cv: {error}") from None
        results.append((fold_model, fold_model.score(X[test_rows], y[test_rows])))
    return results


def _save(sio, model, feature_names, path):
    if feature_names is not None:
        _record_feature_names(model, feature_names)
    try:
        sio.dump(model, path)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
    print(f"saved the pipeline to {path}")


def _check_plot_file(path):
    """matplotlib is installed and can write the format that path's extension names."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        raise InputError('--plot needs matplotlib: pip install ".[plot]" (from a clone)') from None
    extension = os.path.splitext(path)[1].lstrip(".").lower()
    formats = FigureCanvasBase.get_supported_filetypes()
    if extension not in formats:
        raise InputError(
            f"--plot {path}: matplotlib cannot write {extension or 'files without an extension'}; "
            f"name a file ending in one of: {', '.join('.' + name for name in sorted(formats))}"
        )


def plot_curves(path, runs, title, held_out):
    """Loss per epoch (training solid, held-out dashed) and held-out accuracy (or R^2), side by
    side.

    runs: (name, fitted network) pairs, one colour each (the folds of --cv); a single run
    (name None) has one colour per curve. The legend sits right of the panels, clear of lines.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    figure, (loss_ax, score_ax) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    x_label = "iteration" if runs[0][1].solver == "lbfgs" else "epoch"
    for i, (_, classifier) in enumerate(runs):
        train_color, held_out_color = ("C0", "C1") if len(runs) == 1 else (f"C{i}", f"C{i}")
        loss_ax.plot(_epochs(classifier.loss_curve_), classifier.loss_curve_, color=train_color)
        if classifier.validation_loss_curve_ is not None:
            curve = classifier.validation_loss_curve_
            loss_ax.plot(_epochs(curve), curve, color=held_out_color, linestyle="--")
            scores = classifier.validation_scores_
            score_ax.plot(_epochs(scores), scores, color=held_out_color)
    from sklearn.base import is_regressor

    loss, score = (
        ("half squared error", "R^2") if is_regressor(runs[0][1]) else ("log-loss", "accuracy")
    )
    loss_ax.set(title=loss.capitalize(), xlabel=x_label, ylabel=loss)
    score_ax.set(
        title=f"{score[0].upper()}{score[1:]} on the {held_out} rows", xlabel=x_label, ylabel=score
    )
    single = len(runs) == 1
    handles = [
        Line2D([], [], color="C0" if single else "0.3", label="training loss"),
        Line2D([], [], color="C1" if single else "0.3", linestyle="--", label=f"{held_out} loss"),
    ]
    if single:
        handles.append(Line2D([], [], color="C1", label=f"{held_out} {score}"))
    else:
        handles += [Line2D([], [], color=f"C{i}", label=name) for i, (name, _) in enumerate(runs)]
    figure.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.suptitle(title, fontsize="medium")
    try:
        figure.savefig(path, bbox_inches="tight", dpi=100)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot write {path}: {error}") from None
    finally:
        plt.close(figure)


def _epochs(curve):
    return range(1, len(curve) + 1)


if __name__ == "__main__":
    sys.exit(main())
