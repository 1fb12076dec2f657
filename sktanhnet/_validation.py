"""Parameter and input checks of the estimators: the table of allowed values, sample weights.

Kept apart from the estimators so that ``_base.py`` and its subclasses read as what they do.
"""

import contextlib
import numbers
import os
import sys
from collections.abc import Sequence

import numpy as np
import sklearn
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_array

from ._host import host_input


class InvalidParameterError(ValueError, TypeError):
    """A parameter of the estimator has a value it does not allow.

    A subclass of both ValueError and TypeError, as scikit-learn's own ``InvalidParameterError``
    (which lives in a private module), so that code catching either keeps working. ``fit`` and
    ``partial_fit`` raise it, before any training, with a message that names the parameter,
    what it allows and what it got.

    See Also
    --------
    DivergenceError : Raised when training itself fails.

    Examples
    --------
    >>> from sktanhnet import InvalidParameterError, TanhMLPClassifier
    >>> try:
    ...     TanhMLPClassifier(solver="newton").fit([[0.0], [1.0]], [0, 1])
    ... except InvalidParameterError as error:
    ...     print(error)
    The 'solver' parameter of TanhMLPClassifier must be a str among {'lbfgs', 'sgd', 'adam'}. \
Got 'newton' instead.
    """

    __module__ = "sktanhnet"


def user_stacklevel():
    """The ``stacklevel`` that makes ``warnings.warn``, called by the caller of this function,
    name the first line outside this package: the user's, or the library's that called it. The
    frames of the wrappers between a method and its caller are skipped too: ``contextlib``'s, and
    scikit-learn's callback support around ``fit`` (scikit-learn >= 1.9)."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    sklearn_callbacks = os.path.join(os.path.dirname(os.path.abspath(sklearn.__file__)), "callback")
    skipped = (package, os.path.abspath(contextlib.__file__), sklearn_callbacks + os.sep)
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(skipped):
        frame, level = frame.f_back, level + 1
    return level


def is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def aligned(X):
    """``X``, or a copy where it is a NumPy array whose items are not aligned in memory (a
    buffer read at an odd offset: ``np.frombuffer``, or a partition that dask received within a
    message). NumPy's matrix products skip BLAS for such arrays: slower, and rounded otherwise
    than the same values anywhere else."""
    if isinstance(X, np.ndarray) and not X.flags.aligned:
        return X.copy()
    return X


def is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _in_range(low, high, closed_low, closed_high):
    def check(value):
        if not is_real(value):
            return False
        try:
            if np.isnan(float(value)):  # float(): an int beyond a float's range (10**400) fails
                return False
        except OverflowError:
            return False
        above = value >= low if closed_low else value > low
        below = value <= high if closed_high else value < high
        return above and below

    return check


def _range_text(kind, low, high, closed_low, closed_high):
    return "%s in the range %s%s, %s%s" % (
        kind,
        "[" if closed_low else "(",
        low,
        high,
        "]" if closed_high else ")",
    )


def _real(low, high=np.inf, closed_low=True, closed_high=False):
    # the bounds as floats, "[0.0, inf)", as scikit-learn writes a real interval
    return (
        _in_range(low, high, closed_low, closed_high),
        "a float " + _range_text("", float(low), float(high), closed_low, closed_high).strip(),
    )


def _integer(low):
    return (lambda v: is_int(v) and v >= low), f"an int in the range [{low}, inf)"


def _one_of(*options):
    return (lambda v: isinstance(v, str) and v in options), _strings(options)


def _strings(options):
    """scikit-learn's words for a choice of strings: "a str among {'lbfgs', 'sgd', 'adam'}"."""
    return "a str among {" + ", ".join(repr(o) for o in options) + "}"


def _boolean():
    return (lambda v: isinstance(v, (bool, np.bool_))), "a bool (True or False)"


def layer_sizes(value):
    """``hidden_layer_sizes`` as a list of Python ints, or None where it is not an int or a
    1-D, ordered array-like of ints (a list, tuple, NumPy array, pandas Series, tensor; not a
    str, set, dict, iterator or 0-d/2-d array)."""
    if is_int(value):
        return [int(value)]
    if isinstance(value, (str, bytes)):
        return None
    if not isinstance(value, Sequence):
        if getattr(value, "ndim", None) != 1 or not hasattr(value, "tolist"):
            return None
        value = value.tolist()  # NumPy's, pandas', PyTorch's, CuPy's: Python numbers
    sizes = []
    for size in value:
        if getattr(size, "ndim", None) == 0 and hasattr(size, "tolist"):
            size = size.tolist()  # a 0-d array
        if not is_int(size):
            return None
        sizes.append(int(size))
    return sizes


