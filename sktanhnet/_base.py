"""What TanhMLPClassifier and TanhMLPRegressor share: one estimator base around the network.

``BaseTanhMLP`` owns the orchestration of ``fit`` and ``partial_fit`` (parameters, input
validation, the weights' start or reuse, the optimizer, the training loop and its settings), the
validation data (a given ``X_val`` or the early-stopping split) and its per-epoch score and loss
(in its mixin, ``_validation_data.ValidationDataMixin``), the history of counters and curves,
the array namespace and device of X; prediction's checks and chunked forward pass are in
``_prediction.PredictionMixin``. The two
estimators add only what differs: the targets and how they are encoded, the output head, the
validation loss and default score, and what ``predict`` returns.

Hooks a subclass defines (each documented where it is declared): ``_check_targets``,
``_prepare_targets``, ``_split_rows``, ``_encode_validation``, ``_output``, ``_validation_loss``,
``_default_score``, and, when it needs them, ``_row_weights`` and ``_adjust_initial_params``.
"""

import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.metrics import get_scorer
from sklearn.utils import check_random_state
from sklearn.utils.validation import column_or_1d, validate_data

from . import _layout, _training
from ._array_ops import ops_for
from ._callbacks import CallbackSupportMixin, EpochCallbacks, with_callbacks
from ._compiled import describe
from ._host import host_input, to_numpy
from ._layout import ParameterLayout
from ._lbfgs import run_lbfgs
from ._optimizers import make_optimizer, unapplied_settings
from ._pickling import PicklingMixin
from ._prediction import PredictionMixin
from ._training import TrainingSettings, new_history, run_stochastic
from ._validation import (
    InvalidParameterError,
    aligned,
    check_no_missing_targets,
    check_sample_weight,
    layer_sizes,
    shown,
    validate_params,
)
from ._validation_data import ValidationDataMixin

STOCHASTIC_SOLVERS = ("sgd", "adam")


@contextmanager
def _restore_on_error(estimator):
    """On any exception, put back every attribute as it was: a failed call loses nothing.

    A shallow copy suffices because the fitting code never mutates an attribute's object in
    place: it trains on fresh copies of the weights, curves and optimizer state.
    """
    saved = dict(estimator.__dict__)
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(saved)
        raise


