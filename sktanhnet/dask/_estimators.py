"""DaskTanhMLPClassifier and DaskTanhMLPRegressor: the core estimators, fitted on a dask cluster.

Each is a subclass of its core estimator, with the same parameters and fitted attributes. On
dask input (arrays, DataFrames, Series), ``fit`` runs on the current ``distributed.Client``:
the data is checked and kept on the workers (``_data``), L-BFGS sums the loss and gradient over
the partitions (``_lbfgs``), Adam and SGD carry the model from partition to partition
(``_stochastic``); ``predict`` and the rest return lazy dask arrays (``_predict``). On any other
input every method is the core estimator's own.
"""

import functools
import warnings

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _layout
from .._array_ops import NUMPY
from .._base import STOCHASTIC_SOLVERS, BaseTanhMLP, _restore_on_error
from .._layout import ParameterLayout
from .._lbfgs import run_lbfgs
from .._training import new_history
from .._validation import check_total_weight, fitted_layer_sizes
from ._data import WorkerData, da, is_dask
from ._lbfgs import DistributedObjective
from ._predict import check_two_dimensional, make_validate, score_on_workers
from ._stochastic import run_partitions

#: Fitted attributes that the workers' copies of the estimator need.
_LEARNED = ("n_features_in_", "feature_names_in_", "classes_", "out_activation_", "n_outputs_")


def current_client(estimator, method="fit"):
    """The current ``distributed.Client`` (``distributed.default_client``)."""
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        raise ValueError(
            f"{type(estimator).__name__}.{method} on dask input needs a dask.distributed "
            "Client in this process: start one first (distributed.Client(...) or a "
            f"LocalCluster's client), or pass NumPy arrays to {method} in memory. (A joblib "
            "worker, as in cross_validate or GridSearchCV with n_jobs > 1, has none: run those "
            "with n_jobs=1, the cluster doing the work.)"
        ) from None