def shown(value):
    """``repr(value)`` for a message, on one line: a pandas Series of sizes as their list."""
    text = repr(value)
    if "\n" in text and callable(getattr(value, "tolist", None)):
        text = repr(value.tolist())  # a Series' (or an array's) values, without its index
    return " ".join(text.split())


def _hidden_layer_sizes_ok(value):
    sizes = layer_sizes(value)
    return sizes is not None and all(size >= 1 for size in sizes)


PARAMETER_CHECKS = {
    "hidden_layer_sizes": (
        _hidden_layer_sizes_ok,
        "an int >= 1 or an array-like of ints >= 1 (list, tuple, 1-D array), one per hidden layer",
    ),
    "activation": (
        lambda v: isinstance(v, str) and v == "tanh",
        "'tanh': the hidden layers of this network are tanh, the note's (for 'relu', "
        "'logistic' or 'identity', use scikit-learn's MLPClassifier or MLPRegressor)",
    ),
    "loss": _one_of("squared_error", "poisson"),
    "solver": _one_of("lbfgs", "sgd", "adam"),
    "alpha": _real(0),
    "batch_size": (
        lambda v: v == "auto" if isinstance(v, str) else is_int(v) and v >= 1,
        _strings(["auto"]) + " or an int in the range [1, inf)",
    ),
    "learning_rate": _one_of("constant", "invscaling", "adaptive"),
    "learning_rate_init": _real(0, closed_low=False),
    "power_t": _real(0),
    "max_iter": _integer(1),
    "shuffle": _boolean(),
    "random_state": (
        lambda v: (
            v is None or (is_int(v) and 0 <= v < 2**32) or isinstance(v, np.random.RandomState)
        ),
        "None, an int in the range [0, 2**32 - 1] or a numpy RandomState",
    ),
    "tol": _real(0),
    "verbose": (
        lambda v: isinstance(v, (bool, np.bool_)) or (is_int(v) and v >= 0),
        "a bool or an int >= 0",
    ),
    "warm_start": _boolean(),
    "momentum": _real(0, 1, closed_high=True),
    "nesterovs_momentum": _boolean(),
    "early_stopping": _boolean(),
    "validation_fraction": _real(0, 1),
    "beta_1": _real(0, 1),
    "beta_2": _real(0, 1),
    "epsilon": _real(0, closed_low=False),
    "n_iter_no_change": (
        lambda v: (is_int(v) and v >= 1) or (is_real(v) and v == np.inf),
        "an int in the range [1, inf) or numpy.inf",
    ),
    "max_fun": _integer(1),
    "class_weight": (
        lambda v: v is None or isinstance(v, dict) or (isinstance(v, str) and v == "balanced"),
        "None, 'balanced' or a dict mapping class labels to weights",
    ),
    "scoring": (
        lambda v: v is None or isinstance(v, str) or callable(v),
        "None, 'loss', the name of a scikit-learn scorer or a callable scorer",
    ),
}


def check_sample_weight(sample_weight, n_samples, name="sample_weight"):
    """Finite, non-negative float64 NumPy weights, one per row, not all zero (or None).

    ``sample_weight`` may be an array of any namespace (it is brought to the host).
    """
    if sample_weight is None:
        return None
    sample_weight = host_input(sample_weight, name)
    if is_real(sample_weight):
        sample_weight = np.full(n_samples, float(sample_weight))
    try:
        sample_weight = check_array(
            sample_weight,
            ensure_2d=False,
            dtype=np.float64,
            input_name=name,
            ensure_min_samples=0,
        )
    except (TypeError, ValueError) as error:
        if name in str(error):
            raise
        # numpy's own conversion errors ("could not convert string to float") name no array
        raise type(error)(f"{name} must hold numbers: {error}") from error
    if sample_weight.ndim != 1:  # scikit-learn's words, then ours
        raise ValueError(
            f"Sample weights must be 1D array or scalar, got {sample_weight.ndim}D array. "
            f"Expected either a scalar value or a 1D array of length {n_samples}. "
            f"{name} holds one weight per row."
        )
    if sample_weight.shape[0] != n_samples:
        raise ValueError(
            f"{name}.shape == {sample_weight.shape}, expected ({n_samples},)! One weight per row."
        )
    if (sample_weight < 0).any():
        raise ValueError(f"Negative values in {name}: every weight must be >= 0.")
    check_total_weight(sample_weight, name)
    return aligned(sample_weight)  # summed by matrix products: see ``aligned``