class BaseTanhMLP(
    ValidationDataMixin, PredictionMixin, CallbackSupportMixin, PicklingMixin, BaseEstimator
):
    """Base of the tanh multi-layer perceptrons: not for direct use.

    Subclasses define ``__init__`` with their parameters (each stored as given, by
    ``_store_params``) and the hooks named in the module's docstring.
    """

    #: What the validation score is called when ``scoring`` is None (for messages and plots).
    _default_score_name = "score"
    #: validate_data's y_numeric: regression targets are converted to float.
    _y_numeric = False
    #: How the message about missing target values starts (a classifier's: scikit-learn's).
    _missing_target_prefix = ""

    def _store_params(self, params):
        """Store each ``__init__`` argument as the attribute of its name, unchanged."""
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    # ------------------------------------------------------------------ checks

    def _validate_params(self):
        validate_params(self)
        if isinstance(self.scoring, str) and self.scoring != "loss":
            try:
                get_scorer(self.scoring)
            except ValueError as error:
                raise InvalidParameterError(
                    f"The 'scoring' parameter of {type(self).__name__} must be None, 'loss', "
                    f"the name of a scikit-learn scorer or a callable. Got {self.scoring!r}: "
                    f"{error}"
                ) from None

    def __sklearn_is_fitted__(self):
        return hasattr(self, "coefs_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags

    def _hidden_sizes(self):
        return layer_sizes(self.hidden_layer_sizes)  # checked by _validate_params

    def _validate_X_y(self, X, y, reset, ops):
        """Validated X (CSR if sparse) and y (1-D, or 2-D with several columns), checked."""
        y = host_input(y, "y")
        check_no_missing_targets(y, prefix=self._missing_target_prefix)
        X, y = validate_data(
            self,
            ops.input_array(X, "X"),
            y,  # y follows X: targets are checked on the host, then moved to X's device
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=self._y_numeric,
            dtype=ops.float_dtypes,
            reset=reset,
        )
        if reset:  # as MLPClassifier's label binarizer: predict then returns CSR (multilabel)
            self._sparse_y = sp.issparse(y) and ops.is_numpy
        if sp.issparse(y):
            y = y.toarray()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        self._check_targets(y)
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()  # row batches are cheap in CSR
        return aligned(X), y

    def _check_targets(self, y):
        """Raise ValueError where y (validated, 1-D or 2-D) cannot be this estimator's target."""
        raise NotImplementedError

    # ------------------------------------------------------------------ fitting

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the model to the data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets: class labels or a binary indicator matrix (classification), real
            numbers (regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row, relative to the other rows of its mini-batch ("adam", "sgd";
            the whole data with "lbfgs"), as in scikit-learn. The L2 term is divided by the
            weights' sum: scaling every weight by c acts as ``alpha / c``.
        X_val, y_val : array-like, default=None
            Validation data: used instead of a split of X for early stopping, and recorded in
            ``validation_scores_`` and ``validation_loss_curve_`` after each epoch (with
            ``solver="lbfgs"``, which has no early stopping, after each iteration).
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weight of each validation row.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with _restore_on_error(self):
            return self._fit(
                X,
                y,
                sample_weight,
                incremental=False,
                validation=(X_val, y_val, sample_weight_val),
            )

    def _check_partial_fit(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} is not "
                "stochastic. Use solver='sgd' or solver='adam'."
            )
        return True

    @with_callbacks
    def _fit(self, X, y, sample_weight, incremental, classes=None, validation=(None,) * 3):
        self._validate_params()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        ops = ops_for(X)  # X's namespace and device, for everything below
        X, y = self._validate_X_y(X, y, reset=first_pass, ops=ops)
        n_samples = X.shape[0]
        sample_weight = check_sample_weight(sample_weight, n_samples)
        to_host = None if ops.is_numpy else (lambda array: np.array(to_numpy(array)))
        callbacks = EpochCallbacks(
            self, X, y, sample_weight, 1 if incremental else self.max_iter, to_host=to_host
        )
        dtype = X.dtype
        ops.prepare(dtype)  # a compiled kernel set compiles (or loads) its kernels here
        if self.verbose and first_pass:
            print(f"Kernels: {describe(ops)}")
        host_dtype = ops.host_dtype(dtype)  # X's, on NumPy: targets are encoded on the host
        target, n_outputs = self._prepare_targets(y, first_pass, incremental, classes, host_dtype)
        user_weight = sample_weight  # what "balanced" class weights count, as the rows' weights
        sample_weight = self._row_weights(target, sample_weight, incremental)

        layout = ParameterLayout([X.shape[1], *self._hidden_sizes(), n_outputs])
        random_state = check_random_state(self.random_state)
        stochastic = self.solver in STOCHASTIC_SOLVERS
        if first_pass:
            params = _layout.init_params(layout, random_state, dtype, ops)
            if not incremental:
                self._adjust_initial_params(layout, params, target, sample_weight, ops)
            history = new_history()
            optimizer_state = None
        else:
            try:
                params = layout.pack(self.coefs_, self.intercepts_, dtype, ops)
            except ValueError as error:
                raise self._other_shape_error(error, X.shape[1], incremental) from None
            history = self._history()
            reuse = incremental and getattr(self, "_optimizer_state", None)
            optimizer_state = self._optimizer_state if reuse else None
        if stochastic:
            optimizer = self._make_optimizer(layout.size, dtype, optimizer_state, ops)

        # From here on the estimator's attributes describe the model being trained, so that a
        # scorer can call predict on it after each epoch; _restore_on_error undoes it all.
        self.n_outputs_ = n_outputs
        self.n_layers_ = layout.n_layers + 1
        self.coefs_, self.intercepts_ = layout.views(params, ops)
        # The targets follow X to its namespace and device; the weights stay on the host, where
        # the training loops divide them by their sums (``_training.relative_weights``).
        device_target = target
        if not ops.is_numpy:
            device_target = ops.asarray(target, None if target.ndim == 1 else dtype)

        if stochastic:
            if self.early_stopping and incremental:
                raise ValueError("partial_fit does not support early_stopping=True.")
            if optimizer_state is not None:
                unapplied_settings(self.solver, self.get_params(deep=False), optimizer_state)
            # a loss exploding is measured over this fit, or this run of partial_fit calls
            start = getattr(self, "_partial_fit_start", None) if incremental else None
            history["run_start"] = len(history["loss_curve"]) if start is None else start
            self._partial_fit_start = history["run_start"] if incremental else None
        # L-BFGS has no early stopping (as in scikit-learn): validation data given to fit is
        # only recorded, and X is never split.
        rows, validate = self._validation(
            X,
            y,
            target,
            sample_weight,
            validation,
            random_state,
            layout,
            ops,
            user_weight,
            split=stochastic,
        )
        if stochastic:
            n_train = n_samples if rows is None else len(rows)
            if self.batch_size == "auto":
                batch_size = min(200, n_train)
            else:
                if self.batch_size > n_train:
                    warnings.warn(
                        "Got `batch_size` less than 1 or larger than sample size. It is going "
                        "to be clipped"
                    )
                batch_size = int(np.clip(self.batch_size, 1, n_train))
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                run_stochastic(
                    layout,
                    params,
                    X,
                    device_target,
                    sample_weight,
                    self._training_settings(batch_size, incremental),
                    rows=rows,
                    optimizer=optimizer,
                    history=history,
                    random_state=random_state,
                    validate=validate,
                    on_epoch=callbacks,
                    ops=ops,
                )
            self._optimizer_state = optimizer.state()
        else:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                run_lbfgs(
                    layout,
                    params,
                    X,
                    device_target,
                    sample_weight,
                    self._training_settings(None, incremental),
                    history=history,
                    validate=validate,
                    on_epoch=callbacks,
                    ops=ops,
                )
            self._optimizer_state = self._partial_fit_start = None
        self._commit_history(history, stochastic and self.early_stopping)
        callbacks.close()
        return self

    def _prepare_targets(self, y, first_pass, incremental, classes, dtype):
        """(target as the network takes it, number of outputs); sets ``out_activation_``.

        ``y`` is validated; ``dtype`` is the network's, as a NumPy dtype. On the first pass this
        learns what it must of y (the classes); later it checks that y matches what was learned.
        """
        raise NotImplementedError

    def _row_weights(self, target, sample_weight, incremental):
        """The weight of each row in the loss (None: all equal). Default: ``sample_weight``."""
        return sample_weight

    def _adjust_initial_params(self, layout, params, target, sample_weight, ops):
        """Change freshly drawn initial weights in place, before a fit. Default: nothing."""

    def _training_settings(self, batch_size, incremental):
        """The parameters that the training loops read, in one object."""
        return TrainingSettings(
            alpha=self.alpha,
            out_activation=self.out_activation_,
            max_iter=self.max_iter,
            tol=self.tol,
            verbose=self.verbose,
            batch_size=batch_size,
            shuffle=self.shuffle,
            n_iter_no_change=self.n_iter_no_change,
            early_stopping=self.early_stopping,
            incremental=incremental,
            max_fun=self.max_fun,
        )

    def _other_shape_error(self, error, n_features, incremental):
        """The error of a warm fit or partial_fit whose network (its parameters, X's features)
        is not the one of the weights it continues (``error``: the layout's, naming them)."""
        return ValueError(
            "The weights of the previous fit do not fit the network of the current parameters "
            f"(hidden_layer_sizes={shown(self.hidden_layer_sizes)}, and X's {n_features} "
            "features): "
            f"{error} "
            + (
                "partial_fit can only continue the previous network: call fit to train one of "
                "the new shape."
                if incremental
                else "Refit with warm_start=False."
            )
        )

    def _make_optimizer(self, n_params, dtype, state, ops):
        """The solver's optimizer, or the one whose ``state`` that is, continued with the
        settings it was made with (``_optimizers.make_optimizer``)."""
        params = self.get_params(deep=False)
        return make_optimizer(self.solver, params, n_params, dtype, state, ops)

    #: (fitted attribute, history key) of the curves, which continue from one call to the next.
    _CURVES = (
        ("loss_curve_", "loss_curve"),
        ("validation_scores_", "validation_scores"),
        ("validation_loss_curve_", "validation_loss_curve"),
    )

    def _history(self):
        """A fresh copy of the counters and curves, to continue training from."""
        history = new_history()
        history["t"] = getattr(self, "t_", 0)
        for attribute, key in self._CURVES:
            history[key] = list(getattr(self, attribute, None) or [])
        for attribute, key in (
            ("best_loss_", "best_loss"),
            ("best_validation_score_", "best_validation_score"),
        ):
            if getattr(self, attribute, None) is not None:
                history[key] = getattr(self, attribute)
        history["no_improvement_count"] = getattr(self, "_no_improvement_count", 0)
        return history

    def _commit_history(self, history, early_stopping):
        """Fitted attributes of the types of scikit-learn's MLP's (NumPy losses, float scores)."""
        self.n_iter_ = history["n_iter"]
        self.t_ = history["t"]
        self.loss_ = None if history["loss"] is None else np.float64(history["loss"])
        self.loss_curve_ = [np.float64(loss) for loss in history["loss_curve"]]
        self.best_loss_ = None if early_stopping else np.float64(history["best_loss"])
        has_validation = bool(history["validation_scores"])
        if has_validation:  # NaN for the epochs of this fit, if it had no validation data
            _training.align_validation(history, True)
        for attribute, key in (
            *self._CURVES[1:],
            ("best_validation_score_", "best_validation_score"),
        ):
            setattr(self, attribute, history[key] if has_validation else None)
        self._no_improvement_count = history["no_improvement_count"]
