"""TanhMLPClassifier: the scikit-learn estimator around the network, optimizers and loops."""

import inspect
import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import accuracy_score, get_scorer
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import _network
from ._array_ops import (
    NUMPY,
    is_numpy_array,
    model_to_numpy,
    namespace_and_device,
    ops_for,
    to_numpy,
)
from ._callbacks import CallbackSupportMixin, EpochCallbacks, with_callbacks
from ._class_balance import output_bias_shift
from ._network import LOGISTIC, SOFTMAX, ParameterLayout, Workspace
from ._optimizers import SGD, Adam
from ._threads import map_chunks
from ._training import chunk_rows, new_history, run_lbfgs, run_stochastic
from ._validation import (
    InvalidParameterError,
    check_sample_weight,
    check_total_weight,
    is_int,
    is_real,
    validate_params,
)

_STOCHASTIC_SOLVERS = ("sgd", "adam")


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


class TanhMLPClassifier(ClassifierMixin, CallbackSupportMixin, BaseEstimator):
    """Multi-layer perceptron classifier with tanh hidden layers and a softmax output.

    A drop-in replacement for ``MLPClassifier(activation="tanh")``: same parameter names,
    defaults and fitted attributes, with the network, its loss and its backpropagation written by
    hand in NumPy on one flat parameter vector. It adds ``class_weight``, a chosen early-stopping
    ``scoring``, a given validation set (``X_val``, ``y_val``) and ``validation_loss_curve_``.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        The ith element is the number of neurons in the ith hidden layer. An empty tuple gives
        a softmax regression.

    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        "lbfgs": full-batch L-BFGS-B from scipy; "sgd": mini-batch SGD with momentum;
        "adam": mini-batch Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the number of rows (or the sum of the weights).

    batch_size : int or "auto", default="auto"
        Mini-batch size for the stochastic solvers; "auto" is ``min(200, n_samples)``.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of the "sgd" solver.

    learning_rate_init : float, default=0.001
        Initial learning rate of "sgd" and "adam".

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    max_iter : int, default=200
        Maximum number of epochs ("sgd", "adam") or of iterations ("lbfgs").

    shuffle : bool, default=True
        Whether to shuffle the rows at each epoch ("sgd", "adam").

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping split.

    tol : float, default=1e-4
        Training stops when the loss (or the validation score, with early stopping) has not
        improved by at least ``tol`` for ``n_iter_no_change`` epochs.

    verbose : bool or int, default=False
        Print the loss (and validation score) after each epoch.

    warm_start : bool, default=False
        Reuse the weights of the previous fit as the starting point.

    momentum : float, default=0.9
        Momentum of the "sgd" solver, in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with "sgd".

    early_stopping : bool, default=False
        Stop when the validation score stops improving and keep the best epoch's weights. The
        validation data is ``X_val, y_val`` when given to ``fit``, else a stratified
        ``validation_fraction`` of the training data. Only with "sgd" and "adam", as in
        scikit-learn: "lbfgs" ignores it.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping, in (0, 1).

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping ("sgd", "adam").

    max_fun : int, default=15000
        Maximum number of loss evaluations ("lbfgs").

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``. "balanced" uses
        ``n_samples / (n_classes * np.bincount(y))``. Not for multilabel targets.

    scoring : str, callable or None, default=None
        What early stopping monitors on the validation data: None is the accuracy (as
        ``MLPClassifier``), "loss" the log-loss (recorded negated, so that higher is better),
        or any scikit-learn scorer name or callable ``scorer(estimator, X, y)``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (for multilabel targets, ``arange(n_labels)``).

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrix of each layer. Assignable, as in scikit-learn.

    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vector of each layer. Assignable.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during fit, when they are all strings.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    t_ : int
        Number of training rows seen by the stochastic solvers.

    loss_ : float
        Training loss at the end of the last call.

    best_loss_ : float or None
        Lowest training loss reached; None with early stopping, as in scikit-learn.

    loss_curve_ : list of float
        Training loss after each epoch (or L-BFGS iteration).

    validation_scores_ : list of float or None
        Validation score after each epoch (or L-BFGS iteration), when there is validation data.

    validation_loss_curve_ : list of float or None
        Validation log-loss after each epoch (or L-BFGS iteration), when there is validation
        data.

    best_validation_score_ : float or None
        Best validation score, when there is validation data.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs: the number of classes (2 for binary targets, which use a two-column
        softmax) or of labels.

    out_activation_ : str
        "softmax", or "logistic" for multilabel targets.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multi-layer perceptron.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sktanhnet import TanhMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = TanhMLPClassifier(solver="lbfgs", random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
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
        class_weight=None,
        scoring=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.class_weight = class_weight
        self.scoring = scoring

    # ------------------------------------------------------------------ validation helpers

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
        tags.classifier_tags.multi_label = True
        tags.array_api_support = True
        return tags

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        return [int(sizes)] if is_int(sizes) else [int(size) for size in sizes]

    def _validate_X_y(self, X, y, reset, ops):
        X, y = validate_data(
            self,
            X,
            to_numpy(y),  # y follows X: labels are encoded on the host, then moved to X's device
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=ops.float_dtypes,
            reset=reset,
        )
        if sp.issparse(y):
            y = y.toarray()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if y.ndim == 2 and type_of_target(y) == "multiclass-multioutput":
            raise ValueError(  # scikit-learn's words, then ours
                "Multioutput target data is not supported with label binarization. "
                "Multiclass-multioutput targets are not supported: y must hold class labels "
                "(1-D) or be a 0/1 multilabel indicator matrix."
            )
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()  # row batches are cheap in CSR
        return X, y

    def _encode(self, y, name="y"):
        """Targets as the network needs them: class indices (softmax) or a 0/1 matrix."""
        if self.out_activation_ == LOGISTIC:
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"{name} must be a multilabel indicator matrix with {len(self.classes_)} "
                    f"columns, as in the first fit; got shape {y.shape}."
                )
            return y
        if y.ndim != 1:
            raise ValueError(
                f"{name} is a multilabel indicator matrix but the model was fitted on "
                "single-label targets."
            )
        labels = unique_labels(y)
        unseen = np.setdiff1d(labels, self.classes_)
        if len(unseen):
            raise ValueError(  # scikit-learn's words, then ours
                f"`{name}` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. '{name}' has {labels}. Not in classes_: {unseen.tolist()}."
            )
        return np.searchsorted(self.classes_, y)

    def _set_classes(self, y, classes):
        """Set classes_ and out_activation_ from the targets (or the ``classes`` argument)."""
        if type_of_target(y) == "multilabel-indicator":
            self.out_activation_ = LOGISTIC
            self.classes_ = np.arange(y.shape[1])
        else:
            self.out_activation_ = SOFTMAX
            self.classes_ = unique_labels(y) if classes is None else unique_labels(classes)

    def _class_row_weights(self, target, incremental):
        """class_weight as a weight per row (None when there is no class_weight)."""
        if self.class_weight is None:
            return None
        if self.out_activation_ == LOGISTIC:
            raise ValueError("class_weight is not supported for multilabel targets.")
        if self.class_weight == "balanced":
            if incremental:
                raise ValueError(
                    "class_weight='balanced' is not supported by partial_fit: the class "
                    "frequencies of the whole data are unknown. Pass a dict instead."
                )
            present = np.unique(target)
            weights = np.ones(len(self.classes_))
            weights[present] = compute_class_weight("balanced", classes=present, y=target)
            return weights[target]
        unknown = [label for label in self.class_weight if label not in set(self.classes_)]
        if unknown:
            raise ValueError(
                f"class_weight names classes not in the data: {unknown}; the classes are "
                f"{self.classes_.tolist()}."
            )
        weights = np.ones(len(self.classes_))
        for index, label in enumerate(self.classes_):
            value = self.class_weight.get(label, 1.0)
            if not is_real(value):
                raise InvalidParameterError(
                    f"class_weight values must be numbers; got {value!r} for class {label!r}."
                )
            weights[index] = value
        if not np.isfinite(weights).all() or (weights < 0).any():
            raise InvalidParameterError("class_weight values must be finite and >= 0.")
        return weights[target]

    # ------------------------------------------------------------------ fitting

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the model to the data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.
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
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. {self.solver} is not "
                "stochastic. Use solver='sgd' or solver='adam'."
            )
        return True

    @available_if(_check_partial_fit)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data; required on the first call for single-label targets.

        Returns
        -------
        self : object
            The updated estimator.
        """
        with _restore_on_error(self):
            classes = None if classes is None else to_numpy(classes)
            return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    @with_callbacks
    def _fit(self, X, y, sample_weight, incremental, classes=None, validation=(None,) * 3):
        self._validate_params()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        ops = ops_for(X)  # X's namespace and device, for everything below
        X, y = self._validate_X_y(X, y, reset=first_pass, ops=ops)
        n_samples = X.shape[0]
        sample_weight = check_sample_weight(to_numpy(sample_weight), n_samples)
        callbacks = EpochCallbacks(
            self, X, y, sample_weight, 1 if incremental else self.max_iter, copy=ops.copy
        )

        if first_pass:
            if incremental and classes is None and type_of_target(y) != "multilabel-indicator":
                raise ValueError(
                    "classes must be passed on the first call to partial_fit. Pass every "
                    "class of the whole data, for instance np.unique(y_all)."
                )
            self._set_classes(y, classes)
        elif incremental and classes is not None:
            if not np.array_equal(unique_labels(classes), self.classes_):
                raise ValueError(
                    "`classes=%r` is not the same as on last call to partial_fit, was: %r. "
                    "Every call must pass the same classes." % (classes, self.classes_)
                )
        elif self.warm_start and not incremental and self.out_activation_ == SOFTMAX:
            labels = unique_labels(y) if y.ndim == 1 else None
            if labels is not None and set(labels) != set(self.classes_):
                raise ValueError(  # scikit-learn's words, then ours
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {labels}. "
                    "Set warm_start=False to train a new model on these classes."
                )
        target = self._encode(y)

        class_weights = self._class_row_weights(target, incremental)
        if class_weights is not None:
            sample_weight = (
                class_weights if sample_weight is None else sample_weight * class_weights
            )
            check_total_weight(sample_weight, "sample_weight * class_weight")

        dtype = X.dtype
        n_outputs = len(self.classes_)
        layout = ParameterLayout([X.shape[1], *self._hidden_sizes(), n_outputs])
        random_state = check_random_state(self.random_state)
        stochastic = self.solver in _STOCHASTIC_SOLVERS
        if first_pass:
            params = _network.init_params(layout, random_state, dtype, ops)
            if not incremental and self.out_activation_ == SOFTMAX:
                eps = float(ops.xp.finfo(dtype).eps)
                shift = output_bias_shift(target, sample_weight, n_outputs, eps)
                if shift is not None:  # where weights make a class rare (see _class_balance)
                    layout.views(params, ops)[1][-1] += ops.adopt(shift, dtype)
            history = new_history()
            optimizer_state = None
        else:
            try:
                params = layout.pack(self.coefs_, self.intercepts_, dtype, ops)
            except ValueError as error:
                raise ValueError(
                    f"The weights of the previous fit do not fit the network of the current "
                    f"parameters: {error} Refit with warm_start=False."
                ) from None
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
        # The targets and weights follow X to its namespace and device (with the weights' host
        # copy, from which the training loops sum batch normalisers).
        device_target, device_weight = target, sample_weight
        if not ops.is_numpy:
            device_target = ops.asarray(target, None if target.ndim == 1 else dtype)
            if sample_weight is not None:
                device_weight = ops.asarray(sample_weight, dtype)

        if stochastic:
            if self.early_stopping and incremental:
                raise ValueError("partial_fit does not support early_stopping=True.")
            rows, validate = self._validation(
                X, y, target, sample_weight, validation, random_state, layout, ops
            )
            if self.batch_size == "auto":
                batch_size = min(200, n_samples if rows is None else len(rows))
            else:
                n_train = n_samples if rows is None else len(rows)
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
                    device_weight,
                    rows=rows,
                    optimizer=optimizer,
                    history=history,
                    alpha=self.alpha,
                    out_activation=self.out_activation_,
                    batch_size=batch_size,
                    shuffle=self.shuffle,
                    random_state=random_state,
                    max_iter=self.max_iter,
                    tol=self.tol,
                    n_iter_no_change=self.n_iter_no_change,
                    early_stopping=self.early_stopping,
                    validate=validate,
                    incremental=incremental,
                    verbose=self.verbose,
                    on_epoch=callbacks,
                    ops=ops,
                    host_weight=sample_weight,
                )
            self._optimizer_state = optimizer.state()
        else:
            # L-BFGS has no early stopping (as in scikit-learn): validation data given to fit is
            # only recorded, and X is never split.
            _, validate = self._validation(
                X, y, target, sample_weight, validation, random_state, layout, ops, split=False
            )
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                run_lbfgs(
                    layout,
                    params,
                    X,
                    device_target,
                    device_weight,
                    history=history,
                    alpha=self.alpha,
                    out_activation=self.out_activation_,
                    max_iter=self.max_iter,
                    max_fun=self.max_fun,
                    tol=self.tol,
                    verbose=self.verbose,
                    validate=validate,
                    on_epoch=callbacks,
                    ops=ops,
                    host_weight=sample_weight,
                )
            self._optimizer_state = None
        self._commit_history(history, stochastic and self.early_stopping)
        callbacks.close()
        return self

    def _make_optimizer(self, n_params, dtype, state, ops):
        if state is not None:  # the state of a partial_fit on another namespace or device
            state = {
                key: ops.adopt(value) if key.endswith(("moment", "velocity")) else value
                for key, value in state.items()
            }
        if self.solver == "sgd":
            if state is not None and "velocity" not in state:
                state = None
            return SGD(
                n_params,
                dtype,
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
                state=state,
                ops=ops,
            )
        if state is not None and "first_moment" not in state:
            state = None
        return Adam(
            n_params,
            dtype,
            self.learning_rate_init,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            state=state,
            ops=ops,
        )

    def _history(self):
        """A fresh copy of the counters and curves, to continue training from."""
        history = new_history()
        history["t"] = getattr(self, "t_", 0)
        history["loss_curve"] = list(getattr(self, "loss_curve_", None) or [])
        history["validation_scores"] = list(getattr(self, "validation_scores_", None) or [])
        history["validation_loss_curve"] = list(getattr(self, "validation_loss_curve_", None) or [])
        if getattr(self, "best_loss_", None) is not None:
            history["best_loss"] = self.best_loss_
        if getattr(self, "best_validation_score_", None) is not None:
            history["best_validation_score"] = self.best_validation_score_
        history["no_improvement_count"] = getattr(self, "_no_improvement_count", 0)
        return history

    def _commit_history(self, history, early_stopping):
        self.n_iter_ = history["n_iter"]
        self.t_ = history["t"]
        self.loss_ = history["loss"]
        self.loss_curve_ = history["loss_curve"]
        self.best_loss_ = None if early_stopping else history["best_loss"]
        has_validation = bool(history["validation_scores"])
        self.validation_scores_ = history["validation_scores"] if has_validation else None
        self.validation_loss_curve_ = history["validation_loss_curve"] if has_validation else None
        self.best_validation_score_ = history["best_validation_score"] if has_validation else None
        self._no_improvement_count = history["no_improvement_count"]

    def _validation(
        self, X, y, target, sample_weight, validation, random_state, layout, ops, split=True
    ):
        """The training rows (None: all) and the per-epoch validation function (or None).

        Without ``X_val``, early stopping holds out a split of X, unless ``split`` is False.
        ``X_val`` follows X to its namespace and device; the rest stays on the host.
        """
        X_val, y_val, sample_weight_val = validation
        if X_val is None and (y_val is not None or sample_weight_val is not None):
            raise ValueError("y_val and sample_weight_val need X_val: pass X_val too.")
        if X_val is not None:
            if y_val is None:
                raise ValueError("X_val needs y_val: pass the validation targets too.")
            if not ops.is_numpy or not is_numpy_array(X_val):
                X_val = ops.adopt(X_val, None if ops.is_numpy else X.dtype)  # mps: no float64
            try:
                X_val, y_val = validate_data(
                    self,
                    X_val,
                    to_numpy(y_val),
                    accept_sparse=["csr", "csc"],
                    multi_output=True,
                    dtype=ops.float_dtypes,
                    reset=False,
                )
            except ValueError as error:  # its messages say "X" and "y"
                raise ValueError(f"Invalid validation data X_val, y_val: {error}") from error
            if sp.issparse(y_val):
                y_val = y_val.toarray()
            if y_val.ndim == 2 and y_val.shape[1] == 1:
                y_val = column_or_1d(y_val, warn=True)
            target_val = self._encode(y_val, name="y_val")
            sample_weight_val = check_sample_weight(
                to_numpy(sample_weight_val), X_val.shape[0], "sample_weight_val"
            )
            class_weights = self._class_row_weights(target_val, incremental=False)
            if class_weights is not None and self.class_weight != "balanced":
                sample_weight_val = (
                    class_weights
                    if sample_weight_val is None
                    else sample_weight_val * class_weights
                )
                check_total_weight(sample_weight_val, "sample_weight_val * class_weight")
            rows = None
        elif self.early_stopping and split:
            rows, validation_rows = self._split(target, random_state)
            X_val, y_val, target_val = (
                ops.take_rows(X, ops.adopt(validation_rows), None),
                y[validation_rows],
                target[validation_rows],
            )
            if sample_weight is None:
                sample_weight_val = None
            else:
                sample_weight_val = sample_weight[validation_rows]
                check_total_weight(sample_weight[rows], "sample_weight of the training split")
                check_total_weight(sample_weight_val, "sample_weight of the validation split")
        else:
            return None, None
        source = "X_val, y_val" if validation[0] is not None else "the early-stopping split"
        return rows, self._validation_function(
            X_val, y_val, target_val, sample_weight_val, layout, source, ops
        )

    def _split(self, target, random_state):
        """Training and validation rows: a stratified hold-out of validation_fraction.

        Binary targets are stratified as MLPClassifier stratifies them (by its one column of
        binarised labels), so that data too small to stratify fails with its error; other
        single-label targets, which MLPClassifier splits plainly, fall back to a plain split.
        """
        indices = np.arange(len(target))
        split = dict(random_state=random_state, test_size=self.validation_fraction)
        try:
            # without parameter validation, as in MLPClassifier's fit: its errors, word for word
            with config_context(skip_parameter_validation=True):
                if self.out_activation_ == SOFTMAX and len(self.classes_) == 2:
                    # MLPClassifier's column of binarised labels: it names them 'False', 'True'
                    stratify = (target == 1)[:, None]
                    rows, validation_rows = train_test_split(indices, stratify=stratify, **split)
                elif self.out_activation_ == SOFTMAX:
                    try:
                        rows, validation_rows = train_test_split(indices, stratify=target, **split)
                    except ValueError:  # too few rows of some class to stratify
                        rows, validation_rows = train_test_split(indices, **split)
                else:
                    rows, validation_rows = train_test_split(indices, **split)
        except ValueError as error:
            raise ValueError(
                f"{error} Early stopping holds out validation_fraction of the rows, stratified "
                "by class: set validation_fraction in (0, 1) to hold out at least 2 rows and as "
                "many as there are classes, give every class at least 2 rows, pass X_val and "
                "y_val, or set early_stopping=False."
            ) from error
        if len(validation_rows) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size of "
                "your dataset."
            )
        return np.sort(rows), validation_rows

    def _validation_function(
        self, X_val, y_val, target_val, sample_weight_val, layout, source, ops
    ):
        """validate(params) -> (score, log-loss) on the validation data (named by ``source``).

        The log-probabilities come back to the host (one small array per epoch on a device).
        """
        scorer = None
        if self.scoring is not None and self.scoring != "loss":
            scorer = get_scorer(self.scoring)
        # On another namespace, a scorer sees a NumPy copy of the model and NumPy data: not
        # every scikit-learn metric runs on every namespace yet (roc_auc fails on torch).
        scorer_X = X_val if ops.is_numpy or scorer is None else to_numpy(X_val)

        def validate(params):
            log_proba = self._log_proba(X_val, layout.views(params, ops), layout, ops=ops)
            log_proba = to_numpy(log_proba)
            loss = _log_loss(log_proba, target_val, sample_weight_val, self.out_activation_)
            if self.scoring == "loss":
                return -loss, loss
            if scorer is not None:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=".*feature names.*")
                    # a callable scorer(estimator, X, y) need not take sample_weight
                    weights = (
                        {"sample_weight": sample_weight_val}
                        if sample_weight_val is not None and _accepts_sample_weight(scorer)
                        else {}
                    )
                    model = self if ops.is_numpy else model_to_numpy(self)
                    score = scorer(model, scorer_X, y_val, **weights)
                if not is_real(score) or np.isnan(score):
                    raise ValueError(
                        f"scoring={self.scoring!r} returned {score!r} on the validation data "
                        f"({source}); each epoch's validation score must be a real number, "
                        "not NaN. A score such as roc_auc is undefined when the validation "
                        "targets hold a single class: give them every class, or choose "
                        "another scoring."
                    )
                return float(score), loss
            if self.out_activation_ == SOFTMAX:
                correct = log_proba.argmax(axis=1) == target_val
            else:
                correct = ((log_proba > np.log(0.5)) == target_val).all(axis=1)
            return float(np.average(correct, weights=sample_weight_val)), loss

        return validate

    # ------------------------------------------------------------------ prediction

    def _log_proba(self, X, weights, layout, log=True, ops=NUMPY, clip=None):
        """log P (P with ``log=False``) for validated X, chunk by chunk, on one or more threads.

        Each thread has buffers of its own, made in this call (see ``_threads``). On another
        namespace than NumPy the chunks run one after the other, on X's device. ``clip``, a
        (low, high) pair, clips each chunk's values while they are in cache.
        """
        coefs, intercepts = weights
        xp = ops.xp
        dtype = xp.result_type(X.dtype, coefs[0].dtype) if coefs else X.dtype
        n_rows = X.shape[0]
        rows = chunk_rows(layout, dtype, n_rows, ops)
        out = ops.empty((n_rows, layout.layer_units[-1]), dtype)

        def work(workspace, i):
            chunk = slice(i * rows, min((i + 1) * rows, n_rows))
            activations, _ = workspace.rows(chunk.stop - chunk.start)
            values = _network.log_proba(
                coefs,
                intercepts,
                ops.take_rows(X, chunk, None),
                activations,
                self.out_activation_,
                log,
                ops,
            )
            if clip is not None:
                ops.clip(values, *clip)
            out[chunk, :] = values

        n_chunks = -(-n_rows // rows)
        map_chunks(n_chunks, lambda: Workspace(layout, rows, dtype, ops), work, ops.is_numpy)
        return out

    def _check_namespace(self, X, method):
        """The operations for X, which must be of the fit's namespace and device.

        The message is scikit-learn's (``check_same_namespace``), with what to do instead.
        """
        ops = ops_for(X)
        fitted = namespace_and_device(self.coefs_[0] if self.coefs_ else self.intercepts_[0])
        given = (ops.name, ops.device)
        if fitted != given:
            part = 0 if fitted[0] != given[0] else 1
            raise ValueError(
                f"Inputs passed to {type(self).__name__}.{method}() must use the same "
                "namespace and the same device as those passed to fit(). Array "
                f"{('namespaces', 'devices')[part]} used during fit ({fitted[part]}) and "
                f"{method} ({given[part]}) differ. Pass X in the fit's namespace and on its "
                "device, under sklearn.config_context(array_api_dispatch=True), or convert "
                "the model with sktanhnet.to_numpy(model) to predict on NumPy arrays."
            )
        return ops

    def _predict_proba(self, X, method):
        """(P, the operations of X's namespace) for X, after every check.

        Every P is at least the dtype's smallest normal number (so that its log is finite), and
        below 1 - eps for multilabel outputs: clipped chunk by chunk, while in cache.
        """
        check_is_fitted(self)
        ops = self._check_namespace(X, method)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=ops.float_dtypes, reset=False
        )
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()
        sizes = [self.n_features_in_] + [b.shape[0] for b in self.intercepts_]
        layout = ParameterLayout(sizes)
        xp = ops.xp
        info = xp.finfo(xp.result_type(X.dtype, self.coefs_[0].dtype) if self.coefs_ else X.dtype)
        high = 1.0 - float(info.eps) if self.out_activation_ == LOGISTIC else 1.0
        weights = (self.coefs_, self.intercepts_)
        clip = (float(info.smallest_normal), high)
        proba = self._log_proba(X, weights, layout, False, ops, clip)
        # NaN anywhere makes the sum NaN; no rows x k temporary
        if bool(xp.isnan(ops.sum(ops.reshape(proba, (-1,)), axis=0))):
            raise ValueError(
                "The network's output is NaN for some rows of X: their values are too large "
                "for the weights (inf - inf overflowed in the network). Scale X as the "
                "training data was scaled (for instance with StandardScaler)."
            )
        return proba, ops

    def predict_log_proba(self, X):
        """Log of the probability of each class (of each label, for multilabel targets).

        ``np.log(predict_proba(X))``, as in ``MLPClassifier``, so that the two agree to
        roundoff; never -inf, since no probability is below ``np.finfo(dtype).tiny``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        proba, ops = self._predict_proba(X, "predict_log_proba")
        return ops.log(proba)

    def predict_proba(self, X):
        """Probability of each class (of each label, for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; rows sum to 1 for single-label targets.
            Every probability is at least ``np.finfo(dtype).tiny`` (so that its log is finite),
            and multilabel probabilities are kept strictly inside (0, 1).
        """
        return self._predict_proba(X, "predict_proba")[0]

    def predict(self, X):
        """Predicted class of each row (0/1 indicator rows for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Values of ``classes_``, with its dtype.
        """
        proba, ops = self._predict_proba(X, "predict")
        xp = ops.xp
        if self.out_activation_ == LOGISTIC:
            return ops.astype(proba > 0.5, xp.int64)
        best = xp.argmax(proba, axis=1)
        if ops.is_numpy or self.classes_.dtype.kind not in "biuf":
            return self.classes_[to_numpy(best)]  # labels that no namespace but NumPy holds
        return xp.take(ops.asarray(self.classes_), best)

    def score(self, X, y, sample_weight=None):
        """Mean accuracy on the given data (subset accuracy for multilabel targets).

        Unlike ``ClassifierMixin.score``, rejects the sample weights that ``fit`` rejects
        (negative, all zero, non-finite), rather than returning a meaningless number.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels of X.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row.

        Returns
        -------
        score : float
            Accuracy of ``self.predict(X)`` with respect to ``y``.
        """
        y_pred = to_numpy(self.predict(X))  # scored on the host, whatever the namespace
        sample_weight = check_sample_weight(to_numpy(sample_weight), y_pred.shape[0])
        return float(accuracy_score(to_numpy(y), y_pred, sample_weight=sample_weight))


def _accepts_sample_weight(function):
    """Whether ``function`` takes a ``sample_weight`` keyword (scikit-learn scorers do)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True  # no signature to read: let the call itself say
    return any(
        parameter.name == "sample_weight" or parameter.kind is parameter.VAR_KEYWORD
        for parameter in parameters
    )


def _log_loss(log_proba, target, sample_weight, out_activation):
    """Mean cross-entropy (eq 3) of validated data, from its log-probabilities."""
    if out_activation == SOFTMAX:
        row_losses = -log_proba[np.arange(len(target)), target]
    else:
        # binary cross-entropy: -[y log p + (1 - y) log(1 - p)], log(1 - p) = log(-expm1(log p))
        row_losses = -(
            target * log_proba + (1 - target) * np.log(-np.expm1(np.minimum(log_proba, -1e-300)))
        ).sum(axis=1)
    return float(np.average(row_losses, weights=sample_weight))