def chunk_finite_check(X, estimator_name, first_coef=None):
    """``check(chunk, product)`` for chunks of dense NumPy X, that prediction calls with each
    chunk's first product, X W_1 (``_prediction``'s ``_forward_chunks``,
    ``_network.forward_logits``): raises the error of scikit-learn's input check
    (``check_array``'s, for all of X: NaN before inf, as it reports them) where the chunk holds
    NaN or inf.

    A NaN or inf anywhere in a row of X makes every product of that row NaN or inf (inf x 0 is
    NaN, inf - inf too), with finite weights. So a finite product (its sum is: the fast path, as
    scikit-learn's own) shows the chunk finite, read in its units' few columns rather than X's
    many; only where it is not (a fault, or finite values whose products or sum overflow) is the
    chunk itself looked at. Where an input's weights in ``first_coef`` (W_1) are all zero, or
    W_1 is not given or not finite, a BLAS that skipped multiplications by zero would hide a
    fault: the chunk is read instead.
    """
    reads_product = first_coef is not None and bool(
        np.isfinite(first_coef).all() and (first_coef != 0).any(axis=1).all()
    )

    def check(chunk, product):
        with np.errstate(over="ignore", invalid="ignore"):  # as scikit-learn's own first pass
            fast = np.isfinite(np.sum(product if reads_product else chunk))
        if not fast and not np.isfinite(chunk).all():
            assert_all_finite(X, estimator_name=estimator_name, input_name="X")

    return check


def check_label_types(y, name="y"):
    """Refuse class labels of several types (1 and "a" in an object array) with the TypeError
    scikit-learn's MLP raises sorting them, and what to do. Checked before scikit-learn's check of
    the target's type, whose "unknown" type would say the labels look continuous. ``name``: the
    argument's (``classes`` of ``partial_fit``)."""
    if getattr(getattr(y, "dtype", None), "kind", "") != "O":
        return
    if len(set(map(type, np.ravel(y)))) < 2:
        return
    try:
        np.unique(y)
    except TypeError as error:
        kinds = sorted({type(value).__name__ for value in np.ravel(y)})
        raise TypeError(
            f"{error}: {name} holds labels of several types ({', '.join(kinds)}); give every label "
            "one type (all str, for instance)."
        ) from None


def check_no_missing_targets(y, name="y", prefix=""):
    """Raise ValueError naming the rows of ``y`` that hold a missing value.

    None, NaN, and pandas' NA and NaT among objects (a list, an object array, a pandas object):
    scikit-learn's own checks let None through, which then becomes NaN and showed up later as a
    diverging fit, and stumble on pandas.NA. NaN in a float array is left to scikit-learn's
    checks ("Input y contains NaN."), as in its MLP; sparse targets have none. ``prefix`` starts
    the message (a classifier's: scikit-learn's "Unknown label type: ").
    """
    if y is None or hasattr(y, "tocsr"):
        return
    try:
        array = np.asarray(y)
    except (TypeError, ValueError):  # ragged lists: scikit-learn's checks say what is wrong
        return
    if array.dtype.kind == "O":  # float NaN: scikit-learn's "Input y contains NaN."
        flat = array.ravel()
        missing = np.fromiter(
            (
                value is None
                or type(value).__name__ in ("NAType", "NaTType")
                or (isinstance(value, float) and value != value)
                for value in flat
            ),
            dtype=bool,
            count=flat.size,
        ).reshape(array.shape)
    else:
        return
    if array.ndim > 1:
        missing = missing.any(axis=tuple(range(1, array.ndim)))
    rows = np.flatnonzero(missing)
    if rows.size:
        raise ValueError(
            f"{prefix}Input {name} contains NaN or other missing values (None, pandas.NA) in "
            f"{rows.size} row(s), the first at row {rows[0]}: drop those rows, or fill the "
            "values in, before fitting."
        )


def check_indicator_matrix(y, n_labels, name="y"):
    """``y``, a multilabel target of a model of ``n_labels`` labels: refuse any other shape, and
    any value but 0 and 1. scikit-learn takes any two integers as an indicator matrix and trains
    on them as if they were 0 and 1 (with -1: a loss without a floor, and a model of nothing)."""
    if y.ndim != 2 or y.shape[1] != n_labels:
        raise ValueError(
            f"{name} must be a multilabel indicator matrix with {n_labels} columns, as in the "
            f"first fit; got shape {y.shape}."
        )
    values = np.unique(y)
    if not np.isin(values, (0, 1)).all():
        raise ValueError(
            f"{name} must be a 0/1 multilabel indicator matrix (1 where a label applies, 0 where "
            f"it does not); got the values {values.tolist()}."
        )
    return y


