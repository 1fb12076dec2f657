"""The validation data of a fit and its per-epoch score and loss: a part of ``BaseTanhMLP``.

A given ``X_val, y_val`` (checked as the training data is, and moved to X's namespace and
device), or the early-stopping hold-out of ``validation_fraction`` of the rows; then
``validate(params) -> (score, loss)``, which the training loops call after each epoch. The
estimator supplies what differs between classification and regression: ``_split_rows``,
``_encode_validation``, ``_output``, ``_validation_loss`` and ``_default_score``.
"""

import inspect
import warnings
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import is_regressor
from sklearn.metrics import get_scorer
from sklearn.model_selection import train_test_split

from ._host import (
    check_dense_tensor,
    check_real,
    host_input,
    is_numpy_array,
    model_to_numpy,
    to_numpy,
)
from ._training import DivergenceError
from ._validation import check_sample_weight, check_total_weight, is_real, user_stacklevel


class ValidationDataMixin:
    """The validation data of ``BaseTanhMLP``'s fit (see the module's docstring)."""

    def _validation(
        self,
        X,
        y,
        target,
        sample_weight,
        validation,
        random_state,
        layout,
        ops,
        user_weight=None,
        split=True,
    ):
        """The training rows (None: all) and the per-epoch validation function (or None).

        ``sample_weight``: the rows' weights (class weights included), ``user_weight``: the
        sample weights given to fit, by which ``X_val``'s "balanced" class weights count.
        Without ``X_val``, early stopping holds out a split of X, unless ``split`` is False.
        ``X_val`` follows X to its namespace and device; the rest stays on the host.
        """
        X_val, y_val, sample_weight_val = validation
        if X_val is None and (y_val is not None or sample_weight_val is not None):
            raise ValueError("y_val and sample_weight_val need X_val: pass X_val too.")
        if X_val is not None:
            if y_val is None:
                raise ValueError("X_val needs y_val: pass the validation targets too.")
            if sp.issparse(X_val) and not ops.is_numpy:
                raise ValueError(
                    f"X_val is a scipy.sparse matrix but X is a {ops.name} array on device "
                    f"{ops.device}: sparse input stays on NumPy. Pass X_val as a dense array "
                    "of X's namespace and device (for instance from X_val.toarray())."
                )
            check_dense_tensor(X_val, "X_val")  # named here: the checks below say "X"
            if not ops.is_numpy or not is_numpy_array(X_val):
                # lists and DataFrames through NumPy, so that a complex dtype shows before
                # the cast to X's dtype, which would drop the imaginary parts in silence
                X_val = check_real(np.asarray(X_val) if is_numpy_array(X_val) else X_val, "X_val")
                X_val = ops.adopt(X_val, None if ops.is_numpy else X.dtype)  # mps: no float64
            y_val = host_input(y_val, "y_val")
            with _names_checked_as_X_val(self, X_val):
                try:
                    X_val, y_val = self._validate_X_y(X_val, y_val, reset=False, ops=ops)
                except ValueError as error:  # its messages say "X" and "y"
                    raise ValueError(f"Invalid validation data X_val, y_val: {error}") from error
            sample_weight_val = check_sample_weight(
                sample_weight_val, X_val.shape[0], "sample_weight_val"
            )
            target_val, sample_weight_val = self._encode_validation(
                y_val, sample_weight_val, ops.host_dtype(X.dtype), target, user_weight
            )
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

    #: How the early-stopping split holds out its rows, for the advice of its errors.
    _split_advice = (
        "Early stopping holds out validation_fraction of the rows: set validation_fraction in "
        "(0, 1) to hold out at least 2 rows, pass X_val and y_val, or set early_stopping=False."
    )

    def _split(self, target, random_state):
        """Training and validation rows: a hold-out of validation_fraction (``_split_rows``)."""
        indices = np.arange(len(target))
        split = dict(random_state=random_state, test_size=self.validation_fraction)
        try:
            # without parameter validation, as in scikit-learn's MLP: its errors, word for word
            with config_context(skip_parameter_validation=True):
                rows, validation_rows = self._split_rows(indices, target, split)
        except ValueError as error:
            raise ValueError(f"{str(error).rstrip('. ')}. {self._split_advice}") from error
        if len(validation_rows) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size of "
                "your dataset."
            )
        return rows, validation_rows

    def _split_rows(self, indices, target, split):
        """(training, validation) indices: ``train_test_split(indices, **split)``, plain.

        The training rows keep the split's order, as scikit-learn's MLP's ``X_train`` does, so
        that the same seed draws the same batches.
        """
        return train_test_split(indices, **split)

    def _encode_validation(self, y_val, sample_weight_val, dtype, target=None, weight=None):
        """(validation target as the network's loss takes it, the validation rows' weights).

        ``dtype`` is the network's, as a NumPy dtype: the target stays on the host. ``target``,
        the training rows' (encoded), and ``weight``, their sample weights, for what is learned
        from them (a classifier's balanced class weights).
        """
        raise NotImplementedError

    def _validation_function(
        self, X_val, y_val, target_val, sample_weight_val, layout, source, ops
    ):
        """validate(params) -> (score, loss) on the validation data (named by ``source``).

        The network's outputs (``_output``) come back to the host: one small array per epoch.
        """
        scorer = None
        if self.scoring is not None and self.scoring != "loss":
            scorer = get_scorer(self.scoring)
        # On another namespace, a scorer sees a NumPy copy of the model and NumPy data: not
        # every scikit-learn metric runs on every namespace yet (roc_auc fails on torch).
        scorer_X = X_val if ops.is_numpy or scorer is None else to_numpy(X_val)
        uneven = sample_weight_val is not None and np.ptp(sample_weight_val) > 0
        if scorer is not None and uneven and not _accepts_sample_weight(scorer):
            warnings.warn(
                f"scoring={self.scoring!r} takes no sample_weight argument: the validation "
                f"scores on {source} leave out the rows' weights (sample_weight, class_weight, "
                "sample_weight_val), which the validation loss counts. Give the scorer a "
                "sample_weight keyword, or make it with sklearn.metrics.make_scorer.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )

        def validate(params):
            output = to_numpy(self._output(X_val, layout.views(params, ops), layout, ops))
            if not np.isfinite(output).all():  # exp(Z) past the dtype's range: Poisson's
                raise non_finite_outputs(source)
            loss = self._validation_loss(output, target_val, sample_weight_val)
            if self.scoring == "loss":
                return _finite(-loss, "the negative validation loss", source), loss
            if scorer is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # R^2 of one row: NaN, refused below
                    score = self._default_score(output, target_val, sample_weight_val)
                if np.isnan(score):
                    raise ValueError(
                        f"The validation score ({self._default_score_name}) is NaN on the "
                        f"validation data ({source}), which has {len(target_val)} row(s): "
                        "R^2 needs at least 2 rows (and finite predictions). Give more "
                        "validation rows, or choose another scoring."
                    )
                return _finite(score, self._default_score_name, source), loss
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*feature names.*")
                # a callable scorer(estimator, X, y) need not take sample_weight
                weights = (
                    {"sample_weight": sample_weight_val}
                    if sample_weight_val is not None and _accepts_sample_weight(scorer)
                    else {}
                )
                model = self if ops.is_numpy else model_to_numpy(self)
                try:
                    score = _as_real(scorer(model, scorer_X, y_val, **weights))
                except (ValueError, TypeError, AttributeError) as error:
                    reason = str(error).rstrip(". ")
                    advice = (
                        "A score made for classifiers fails on a regressor, and a deviance "
                        "(neg_mean_poisson_deviance, neg_mean_gamma_deviance) where a "
                        "prediction is not positive: choose another scoring"
                        if is_regressor(self)
                        else "A score that needs every class (neg_log_loss, roc_auc_ovr, "
                        "top_k_accuracy) fails where the validation targets hold fewer classes "
                        "than the model: give the validation data every class, or choose "
                        "another scoring"
                    )
                    if weights and "sample_weight" in reason:
                        advice = (
                            "Its metric takes no sample_weight, and the validation rows have "
                            "weights (sample_weight_val, sample_weight or class_weight): "
                            "choose a metric that takes sample_weight"
                        )
                    raise ValueError(
                        f"scoring={self.scoring!r} could not score the validation data "
                        f"({source}): {type(error).__name__}: {reason}. {advice} "
                        "(scoring='loss' monitors the validation loss)."
                    ) from error
            if not is_real(score) or not np.isfinite(score):
                raise ValueError(
                    f"scoring={self.scoring!r} returned {score!r} on the validation data "
                    f"({source}); each epoch's validation score must be a finite real "
                    "number, not NaN or inf (no epoch would compare better than another). A "
                    "score such as roc_auc is undefined when the validation targets hold a "
                    "single class: give them every class, or choose another scoring."
                )
            return float(score), loss

        return validate

    def _output(self, X, weights, layout, ops):
        """The network's output for validation: what ``_validation_loss`` takes."""
        raise NotImplementedError

    def _validation_loss(self, output, target, sample_weight):
        """The loss (as the training loss, without the L2 term) of host outputs ``output``."""
        raise NotImplementedError

    def _default_score(self, output, target, sample_weight):
        """The validation score when ``scoring`` is None (higher is better)."""
        raise NotImplementedError


def non_finite_outputs(source):
    """The network's outputs on the validation rows overflowed (finite weights, exp(Z) past the
    dtype's range): the weights diverged, the first to see it, or the rows are far off scale."""
    split = source == "the early-stopping split"  # rows of X itself: the weights diverged
    return DivergenceError(
        f"Training diverged: the network's outputs on the validation data ({source}) became "
        "non-finite (inf or NaN)"
        + ("" if split else ", or X_val lies far outside the training data's scale")
        + ". Scale the data (for instance with StandardScaler"
        + (")" if split else ", X_val as X)")
        + " or lower learning_rate_init."
    )


def _finite(score, name, source):
    """``score``, where it is finite; otherwise the ValueError that says what went wrong.

    An infinite (or NaN) score at every epoch would compare equal to itself: nothing would
    improve, and early stopping would restore the first weights in silence.
    """
    if np.isfinite(score):
        return float(score)  # a Python float, as scikit-learn's MLP's validation_scores_
    raise ValueError(
        f"The validation score ({name}) is {float(score)} on the validation data ({source}): "
        "the loss of the network's outputs there is not finite. Validation rows far outside "
        "the training data's scale do this (scale X_val as X, for instance with a "
        "StandardScaler in a Pipeline); or choose another scoring."
    )


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


def _as_real(score):
    """A score as a Python float when it is one number: a 0-d NumPy array or tensor too."""
    if is_real(score):
        return score
    try:
        array = np.asarray(to_numpy(score))
    except (TypeError, ValueError, RuntimeError):
        return score
    if array.ndim == 0 and array.dtype.kind in "iuf":
        return float(array)
    return score


def _column_names(X):
    """X's feature names as scikit-learn reads a pandas DataFrame's: its columns where every
    one is a ``str`` (exactly: ``np.str_`` is not), else None; ``...`` where scikit-learn
    refuses them (``str`` beside other types) or X is another kind of table (pyarrow, polars),
    which this does not read: scikit-learn's own check then speaks alone."""
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    if not type(X).__module__.startswith("pandas"):
        return ...
    types = {type(name).__qualname__ for name in columns}
    if types == {"str"}:
        return np.asarray(columns, dtype=object)
    return ... if "str" in types else None


@contextmanager
def _names_checked_as_X_val(estimator, X_val):
    """scikit-learn's warnings for X_val's feature names in X_val's words: its check (in
    ``validate_data``, with reset=False) says "X". Where it would only warn (names on one side
    alone), this warns first, and the estimator's names agree with X_val's during its check.
    Only this estimator's attribute changes, within its own fit: no process-wide state."""
    fitted = getattr(estimator, "feature_names_in_", None)
    given = _column_names(X_val)
    name = type(estimator).__name__
    if given is ... or (fitted is None) == (given is None):
        yield  # both or neither have names (compared by scikit-learn's check), or mixed ones
        return
    if fitted is None:
        message = f"X_val has feature names, but {name} was fitted without feature names"
    else:
        message = (
            f"X_val does not have valid feature names, but {name} was fitted with feature names"
        )
    warnings.warn(message, UserWarning, stacklevel=user_stacklevel())
    if fitted is None:
        estimator.feature_names_in_ = given
    else:
        del estimator.feature_names_in_
    try:
        yield
    finally:
        if fitted is None:
            del estimator.feature_names_in_
        else:
            estimator.feature_names_in_ = fitted
