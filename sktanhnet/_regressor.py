"""TanhMLPRegressor: real targets, the squared-error and Poisson heads, on the shared base.

Everything else (fit and partial_fit, validation data, history, namespaces, chunked prediction)
is ``BaseTanhMLP``'s, in ``_base.py``; the two heads and their losses are ``_network``'s (h3, h4).
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import xlogy
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from . import _network
from ._base import BaseTanhMLP, _restore_on_error
from ._docs import fill_docstring
from ._host import host_input, to_numpy
from ._network import EXP, IDENTITY
from ._validation import check_sample_weight

#: The output head of each loss: its canonical link's inverse.
OUT_ACTIVATIONS = {"squared_error": IDENTITY, "poisson": EXP}


def _holds_numbers(y):
    """Whether ``y`` (any array-like, sparse or of another namespace) converts to floats."""
    try:
        values = y.data if sp.issparse(y) else host_input(y, "y")
        np.asarray(values, dtype=np.float64)
    except (ValueError, TypeError):
        return False
    return True


@fill_docstring
class TanhMLPRegressor(RegressorMixin, BaseTanhMLP):
    """Multi-layer perceptron regressor with tanh hidden layers.

    A drop-in replacement for ``MLPRegressor(activation="tanh")``: same parameter names,
    defaults and fitted attributes, and for the same seed the same model, with the network, its
    loss and its backpropagation written by hand on one flat parameter vector. The output is
    the identity with the squared error (``loss="squared_error"``) or exp with the Poisson
    deviance (``loss="poisson"``), for one target or several. It adds a chosen early-stopping
    ``scoring``, a given validation set (``X_val``, ``y_val``) and ``validation_loss_curve_``.
    ``hidden_layer_sizes`` and ``activation`` are its only positional parameters, where
    ``MLPRegressor`` takes ``loss`` first: pass ``loss`` by keyword.

    "The same model" is to rounding: in float64, equal to 1e-10 over whole adam and sgd runs and
    short L-BFGS runs; a long L-BFGS run amplifies rounding, as ``MLPRegressor``'s own does from
    one machine to another, and gives a model of the same quality rather than the same weights
    (the user guide's "Differences").

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        The ith element is the number of neurons in the ith hidden layer. An empty tuple gives
        a linear (or, with "poisson", a log-linear) model.

    <activation parameter>

    loss : {"squared_error", "poisson"}, default="squared_error"
        "squared_error": half the squared error, averaged over the rows and the targets, with
        an identity output; "poisson": half the Poisson deviance, with an exp output, for
        targets >= 0 (counts, rates). As in ``MLPRegressor``.

    <solver parameters>

    early_stopping : bool, default=False
        Stop when the validation score stops improving and keep the best epoch's weights. The
        validation data is ``X_val, y_val`` when given to ``fit``, else a random
        ``validation_fraction`` of the training data. Only with "sgd" and "adam", as in
        scikit-learn: "lbfgs" ignores it.

    <stopping parameters>

    scoring : str, callable or None, default=None
        What early stopping monitors on the validation data: None is the R^2 (as
        ``MLPRegressor``), "loss" the training loss's definition (recorded negated, so that
        higher is better), or any scikit-learn scorer name or callable
        ``scorer(estimator, X, y)``: one that takes no ``sample_weight`` keyword scores
        without the rows' weights (with a warning).

    Attributes
    ----------
    <fitted attributes>

    validation_loss_curve_ : list of float or None
        Validation loss (the training loss's definition, without the L2 term) after each epoch
        (or L-BFGS iteration), when there is validation data; aligned with ``loss_curve_`` as
        ``validation_scores_`` is.

    <layer attributes>

    n_outputs_ : int
        Number of targets.

    out_activation_ : str
        "identity" (``loss="squared_error"``) or "exp" (``loss="poisson"``).

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The multi-layer perceptron of scikit-learn.
    TanhMLPClassifier : The same network for classification.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sktanhnet import TanhMLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    >>> reg = TanhMLPRegressor(solver="lbfgs", max_iter=500, random_state=0).fit(X, y / 100)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> round(reg.score(X, y / 100), 2)
    1.0
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="tanh",
        *,
        loss="squared_error",
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        scoring=None,
    ):
        self._store_params(locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        poisson = self.loss == "poisson"
        tags.target_tags.positive_only = poisson
        # Several targets are fitted with either loss. With "poisson" the tag stays False, as
        # MLPRegressor's for both losses: scikit-learn's check_regressor_multioutput fits
        # negative targets, ignoring positive_only, and Poisson regression refuses them.
        tags.target_tags.multi_output = not poisson
        return tags

    _default_score_name = "R^2"
    _y_numeric = True

    # ------------------------------------------------------------------ targets

    def _validate_X_y(self, X, y, reset, ops):
        try:
            return super()._validate_X_y(X, y, reset, ops)
        except ValueError as error:
            if "could not convert" not in str(error) or _holds_numbers(y):
                raise  # X's fault (a text column), or another: scikit-learn's words alone
            raise ValueError(  # scikit-learn's words (numpy's), then ours
                f"{error}. y must hold numbers for {type(self).__name__}; for class labels, "
                "use TanhMLPClassifier."
            ) from error

    def _check_targets(self, y):
        if y.dtype.kind not in "biuf":
            raise ValueError(
                f"y must hold numbers for {type(self).__name__}, got an array of dtype "
                f"{y.dtype} (for instance {y.ravel()[:3].tolist()}). For class labels, use "
                "TanhMLPClassifier."
            )
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has 0 columns: at least one target is required.")
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(
                "Some value(s) of y are negative, which is not allowed for Poisson regression "
                "(loss='poisson'): its targets are counts or rates, >= 0. Use "
                "loss='squared_error' for targets of any sign."
            )

    def _prepare_targets(self, y, first_pass, incremental, classes, dtype):
        if first_pass:
            self.out_activation_ = OUT_ACTIVATIONS[self.loss]
        elif OUT_ACTIVATIONS[self.loss] != self.out_activation_:
            raise ValueError(
                f"loss={self.loss!r} needs the {OUT_ACTIVATIONS[self.loss]!r} output, but the "
                f"model has the {self.out_activation_!r} output of its first fit. Refit with "
                "warm_start=False (or call fit before partial_fit) to change the loss."
            )
        target = _target_matrix(y, dtype)
        if not first_pass and target.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {target.shape[1]} target(s) but the model was fitted on "
                f"{self.n_outputs_}: pass the same targets, or "
                + (
                    "call fit to train a new model."
                    if incremental
                    else "refit with warm_start=False."
                )
            )
        return target, target.shape[1]

    @available_if(BaseTanhMLP._check_partial_fit)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with _restore_on_error(self):
            return self._fit(X, y, sample_weight, incremental=True)

    # ------------------------------------------------------------------ validation data

    def _encode_validation(self, y_val, sample_weight_val, dtype, target=None, weight=None):
        target = _target_matrix(y_val, dtype)
        if target.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y_val has {target.shape[1]} target(s) but y has {self.n_outputs_}: pass "
                "validation targets of the same columns."
            )
        return target, sample_weight_val

    def _output(self, X, weights, layout, ops, check_finite=False):
        def transform(coefs, intercepts, X_chunk, activations, first):
            return _network.forward(
                coefs, intercepts, X_chunk, activations, self.out_activation_, ops, first
            )

        return self._forward_chunks(X, weights, layout, ops, transform, check_finite=check_finite)

    def _validation_loss(self, output, target, sample_weight):
        return regression_loss(target, output, sample_weight, self.loss)

    def _default_score(self, output, target, sample_weight):
        if not np.isfinite(output).all():
            return float("nan")  # MLPRegressor's validation score for non-finite predictions
        return float(r2_score(target, output, sample_weight=sample_weight))

    # ------------------------------------------------------------------ prediction

    def predict(self, X):
        """Predicted target(s) of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One column per target; 1-D for a single target, as in ``MLPRegressor``. In X's
            namespace and on its device, in the dtype of X and the weights.
        """
        X, layout, ops = self._prediction_input(X, "predict")
        output = self._output(X, (self.coefs_, self.intercepts_), layout, ops, check_finite=True)
        self._check_output(output, ops, finite=True)
        return output[:, 0] if output.shape[1] == 1 else output

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the predictions (averaged over the targets).

        Unlike ``RegressorMixin.score``, rejects the sample weights that ``fit`` rejects
        (negative, all zero, non-finite), rather than returning a meaningless number.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets of X.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.

        Returns
        -------
        score : float
            R^2 of ``self.predict(X)`` with respect to ``y``.
        """
        y_pred = to_numpy(self.predict(X))  # scored on the host, whatever the namespace
        sample_weight = check_sample_weight(sample_weight, y_pred.shape[0])
        return float(r2_score(host_input(y, "y"), y_pred, sample_weight=sample_weight))


def _target_matrix(y, dtype):
    """Targets as the network takes them: an (n, k) C-ordered matrix of its dtype."""
    target = np.asarray(y, dtype=dtype)
    return np.ascontiguousarray(target.reshape(len(target), -1))


def regression_loss(target, prediction, sample_weight, loss):
    """scikit-learn's ``squared_loss`` or ``poisson_loss`` of (n, k) host arrays (h3, h4)."""
    if loss == "squared_error":
        return float(
            0.5 * np.average((target - prediction) ** 2, weights=sample_weight, axis=0).mean()
        )
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        deviance = xlogy(target, target / prediction) - target + prediction
    return float(np.average(deviance, weights=sample_weight, axis=0).sum())
