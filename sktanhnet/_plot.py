"""TrainingCurveDisplay: the training curves of a fitted network, in scikit-learn's Display style.

matplotlib is imported only when a curve is drawn, so the core package never needs it
(``pip install ".[plot]"`` from a clone).
"""

import numpy as np
from sklearn.base import is_regressor
from sklearn.utils.validation import check_is_fitted

#: The left axis's label for a regressor's ``loss`` (the halves are scikit-learn's definitions).
LOSS_NAMES = {"squared_error": "Half squared error", "poisson": "Half Poisson deviance"}


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            'TrainingCurveDisplay needs matplotlib: pip install ".[plot]" from a clone '
            "(or pip install matplotlib)."
        ) from error
    return plt


def _final_estimator(estimator):
    """The estimator itself, or the last step of a Pipeline."""
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list) and steps:
        return steps[-1][1]
    return estimator


class TrainingCurveDisplay:
    """Training curves of a fitted network: loss per epoch, validation score and loss.

    The training loss (``loss_curve_``) and, when the model was validated during training, the
    validation log-loss (``validation_loss_curve_``) share the left axis; the validation score
    (``validation_scores_``) has its own axis on the right, since it lives on another scale.

    Create it with :meth:`from_estimator`; the constructor is for curves you already hold.
    Needs matplotlib (``pip install ".[plot]"`` from a clone), imported only when plotting.

    Parameters
    ----------
    loss_curve : list of float
        Training loss after each epoch (or L-BFGS iteration).

    validation_scores : list of float or None, default=None
        Validation score after each epoch.

    validation_loss_curve : list of float or None, default=None
        Validation log-loss after each epoch.

    estimator_name : str or None, default=None
        Name of the estimator, used in the title.

    score_name : str, default="Validation score"
        Label of the validation score curve.

    x_label : str, default="Epoch"
        Label of the horizontal axis.

    loss_name : str, default="Log-loss"
        Label of the left axis: what the losses are.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes of the training and validation losses.

    score_ax_ : matplotlib Axes or None
        Right-hand axes of the validation score (None without validation scores).

    figure_ : matplotlib Figure
        Figure holding the axes.

    loss_line_ : matplotlib Line2D
        Training loss curve.

    validation_loss_line_ : matplotlib Line2D or None
        Validation loss curve (None without validation losses).

    validation_score_line_ : matplotlib Line2D or None
        Validation score curve (None without validation scores).

    lines_ : list of matplotlib Line2D
        Every line drawn, in the order above.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Score against the number of training rows.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sktanhnet import TanhMLPClassifier, TrainingCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = TanhMLPClassifier((10,), max_iter=20, early_stopping=True, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf)
    >>> [line.get_label() for line in display.lines_]
    ['Training loss (with the L2 term)', 'Validation loss', 'Validation accuracy']
    >>> display.figure_.savefig("curves.png")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_scores=None,
        validation_loss_curve=None,
        estimator_name=None,
        score_name="Validation score",
        x_label="Epoch",
        loss_name="Log-loss",
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.validation_loss_curve = validation_loss_curve
        self.estimator_name = estimator_name
        self.score_name = score_name
        self.x_label = x_label
        self.loss_name = loss_name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        loss_kw=None,
        validation_loss_kw=None,
        validation_score_kw=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure and axes.

        name : str, default=None
            Title of the plot; None uses ``estimator_name``.

        loss_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the training loss.

        validation_loss_kw : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation loss.

        validation_score_kw : dict, default=None
            Keyword arguments of ``plot`` for the validation score.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with ``ax_``, ``figure_`` and the lines set.
        """
        plt = _pyplot()
        _check_curves(self)
        if ax is None:
            _, ax = plt.subplots()
        elif not isinstance(ax, plt.Axes):
            hint = " (index it: ax[0])" if isinstance(ax, (np.ndarray, list, tuple)) else ""
            raise TypeError(f"ax must be one matplotlib Axes; got {type(ax).__name__}{hint}.")

        epochs = range(1, len(self.loss_curve) + 1)
        (self.loss_line_,) = ax.plot(
            epochs, self.loss_curve, **{"label": "Training loss", **(loss_kw or {})}
        )
        self.lines_ = [self.loss_line_]

        self.validation_loss_line_ = None
        if self.validation_loss_curve is not None:
            (self.validation_loss_line_,) = ax.plot(
                range(1, len(self.validation_loss_curve) + 1),
                self.validation_loss_curve,
                **{"label": "Validation loss", "linestyle": "--", **(validation_loss_kw or {})},
            )
            self.lines_.append(self.validation_loss_line_)
        ax.set_xlabel(self.x_label)
        ax.set_ylabel(self.loss_name)

        self.score_ax_ = None
        self.validation_score_line_ = None
        handles = list(self.lines_)
        if self.validation_scores is not None:
            self.score_ax_ = ax.twinx()
            (self.validation_score_line_,) = self.score_ax_.plot(
                range(1, len(self.validation_scores) + 1),
                self.validation_scores,
                **{"label": self.score_name, "color": "C2", **(validation_score_kw or {})},
            )
            self.score_ax_.set_ylabel(self.score_name)
            self.lines_.append(self.validation_score_line_)
            handles.append(self.validation_score_line_)

        ax.legend(handles=handles, labels=[line.get_label() for line in handles], loc="best")
        title = name if name is not None else self.estimator_name
        if title is not None:
            ax.set_title(title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Draw the training curves of a fitted estimator.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~sktanhnet.TanhMLPClassifier` or
            :class:`~sktanhnet.TanhMLPRegressor` (or any estimator with ``loss_curve_``, such
            as scikit-learn's ``MLPClassifier`` and ``MLPRegressor``), or a ``Pipeline``
            ending in one.

        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure and axes.

        name : str, default=None
            Title of the plot; None uses the estimator's class name.

        **kwargs : dict
            Passed to :meth:`plot` (``loss_kw``, ``validation_loss_kw``,
            ``validation_score_kw``).

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with ``ax_``, ``figure_`` and the lines set.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        """
        check_is_fitted(estimator)
        model = _final_estimator(estimator)
        check_is_fitted(model)
        loss_curve = getattr(model, "loss_curve_", None)
        if loss_curve is None:
            raise ValueError(
                f"{type(model).__name__} has no loss_curve_: there is no training curve to "
                "draw. TrainingCurveDisplay draws the curves of a fitted network."
            )
        if len(loss_curve) == 0:
            raise ValueError(
                f"{type(model).__name__}'s loss_curve_ is empty: its training stopped before "
                "its first epoch (L-BFGS whose gradient was already below tol), so there is no "
                "curve to draw."
            )
        scoring = getattr(model, "scoring", None)
        if is_regressor(model):
            loss_name = LOSS_NAMES.get(getattr(model, "loss", None), "Loss")
            default_score = "R^2"
        else:
            loss_name, default_score = "Log-loss", "accuracy"
        if scoring == "loss":
            score_name = f"Validation score (negated {loss_name.lower()})"
        elif isinstance(scoring, str):
            score_name = f"Validation score ({scoring})"
        elif scoring is None:
            score_name = f"Validation {default_score}"
        else:
            score_name = "Validation score"
        display = cls(
            loss_curve=list(loss_curve),
            validation_scores=getattr(model, "validation_scores_", None),
            validation_loss_curve=getattr(model, "validation_loss_curve_", None),
            estimator_name=type(model).__name__,
            score_name=score_name,
            x_label="Iteration" if getattr(model, "solver", None) == "lbfgs" else "Epoch",
            loss_name=loss_name,
        )
        if display.validation_loss_curve is not None and getattr(model, "alpha", 0) > 0:
            # the training loss holds the L2 term, the validation loss not: said beside them
            label = {"label": "Training loss (with the L2 term)"}
            kwargs["loss_kw"] = {**label, **(kwargs.get("loss_kw") or {})}
        return display.plot(ax=ax, name=name, **kwargs)


def _check_curves(display):
    """One clear error where a curve is not a 1-D sequence of numbers, or a validation curve
    has more epochs than the training loss (they share its epochs)."""
    lengths = {}
    for name in ("loss_curve", "validation_loss_curve", "validation_scores"):
        curve = getattr(display, name)
        if curve is None and name != "loss_curve":
            continue
        try:
            values = np.asarray(curve, dtype=float)
        except (TypeError, ValueError):
            values = None
        if values is None or values.ndim != 1:
            raise ValueError(f"{name} must be a 1-D sequence of numbers; got {curve!r:.60}.")
        lengths[name] = len(values)
    if not lengths["loss_curve"]:
        raise ValueError("loss_curve is empty: there is no epoch to draw.")
    for name in ("validation_loss_curve", "validation_scores"):
        if lengths.get(name, 0) > lengths["loss_curve"]:
            raise ValueError(
                f"{name} has {lengths[name]} epochs but loss_curve {lengths['loss_curve']}: "
                "each validation value belongs to an epoch of the training loss."
            )