class DaskFitMixin:
    """What the two dask estimators add to their core class (see the module's docstring)."""

    #: The core estimator class, whose methods answer on NumPy input and on each partition.
    _core_class = None

    # ------------------------------------------------------------------ fitting

    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the model to X and y: on the cluster for dask input, in memory otherwise.

        Parameters
        ----------
        X : dask array or dask DataFrame of shape (n_samples, n_features), or array-like
            Training data. A DataFrame's column names become ``feature_names_in_``. Anything
            else than a dask collection is fitted in memory, exactly as by the core estimator.
        y : dask array or dask Series or DataFrame of shape (n_samples,) or (n_samples, k)
            Targets, partitioned as X (or a NumPy array, where X's chunk sizes are known).
        sample_weight : dask array or Series of shape (n_samples,), float or None, \
default=None
            Weight of each row, partitioned as X.
        X_val, y_val : dask collections or arrays, default=None
            Validation data: early stopping's (with "sgd" and "adam") instead of a fraction
            held out of each partition, and recorded after each epoch or iteration.
        sample_weight_val : dask array or Series of shape (n_val_samples,), default=None
            Weight of each validation row.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        inputs = (X, y, sample_weight, X_val, y_val, sample_weight_val)
        if not any(is_dask(value) for value in inputs):
            return super().fit(
                X, y, sample_weight, X_val=X_val, y_val=y_val, sample_weight_val=sample_weight_val
            )
        with _restore_on_error(self):
            return self._fit_dask(X, y, sample_weight, (X_val, y_val, sample_weight_val))

    def _dask_partial_fit(self, X, y, *args, **kwargs):
        if is_dask(X) or is_dask(y):
            raise TypeError(
                f"{type(self).__name__}.partial_fit takes in-memory data (NumPy, pandas). For "
                "dask input call fit, which trains on the cluster with every solver."
            )
        return super().partial_fit(X, y, *args, **kwargs)

    def _template(self):
        """A light copy for the workers: the parameters and the learned targets, no weights."""
        template = type(self).__new__(type(self))
        template.__dict__.update(self.get_params(deep=False))
        for name in _LEARNED:
            if name in self.__dict__:
                setattr(template, name, self.__dict__[name])
        return template

    def _fit_dask(self, X, y, sample_weight, validation):
        self._validate_params()
        if getattr(self, "_skl_callbacks", None):
            warnings.warn(
                "The callbacks set with set_callbacks do not run on dask input, only in fits "
                "on in-memory data (NumPy arrays, DataFrames): this fit runs without them.",
                UserWarning,
                stacklevel=3,
            )
        stochastic = self.solver in STOCHASTIC_SOLVERS
        X_val, y_val, sample_weight_val = validation
        if X_val is None and (y_val is not None or sample_weight_val is not None):
            raise ValueError("y_val and sample_weight_val need X_val: pass X_val too.")
        if X_val is not None and y_val is None:
            raise ValueError("X_val needs y_val: pass the validation targets too.")
        validated = X_val is not None or (stochastic and self.early_stopping)
        if validated and self.scoring not in (None, "loss"):
            raise ValueError(
                f"scoring={self.scoring!r} is not supported on dask data, where the validation "
                "score is summed on the workers: use scoring=None (the default score) or "
                "'loss'."
            )
        in_memory_names = None
        if not is_dask(X):  # a pandas X beside a dask y: its column names are kept
            columns = getattr(X, "columns", None)
            if columns is not None and all(isinstance(name, str) for name in columns):
                in_memory_names = np.asarray(columns, dtype=object)
            X = da.from_array(np.asarray(X))
        client = current_client(self)
        first_pass = not hasattr(self, "coefs_") or not self.warm_start
        data = WorkerData(client, self._template(), X, y, sample_weight, reset=first_pass)
        n_features, dtype, names = data.check_consistent()
        names = in_memory_names if names is None else names
        if first_pass:
            self.n_features_in_ = n_features
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        if sample_weight is not None:
            total = sum(summary["weight"] for summary in data.summaries)
            check_total_weight(np.array([total]), "sample_weight")
        self._learn_targets(data.summaries, first_pass)
        class_weights = self._class_weight_vector(data.summaries)
        template = self._template()
        summaries = data.encode(template, class_weights, dtype)
        weighted = class_weights is not None or sample_weight is not None
        total_weight = float(sum(summary["weight"] for summary in summaries))
        if weighted:
            if class_weights is None:
                name = "sample_weight"
            elif sample_weight is None:
                name = "class_weight (over the rows' classes)"
            else:
                name = "sample_weight * class_weight"
            check_total_weight(np.array([total_weight]), name)

        layout = ParameterLayout([n_features, *self._hidden_sizes(), self.n_outputs_])
        random_state = check_random_state(self.random_state)
        if first_pass:
            params = _layout.init_params(layout, random_state, dtype)
            totals = [summary["class_totals"] for summary in summaries]
            if totals[0] is not None:  # where weights leave a class rare (``_class_balance``)
                classes = np.arange(len(self.classes_))
                self._adjust_initial_params(layout, params, classes, np.sum(totals, 0), NUMPY)
            history = new_history()
        else:
            try:
                params = layout.pack(self.coefs_, self.intercepts_, dtype)
            except ValueError as error:
                raise self._other_shape_error(error, n_features, incremental=False) from None
            history = self._history()
        self.n_layers_ = layout.n_layers + 1
        self.coefs_, self.intercepts_ = layout.views(params)

        regression = self._core_class._y_numeric
        parts, source = None, None
        if X_val is not None:
            parts = self._validation_parts(client, template, validation, class_weights, dtype)
            source = "X_val, y_val"
        n_train = data.n_samples
        if stochastic and self.early_stopping and X_val is None:
            held = data.hold_out(self.validation_fraction, random_state)
            if sum(held) < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' or the "
                    "size of your dataset."
                )
            n_train -= sum(held)
            parts = list(zip(data.X, data.target, data.weight, data.held_out))
            source = "the early-stopping split"
        validate = None
        if parts is not None:
            validate = make_validate(client, template, layout, parts, source, regression)

        if stochastic:
            settings = self._training_settings(self._batch_size(n_train), False)
            optimizer = self._make_optimizer(layout.size, dtype, None, NUMPY)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                self._optimizer_state = run_partitions(
                    client,
                    data,
                    layout,
                    params,
                    optimizer,
                    settings,
                    template=template,
                    history=history,
                    random_state=random_state,
                    validate=validate,
                    held_out=data.held_out,
                )
        else:
            normalizer = total_weight if weighted else float(data.n_samples)
            objective = DistributedObjective(
                client, data, layout, self.alpha, self.out_activation_, dtype, normalizer
            )
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                run_lbfgs(
                    layout,
                    params,
                    None,
                    None,
                    None,
                    self._training_settings(None, False),
                    history=history,
                    validate=validate,
                    objective=objective,
                )
            self._optimizer_state = None
        self._partial_fit_start = None  # (a later partial_fit measures its run from itself)
        self._commit_history(history, stochastic and self.early_stopping)
        data.release()
        return self

    def _batch_size(self, n_train):
        if self.batch_size == "auto":
            return min(200, n_train)
        if self.batch_size > n_train:
            import warnings

            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped"
            )
        return int(np.clip(self.batch_size, 1, n_train))

    def _validation_parts(self, client, template, validation, class_weights, dtype):
        """(X, target, weights, None) futures of the validation data, checked as X and y."""
        X_val, y_val, sample_weight_val = validation
        if not is_dask(X_val):
            X_val = da.from_array(np.asarray(X_val))
        try:
            data = WorkerData(client, template, X_val, y_val, sample_weight_val, reset=False)
            if self._core_class._y_numeric:
                class_weights = None  # (the training classes' weights, "balanced" too, as the core)
            data.encode(template, class_weights, dtype, name="y_val")
        except ValueError as error:  # its messages say "X" and "y"
            raise ValueError(f"Invalid validation data X_val, y_val: {error}") from error
        return [(x, t, w, None) for x, t, w in zip(data.X, data.target, data.weight)]

    # ------------------------------------------------------------------ prediction

    def _check_dask_input(self, X):
        check_is_fitted(self)
        fitted_layer_sizes(self)  # weights set by hand that do not fit: at once, not on a worker
        if isinstance(X, da.Array):
            check_two_dimensional(X)  # here, not in a task on each partition (score's)
            validate_data(self, X, reset=False, skip_check_array=True)
        else:
            # a dask Series: scikit-learn's check of its (empty) pandas Series names the fault
            validate_data(self, X._meta, reset=False, skip_check_array=X._meta.ndim == 2)

    def _dask_dtype(self, X):
        """The dtype that the core's predictions on X's partitions have: float32 for float32
        input and weights, else float64 (a DataFrame's: its columns' common type)."""
        dtype = getattr(X, "dtype", None)
        if dtype is None:
            try:
                dtype = np.result_type(*X.dtypes)
            except TypeError:  # a column of pandas' own types (categories, nullable numbers)
                dtype = np.float64
        dtype = np.dtype(dtype)
        dtype = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)
        return np.result_type(dtype, self.coefs_[0].dtype if self.coefs_ else dtype)

    def score(self, X, y, sample_weight=None):
        """The core estimator's score; on dask input, computed on the workers.

        Parameters
        ----------
        X : dask collection or array-like of shape (n_samples, n_features)
            Test data.
        y : dask collection or array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels or targets of X, partitioned as X.
        sample_weight : dask collection or array-like of shape (n_samples,), default=None
            Weight of each row.

        Returns
        -------
        score : float
            Accuracy (classifier) or R^2 (regressor) of ``self.predict(X)``.
        """
        if not is_dask(X):
            return super().score(X, y, sample_weight)
        self._check_dask_input(X)
        client = current_client(self, "score")
        return score_on_workers(
            client, self, X, y, sample_weight, regression=self._core_class._y_numeric
        )


def partial_fit_method(core_class):
    """partial_fit of the core class, refusing dask input (``fit`` trains on the cluster)."""

    def partial_fit(self, X, y, *args, **kwargs):
        return self._dask_partial_fit(X, y, *args, **kwargs)

    # the core method's docstring and signature (inspect follows __wrapped__)
    functools.update_wrapper(partial_fit, core_class.partial_fit, assigned=("__doc__",))
    return available_if(BaseTanhMLP._check_partial_fit)(partial_fit)
