"""The command line's options: the parser, its help, and the checks of what goes together."""

import argparse
import os
import re

import numpy as np

from .messages import EXIT_BAD_INPUT, InputError
from .numbers import MISSING

#: Whole-number targets with more distinct values than this are numbers to regress on.
MAX_CLASSES = 20


def _parse_hidden(text):
    try:
        sizes = tuple(int(part) for part in text.split(",")) if text.strip() else ()
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
        # "argument --hidden: --hidden needs ...": the option named once
        message = re.sub(r"^argument (\S+): (?=\1 )", "", message)
        self.exit(EXIT_BAD_INPUT, f"error: {message} (python -m sktanhnet --help lists them)\n")


def build_parser():
    from sktanhnet import __version__

    parser = _OneLineParser(
        prog="python -m sktanhnet",
        description="Train a TanhMLPClassifier (or TanhMLPRegressor) on scikit-learn's digits "
        "(diabetes) data or on a CSV file and report its held-out accuracy (R^2), or predict "
        "with a saved model.",
        epilog="A table is read with its separator (comma, semicolon or tab) found from its "
        "first lines; empty cells and "
        + ", ".join(sorted(token for token in MISSING if token))
        + " are missing values. Text "
        "feature columns are one-hot encoded, missing feature values filled in (numbers: the "
        "column's median; text: its most frequent value), numbers standardized: all inside the "
        "pipeline that --save writes. Rows with a missing target are left out, with a note.",
    )
    data = parser.add_argument_group("data")
    data.add_argument(
        "--data",
        metavar="FILE.csv",
        help="a table with a header row (comma-, semicolon- or tab-separated); its feature "
        "columns may hold numbers, text and missing values (default: scikit-learn's digits "
        "data)",
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
        "TanhMLPRegressor (default data: diabetes); auto: classification for a --target of "
        f"text labels or of at most {MAX_CLASSES} distinct whole numbers, regression for other "
        "numbers (fractions, or more distinct whole numbers) and with --loss; a note names "
        "the choice (default: %(default)s)",
    )
    model.add_argument(
        "--loss",
        choices=["squared_error", "poisson"],
        default="squared_error",
        help="the regression loss: poisson (exp output) for counts or rates >= 0 "
        "(default: %(default)s)",
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
        "regressor's prediction, one column per target) (default: print the predictions, or with "
        "--target only the score)",
    )
    parser.add_argument("--version", action="version", version=f"sktanhnet {__version__}")
    return parser


# The options that shape or report a training run: none of them applies to --model.
TRAINING_OPTIONS = [
    "--task",
    "--loss",
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
    "--save",
    "--plot",
]


def given_options(argv):
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
    if "--loss" in given and args.task == "classification":
        raise InputError(
            f"--loss {args.loss} cannot go with --task classification: it is a regression loss"
        )
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
    for option, path in {**inputs, **outputs}.items():
        if path is not None and not path.strip():
            raise InputError(f"{option} needs a file name; got an empty one")
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
        _check_writable(path)
        seen[option] = path


def _check_writable(path):
    """Refuse, before any training, a file that cannot be written: a new one is created and
    removed again, an existing one left as it is."""
    try:
        if os.path.exists(path):
            if not os.access(path, os.W_OK):
                raise PermissionError(13, "Permission denied")
        else:
            open(path, "x").close()
            os.remove(path)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