def same_labels(a, b):
    """Whether two arrays of labels hold the same labels in the same order: ``np.array_equal``,
    without the FutureWarning NumPy < 1.25 gives where one holds text and the other numbers."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and all(x == y for x, y in zip(a.tolist(), b.tolist()))


def check_indicator_classes(classes, n_labels):
    """The labels of a multilabel indicator matrix of ``n_labels`` columns (their indices), which
    ``classes``, where given (``partial_fit``), must be: a refusal, not an argument left out."""
    labels = np.arange(n_labels)
    if classes is not None and not same_labels(unique_labels(classes), labels):
        raise ValueError(  # scikit-learn's words, then ours
            f"`y` has classes not in `self.classes_`: classes={classes!r}, but y is a "
            f"multilabel indicator matrix of {n_labels} columns, whose labels are "
            f"{labels.tolist()} (pass those, or no classes)."
        )
    return labels


def check_total_weight(row_weights, name):
    """The weights must not all be zero, and their sum (the loss's normaliser) must be finite."""
    if not row_weights.any():
        # scikit-learn's words for sample_weight, then ours
        sklearn_words = "Sample weights must contain at least one non-zero number. "
        raise ValueError(
            (sklearn_words if name == "sample_weight" else "")
            + f"Every value of {name} is zero: at least one row needs a weight > 0."
        )
    with np.errstate(over="ignore"):
        total = row_weights.sum()
    if not np.isfinite(total):
        raise ValueError(
            f"The sum of {name} overflows to inf: divide the weights by a common factor."
        )


def _non_positive_layer_sizes(value):
    """MLPClassifier's own ValueError for a sequence of sizes with one <= 0, or ''."""
    if is_int(value) or isinstance(value, str) or not hasattr(value, "__iter__"):
        return ""
    try:
        sizes = list(value)
        non_positive = bool(np.any(np.array(sizes) <= 0))
    except (TypeError, ValueError):
        return ""
    return f"hidden_layer_sizes must be > 0, got {sizes}. " if non_positive else ""


def validate_params(estimator):
    """Raise InvalidParameterError naming the first parameter whose value is not allowed.

    Checks the estimator's own parameters (``get_params(deep=False)``) that the table knows.
    """
    params = estimator.get_params(deep=False)
    for name, (is_valid, allowed) in PARAMETER_CHECKS.items():
        if name not in params:
            continue
        value = params[name]
        if not is_valid(value):
            prefix = _non_positive_layer_sizes(value) if name == "hidden_layer_sizes" else ""
            # MLPRegressor takes loss first, by position: a call carried over passes it here
            moved = (
                name == "hidden_layer_sizes"
                and "loss" in params
                and PARAMETER_CHECKS["loss"][0](value)  # a loss's name
            )
            raise InvalidParameterError(
                f"{prefix}The {name!r} parameter of {type(estimator).__name__} must be "
                f"{allowed}. Got {shown(value)} instead."
                + (
                    " Pass loss by keyword (loss=...): MLPRegressor takes it first, by "
                    f"position, {type(estimator).__name__} takes hidden_layer_sizes first."
                    if moved
                    else ""
                )
            )


def fitted_layer_sizes(estimator):
    """The layer sizes of a fitted network, [inputs, units..., outputs], after checking that its
    ``coefs_`` and ``intercepts_`` (which a user may set by hand) fit ``n_features_in_``,
    ``n_outputs_`` and one another: a clear error instead of a matrix product's."""
    sizes = [estimator.n_features_in_]
    problem = _weights_problem(estimator.coefs_, estimator.intercepts_, sizes)
    outputs = getattr(estimator, "n_outputs_", sizes[-1])
    if problem is None and sizes[-1] != outputs:
        problem = f"the output layer has {sizes[-1]} units, where n_outputs_ is {outputs}"
    if problem is not None:
        raise ValueError(
            f"The fitted weights of this {type(estimator).__name__} do not fit together: "
            f"{problem}. Refit it, or set weights of matching shapes."
        )
    return sizes


def _weights_problem(coefs, intercepts, sizes):
    """What is wrong with the weights' shapes, or None; appends each layer's units to ``sizes``."""
    if len(coefs) != len(intercepts) or not coefs:
        return f"coefs_ and intercepts_ hold {len(coefs)} and {len(intercepts)} arrays"
    for layer, (coef, intercept) in enumerate(zip(coefs, intercepts)):
        for name, array in (("coefs_", coef), ("intercepts_", intercept)):
            if not hasattr(array, "shape"):
                return f"{name}[{layer}] is a {type(array).__name__}, not an array"
        units, shape = tuple(intercept.shape), tuple(coef.shape)
        if len(units) != 1:
            return f"intercepts_[{layer}] has shape {units}, not one of 1 dimension"
        if shape != (sizes[-1], units[0]):
            return (
                f"coefs_[{layer}] has shape {shape}, where {sizes[-1]} inputs to the layer "
                f"and its {units[0]} intercepts need {(sizes[-1], units[0])}"
            )
        sizes.append(units[0])
    return None
