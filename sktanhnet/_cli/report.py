"""Reporting: the held-out scores, the epochs, saving the pipeline, and the training curves."""

import io
import logging
import os
import warnings
from contextlib import contextmanager

import numpy as np

from .messages import InputError, note, warn


def report_held_out(model, X_test, y_test, seen):
    """Print the held-out scores: accuracy and log-loss, or a regressor's R^2, RMSE and MAE."""
    from sklearn.base import is_regressor
    from sklearn.metrics import log_loss

    if is_regressor(model):
        report_regression(model, y_test, model.predict(X_test), "held-out ")
        return
    print(f"held-out accuracy: {model.score(X_test, y_test):.4f}")
    if seen.any():
        proba = model.predict_proba(X_test[seen])
        log_loss_value = log_loss(y_test[seen], proba, labels=model[-1].classes_)
        print(f"held-out log-loss: {log_loss_value:.4f}")


def report_regression(model, y, prediction, prefix):
    """Print R^2, RMSE and MAE of the predictions (and the mean Poisson deviance of a Poisson
    model), each line starting with ``prefix``.

    R^2 needs two rows and a target that varies: otherwise it is undefined (printed as nan)
    and a warning says so (scikit-learn's r2_score gives 0 or 1 for a constant target).
    """
    from sklearn.metrics import (
        mean_absolute_error,
        mean_poisson_deviance,
        mean_squared_error,
        r2_score,
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r2 = r2_score(y, prediction)
    for warning in caught:
        warn(warning.message)
    if len(y) > 1 and (y == y[0]).all():
        warn(f"R^2 is undefined where every target is the same ({y[0]:g})")
        r2 = float("nan")
    print(f"{prefix}R^2: {r2:.4f}")
    print(f"{prefix}RMSE: {np.sqrt(mean_squared_error(y, prediction)):.4f}")
    print(f"{prefix}MAE: {mean_absolute_error(y, prediction):.4f}")
    if getattr(network_of(model), "loss", None) == "poisson" and (y >= 0).all():
        print(f"{prefix}mean Poisson deviance: {mean_poisson_deviance(y, prediction):.4f}")


def network_of(model, fitted=True):
    """The TanhMLPClassifier or TanhMLPRegressor of a pipeline the command line built."""
    step = model[-1] if hasattr(model, "steps") else model
    if hasattr(step, "regressor"):  # TransformedTargetRegressor
        return step.regressor_ if fitted else step.regressor
    return step


def print_iterations(estimator):
    """The number of epochs, or of L-BFGS iterations."""
    kind = "iterations" if estimator.solver == "lbfgs" else "epochs"
    print(f"{kind}: {estimator.n_iter_}")


def skops_io():
    try:
        import skops.io
    except ImportError:
        raise InputError(
            'saving and loading models needs skops: pip install ".[skops]" (from a clone)'
        ) from None
    return skops.io


def save(sio, model, feature_names, path):
    """Save the pipeline with skops; trained on a table, with its columns' names.

    ``feature_names_in_`` (a Pipeline's is its first step's) is what ``--model`` reads to pick
    columns by name. It is set by hand because scikit-learn takes names only from DataFrames, and
    the command line does not need pandas. An object array of str, as scikit-learn stores it: skops
    saves it without any type to trust.
    """
    if feature_names is not None:
        model[0].feature_names_in_ = np.asarray(feature_names, dtype=object)
    # verbose was the command line's progress: a user who refits the loaded pipeline asks anew
    step = model[-1]
    for network in (step.regressor, step.regressor_) if hasattr(step, "regressor_") else (step,):
        network.set_params(verbose=False)
    try:
        sio.dump(model, path)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
    print(f"saved the pipeline to {path}")
    if not path.lower().endswith(".skops"):  # out.pkl: pickle.load would not read it
        note(f"{path} is a skops file, whatever its name: read it with skops.io.load or --model")


def check_plot_file(path):
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
    # a format may need more than matplotlib (.pgf: a LaTeX installation): tried before training
    from matplotlib.figure import Figure

    trial = Figure(figsize=(1, 1))
    trial.text(0.5, 0.5, "loss")
    try:
        with _quiet_backends():
            trial.savefig(io.BytesIO(), format=extension)
    except Exception as error:
        raise InputError(
            f"--plot {path}: matplotlib cannot write .{extension} here: {_first_line(error)}"
        ) from None


@contextmanager
def _quiet_backends():
    """Without the PostScript backend's log line on transparency (drawn opaque): not the user's
    to act on."""
    logger = logging.getLogger("matplotlib.backends.backend_ps")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _plain_text(text):
    """``text`` as matplotlib draws it verbatim: no math between dollar signs, and any byte of a
    file name that is not UTF-8 shown as a replacement character."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("$", r"\$")


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

    loss, score = ("log-loss", "accuracy")
    if is_regressor(runs[0][1]):
        poisson = runs[0][1].loss == "poisson"
        loss, score = ("half Poisson deviance" if poisson else "half squared error"), "R^2"
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
    figure.suptitle(_plain_text(title), fontsize="medium")
    try:
        with _quiet_backends():
            figure.savefig(path, bbox_inches="tight", dpi=100)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot write {path}: {_first_line(error)}") from None
    finally:
        plt.close(figure)


def _epochs(curve):
    return range(1, len(curve) + 1)
