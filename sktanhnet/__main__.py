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


def load_csv(path, target):
    """Numeric features and the target column (None: no target) of a CSV with a header row."""
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
    if target is not None and target not in header:
        raise InputError(f"column {target!r} not found in {path}; columns: {', '.join(header)}")
    target_index = header.index(target) if target is not None else -1
    feature_names = [name for i, name in enumerate(header) if i != target_index]
    if not feature_names:
        raise InputError(f"{path} has no feature columns")
    features, labels = [], []
    for line_number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}, line {line_number}: {len(row)} fields, the header has {len(header)}"
            )
        values = []
        for i, cell in enumerate(row):
            if i == target_index:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise InputError(
                    f"{path}, line {line_number}: non-numeric value {cell!r} in feature "
                    f"column {header[i]!r}; features must be numbers"
                ) from None
            if not np.isfinite(value):
                raise InputError(
                    f"{path}, line {line_number}: {cell!r} in column {header[i]!r} is not finite"
                )
            values.append(value)
        features.append(values)
        if target is not None:
            labels.append(row[target_index].strip())
    labels = np.array(labels)
    try:  # numeric labels stay numbers
        labels = labels.astype(np.int64) if all(v.lstrip("-").isdigit() for v in labels) else labels
    except ValueError:
        pass
    return np.array(features, dtype=np.float64), labels


def _load(args):
    """X, y and a description of the data: the user's CSV or scikit-learn's digits."""
    if args.data is None:
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return X, y, "scikit-learn's digits data"
    X, y = load_csv(args.data, args.target)
    return X, y, args.data


def _skops():
    try:
        import skops.io
    except ImportError:
        raise InputError(
            "saving and loading models needs skops: pip install 'sktanhnet[skops]'"
        ) from None
    return skops.io


def predict_with_saved_model(args):
    """--model: load a saved pipeline, trusting only sktanhnet's own types, and predict."""
    sio = _skops()
    try:
        untrusted = sio.get_untrusted_types(file=args.model)
    except FileNotFoundError:
        raise InputError(f"cannot read {args.model}: No such file or directory") from None
    except Exception as error:  # skops raises several kinds for a file that is not its format
        raise InputError(f"{args.model} is not a model saved with skops: {error}") from None
    unexpected = [name for name in untrusted if not name.startswith("sktanhnet.")]
    if unexpected:
        raise InputError(f"{args.model} holds types that are not trusted: {', '.join(unexpected)}")
    model = sio.load(args.model, trusted=untrusted)
    X, y = load_csv(args.data, args.target)
    expected = getattr(model, "n_features_in_", X.shape[1])
    if X.shape[1] != expected:
        raise InputError(
            f"{args.data} has {X.shape[1]} feature columns, the model expects {expected}"
        )
    predictions = model.predict(X)
    if args.target is not None:
        from sklearn.metrics import accuracy_score

        y = y.astype(predictions.dtype) if predictions.dtype.kind in "iufb" else y
        print(f"accuracy: {accuracy_score(y, predictions):.4f}")
    else:
        for prediction in predictions:
            print(prediction)
    return 0


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
    X, y, source = _load(args)
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
