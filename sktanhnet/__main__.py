"""Command line: ``python -m sktanhnet`` trains on digits, or on a CSV file, and reports.

With no arguments it trains a ``TanhMLPClassifier`` on scikit-learn's bundled digits data in a
``Pipeline`` with ``StandardScaler``, printing its progress per epoch, then the held-out accuracy,
the log-loss, the number of epochs and the training time. ``--cv K`` reports a cross-validated
accuracy instead, ``--save FILE.skops`` saves the trained pipeline, ``--plot FILE.png`` draws its
training curves, and ``--model FILE.skops`` predicts with a saved pipeline on ``--data``. Bad input
files give one line on stderr and exit status 2.
"""

import argparse
import csv
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
    return sizes


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m sktanhnet",
        description="Train a TanhMLPClassifier on scikit-learn's digits data or on a CSV file "
        "and report its held-out accuracy.",
    )
    parser.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row")
    parser.add_argument("--target", metavar="COLUMN", help="the CSV column holding the labels")
    parser.add_argument(
        "--hidden",
        type=_parse_hidden,
        default=(100,),
        metavar="100,50",
        help="hidden layer sizes (default: 100)",
    )
    parser.add_argument("--solver", choices=["adam", "sgd", "lbfgs"], default="adam")
    parser.add_argument("--max-iter", type=int, default=200, metavar="N")
    parser.add_argument("--random-state", type=int, default=0, metavar="SEED")
    parser.add_argument(
        "--test-size", type=float, default=0.25, help="held-out fraction (default: 0.25)"
    )
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress")
    parser.add_argument(
        "--cv", type=int, metavar="K", help="report the accuracy of K-fold cross-validation"
    )
    parser.add_argument("--save", metavar="FILE.skops", help="save the trained pipeline with skops")
    parser.add_argument(
        "--model",
        metavar="FILE.skops",
        help="predict with a saved pipeline on --data (accuracy too when --target is given)",
    )
    parser.add_argument("--plot", metavar="FILE.png", help="draw the training curves")
    return parser


def load_csv(path, target, features=None):
    """Features, labels, feature names and the columns left out, from a CSV with a header row.

    ``features`` names the columns to read, in that order (a saved model's ``feature_names_in_``);
    None reads every column but the target. The labels are empty without a target.
    """
    try:
        with open(path, newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path} is not a readable CSV file: {error}") from None
    if len(rows) < 2:
        raise InputError(f"{path} needs a header row and at least one data row")
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
            labels.append(row[target_index].strip())
    labels = np.array(labels)
    try:  # numeric labels stay numbers
        labels = labels.astype(np.int64) if all(v.lstrip("-").isdigit() for v in labels) else labels
    except ValueError:
        pass
    return np.array(features_rows, dtype=np.float64), labels, list(features), left_out


def _names(names):
    return ", ".join(repr(name) for name in names)


def _load(args):
    """X, y, the feature names (None for digits) and a description of the data."""
    if args.data is None:
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return X, y, None, "scikit-learn's digits data"
    X, y, names, _ = load_csv(args.data, args.target)
    return X, y, names, args.data


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
            "saving and loading models needs skops: pip install 'sktanhnet[skops]'"
        ) from None
    return skops.io


# The only type --model trusts beyond skops's defaults (scikit-learn's estimators, NumPy and
# Python's builtins). Not every name under "sktanhnet.": skops calls some of the types it loads
# (with arguments from the file), and a function of this package must not be one of them.
TRUSTED_TYPES = ["sktanhnet._classifier.TanhMLPClassifier"]


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
    return sio.load(path, trusted=untrusted)


def predict_with_saved_model(args):
    """--model: predict with a saved pipeline on the --data columns it was trained on."""
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
        predictions = model.predict(X)
    if args.target is not None:
        from sklearn.metrics import accuracy_score

        y = y.astype(predictions.dtype) if predictions.dtype.kind in "iufb" else y
        print(f"accuracy: {accuracy_score(y, predictions):.4f}")
    else:
        for prediction in predictions:
            print(prediction)
    return 0


def _note(text):
    print(f"note: {text}", file=sys.stderr)


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.model is not None:
        if args.data is None:
            parser.error("--model needs --data: the rows to predict")
    elif (args.data is None) != (args.target is None):
        parser.error("--data and --target go together")
    if args.max_iter < 1:
        parser.error("--max-iter must be >= 1")
    if not 0 < args.test_size < 1:
        parser.error("--test-size must be in (0, 1)")
    if args.cv is not None and args.cv < 2:
        parser.error("--cv must be >= 2")

    try:
        if args.model is not None:
            return predict_with_saved_model(args)
        return train(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def train(args):
    from sklearn.metrics import accuracy_score, log_loss
    from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sktanhnet import TanhMLPClassifier

    sio = _skops() if args.save else None
    if args.plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
        except ImportError:
            raise InputError("--plot needs matplotlib: pip install 'sktanhnet[plot]'") from None
    X, y, feature_names, source = _load(args)
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise InputError(f"the target column needs at least two classes, found {len(classes)}")
    model = make_pipeline(
        StandardScaler(),
        TanhMLPClassifier(
            hidden_layer_sizes=args.hidden,
            solver=args.solver,
            max_iter=args.max_iter,
            random_state=args.random_state,
            verbose=not args.quiet and args.cv is None,
        ),
    )
    description = (
        f"TanhMLPClassifier(hidden_layer_sizes={args.hidden}, solver={args.solver!r}) on "
        f"{source}: {X.shape[1]} features, {len(classes)} classes"
    )

    if args.cv is not None:
        if counts.min() < args.cv:
            raise InputError(f"--cv {args.cv} needs at least {args.cv} rows of every class")
        print(f"Cross-validating {description}, {X.shape[0]} rows, {args.cv} folds")
        folds = StratifiedKFold(args.cv, shuffle=True, random_state=args.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = cross_val_score(model, X, y, cv=folds)
        print(f"cross-validated accuracy: {scores.mean():.4f} +/- {scores.std():.4f}")
        return 0

    stratify = y if counts.min() >= 2 else None
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=args.test_size, random_state=args.random_state, stratify=stratify
        )
    except ValueError as error:
        raise InputError(f"cannot split {source} into training and test sets: {error}") from None
    print(
        f"Training {description}: {X_train.shape[0]} training rows, {X_test.shape[0]} held-out rows"
    )
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    classifier = model[-1]
    proba = model.predict_proba(X_test)
    print(f"held-out accuracy: {accuracy_score(y_test, model.predict(X_test)):.4f}")
    print(f"held-out log-loss: {log_loss(y_test, proba, labels=classifier.classes_):.4f}")
    print(f"epochs: {classifier.n_iter_}")
    print(f"training time: {elapsed:.2f} s")
    if args.save:
        if feature_names is not None:
            _record_feature_names(model, feature_names)
        try:
            sio.dump(model, args.save)
        except OSError as error:
            raise InputError(f"cannot write {args.save}: {error.strerror or error}") from None
        print(f"saved the pipeline to {args.save}")
    if args.plot:
        from sktanhnet import TrainingCurveDisplay

        display = TrainingCurveDisplay.from_estimator(classifier)
        try:
            display.figure_.savefig(args.plot)
        except (OSError, ValueError) as error:
            raise InputError(f"cannot write {args.plot}: {error}") from None
        print(f"wrote the training curves to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
