"""Hostile inputs: each one either works (well-formed probabilities) or raises a ValueError or
TypeError whose message names the fault, in fit, partial_fit, predict*, and score.

Behaviour chosen where there was a choice (see also the module docstrings of
test_reliability.py):
- a single class works: predict returns that class, predict_proba a column of ones;
- sample weights that are negative, non-finite, all zero (also once multiplied by class_weight,
  or within the early-stopping split) or that sum to inf raise, in fit, partial_fit and score;
- float16, int, uint8 and bool inputs are converted to float64; float32 stays float32;
- inputs whose values overflow the network at predict time raise rather than return NaN.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_diabetes, make_classification
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import DivergenceError, TanhMLPClassifier, TanhMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(30, 4)
Y = np.arange(30) % 3
CLASSES = np.unique(Y)
SOLVERS = ["adam", "sgd", "lbfgs"]
PREDICT_METHODS = ["predict", "predict_proba", "predict_log_proba"]
ALL_METHODS = ["fit", "partial_fit", *PREDICT_METHODS, "score"]


def make(**params):
    params = {"hidden_layer_sizes": (5,), "max_iter": 5, "random_state": 0, **params}
    return TanhMLPClassifier(**params)


with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    FITTED = make().fit(X, Y)


def assert_well_formed(proba, n_outputs, single_label=True):
    """Finite probabilities in [0, 1]; rows sum to 1 for single-label targets."""
    assert proba.shape[1] == n_outputs
    assert np.isfinite(proba).all()
    assert (proba >= 0).all() and (proba <= 1).all()
    if single_label:
        atol = 1e-5 if proba.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=atol)


def call(method, X_, y_=Y, sample_weight=None, estimator=None):
    """Call ``method`` with the (possibly hostile) arguments, on a fresh or fitted estimator."""
    if method == "fit":
        return (estimator or make()).fit(X_, y_, sample_weight=sample_weight)
    if method == "partial_fit":
        return (estimator or make()).partial_fit(
            X_, y_, sample_weight=sample_weight, classes=CLASSES
        )
    estimator = estimator or FITTED
    if method == "score":
        return estimator.score(X_, y_, sample_weight=sample_weight)
    return getattr(estimator, method)(X_)


def with_value(value, container="dense"):
    X_ = X.copy()
    X_[3, 1] = value
    if container == "csr":
        return sp.csr_matrix(X_)
    if container == "csc":
        return sp.csc_matrix(X_)
    return X_


# ------------------------------------------------------------------ non-finite values


@pytest.mark.parametrize("container", ["dense", "csr", "csc"])
@pytest.mark.parametrize(
    "value, message",
    [
        (np.nan, "Input X contains NaN"),
        (np.inf, "Input X contains infinity"),
        (-np.inf, "infinity"),
    ],
)
@pytest.mark.parametrize("method", ALL_METHODS)
def test_non_finite_X_is_rejected(method, value, message, container):
    with pytest.raises(ValueError, match=message):
        call(method, with_value(value, container))


def _many_chunks(monkeypatch):
    """Prediction's chunks of X at most 3 rows (``_forward_chunks`` checks each): several
    chunks on each thread."""
    import sktanhnet._training as training

    monkeypatch.setattr(training, "INPUT_CHUNK_BYTES", 3 * X.shape[1] * 8)


@pytest.mark.parametrize(
    "faults",
    [{29: np.nan}, {28: np.inf}, {0: -np.inf, 29: np.nan}, {1: np.inf, 20: np.nan, 27: np.inf}],
    ids=["NaN in the last chunk", "inf", "inf first, NaN later", "NaN between infs"],
)
@pytest.mark.parametrize("estimator", ["classifier", "binary", "multilabel", "regressor"])
def test_prediction_checks_every_chunk_with_scikit_learns_message(estimator, faults, monkeypatch):
    """Prediction checks dense X chunk by chunk, as the network reads it: wherever the fault
    lies, the error is scikit-learn's input check's for the whole X, word for word (NaN is
    reported before inf, as check_array reports them), for each of its methods."""
    from sklearn.utils import check_array

    _many_chunks(monkeypatch)
    targets = {
        "classifier": Y,
        "binary": Y % 2,
        "multilabel": np.column_stack([Y % 2, Y == 1]),
        "regressor": X[:, 0],
    }[estimator]
    model = (make() if estimator != "regressor" else TanhMLPRegressor(max_iter=5)).fit(X, targets)
    X_ = X.copy()
    for row, value in faults.items():
        X_[row, 2] = value
    with pytest.raises(ValueError) as expected:
        check_array(X_, estimator=model, input_name="X")
    methods = ["predict", "score"] + (PREDICT_METHODS[1:] if estimator != "regressor" else [])
    for method in methods:
        arguments = (X_, targets) if method == "score" else (X_,)
        with pytest.raises(ValueError) as raised:
            getattr(model, method)(*arguments)
        assert str(raised.value) == str(expected.value), method


def test_prediction_accepts_finite_values_whose_sum_overflows(monkeypatch):
    """The chunk check's fast path (a sum) overflows on huge finite float32 values: those are
    looked at one by one, and predicted, not rejected."""
    _many_chunks(monkeypatch)
    model = make().fit(X.astype(np.float32), Y)
    huge = np.full((20, X.shape[1]), 1e37, np.float32)  # 12 of them sum to inf
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum(huge[:12]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the check's sum either
        proba = model.predict_proba(huge)
    assert_well_formed(proba, 3)
    np.testing.assert_array_equal(proba, np.repeat(proba[:1], len(huge), axis=0))


WIDE_X = np.random.RandomState(3).randn(40, 24)
WIDE_Y = np.arange(40) % 3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden", [(4,), (30, 4), ()], ids=["4", "30-4", "no hidden layer"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_prediction_sees_a_fault_through_either_first_product(hidden, dtype, value, monkeypatch):
    """Prediction reads X's faults in its first product, X W_1 (one row per data row: float32,
    24 inputs to 4 units) or W_1^T X^T (the others): a NaN or inf in any column, the one with the
    smallest weights too, gives scikit-learn's error, word for word."""
    from sklearn.utils import check_array

    _many_chunks(monkeypatch)
    model = make(hidden_layer_sizes=hidden).fit(WIDE_X.astype(dtype), WIDE_Y)
    column = int(np.argmin(np.abs(model.coefs_[0]).max(axis=1)))
    X_ = WIDE_X.astype(dtype)
    X_[17, column] = value
    with pytest.raises(ValueError) as expected:
        check_array(X_, estimator=model, input_name="X")
    for method in PREDICT_METHODS:
        with pytest.raises(ValueError) as raised, warnings.catch_warnings():
            warnings.simplefilter("error")  # no "invalid value encountered in matmul" first
            getattr(model, method)(X_)
        assert str(raised.value) == str(expected.value), method


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("hidden", [(4,), (30,), ()], ids=["4", "30", "no hidden layer"])
def test_prediction_accepts_finite_values_whose_first_products_overflow(hidden, dtype):
    """Finite X whose first products overflow to inf: X itself is then looked at, found finite,
    and predicted as before (tanh(inf) is 1), not rejected as a fault."""
    model = make(hidden_layer_sizes=hidden).fit(WIDE_X.astype(dtype), WIDE_Y)
    signs = np.where(model.coefs_[0][:, 0] < 0, -1, 1)  # the first unit's products all add up
    huge = (np.finfo(dtype).max / 4 * signs * np.ones((20, 1))).astype(dtype)
    huge[::2] *= -1
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(huge @ model.coefs_[0]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = model.predict_proba(huge)
    assert_well_formed(proba, 3)


def test_prediction_reads_x_where_an_input_has_no_weight():
    """Where every weight of an input is zero, its product says nothing of its values under a
    BLAS that skips multiplications by zero: X itself is read, and the fault reported."""
    model = make(hidden_layer_sizes=(4,)).fit(WIDE_X, WIDE_Y)
    model.coefs_[0][5, :] = 0.0
    X_ = WIDE_X.copy()
    X_[3, 5] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict_proba(X_)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(
    "value, message",
    [(np.nan, r"Input y(_true)? contains NaN"), (np.inf, "infinity"), (-np.inf, "infinity")],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit", "score"])
def test_non_finite_y_is_rejected(method, value, message):
    y_ = Y.astype(float)
    y_[4] = value
    with pytest.raises(ValueError, match=message):
        call(method, X, y_)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_multilabel_y_is_rejected(value):
    y_ = np.stack([Y == 0, Y == 1], axis=1).astype(float)
    y_[2, 1] = value
    with pytest.raises(ValueError, match=r"Input y contains (NaN|infinity)"):
        make().fit(X, y_)


@pytest.mark.parametrize("shift", ["minus-one-one", "zero-two", "one-two"])
@pytest.mark.parametrize("where", ["fit", "partial_fit", "y_val", "sparse"])
def test_multilabel_y_of_other_values_than_0_1_is_rejected(shift, where):
    # scikit-learn takes any two integers as an indicator matrix and trains on them as if they
    # were 0 and 1: with -1, the binary cross-entropy has no floor, the weights grow without
    # bound and the model predicts nothing; refused, naming the values
    indicator = np.stack([Y == 0, Y == 1], axis=1).astype(int)
    bad = {"minus-one-one": 2 * indicator - 1, "zero-two": 2 * indicator, "one-two": indicator + 1}
    bad = bad[shift]
    values = re.escape(str(np.unique(bad).tolist()))
    name = "y_val" if where == "y_val" else "y"
    message = rf"^{name} must be a 0/1 multilabel indicator matrix .*got the values {values}\.$"
    with pytest.raises(ValueError, match=message):
        if where == "fit":
            make().fit(X, bad)
        elif where == "partial_fit":
            model = make().partial_fit(X, indicator)
            model.partial_fit(X, bad)
        elif where == "sparse":
            make().fit(X, sp.csr_matrix(bad))
        else:
            make().fit(X, indicator, X_val=X, y_val=bad)


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (np.where(Y == 0, np.nan, 1.0), "Input sample_weight contains NaN"),
        (np.where(Y == 0, np.inf, 1.0), "Input sample_weight contains infinity"),
        (np.where(Y == 0, -1.0, 1.0), "Negative values in sample_weight"),
        (np.zeros(30), "Every value of sample_weight is zero"),
        (0.0, "Every value of sample_weight is zero"),
        (-2.0, "Negative values in sample_weight"),
        (np.full(30, 1e308), "The sum of sample_weight overflows"),
        (np.ones(29), r"sample_weight.shape == \(29,\), expected \(30,\)"),
        (np.ones((30, 1)), "Sample weights must be 1D array or scalar, got 2D array"),
        (np.array(["a"] * 30), "sample_weight must hold numbers"),
        (np.ones(30) + 1j, "Complex data not supported"),
    ],
    ids=[
        "nan",
        "inf",
        "negative",
        "zeros",
        "scalar0",
        "scalar-neg",
        "sum-inf",
        "short",
        "2d",
        "str",
        "complex",
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit", "score"])
def test_bad_sample_weight_is_rejected(method, sample_weight, message):
    with pytest.raises(ValueError, match=message):
        call(method, X, Y, sample_weight=sample_weight)


@pytest.mark.parametrize("solver", SOLVERS)
def test_class_weight_that_zeroes_every_row_is_rejected(solver):
    # Non-zero sample weights only on class 0, whose class weight is 0: nothing left to learn.
    estimator = make(solver=solver, class_weight={0: 0.0})
    with pytest.raises(ValueError, match=r"Every value of sample_weight \* class_weight is zero"):
        estimator.fit(X, Y, sample_weight=(Y == 0).astype(float))
    with pytest.raises(ValueError, match=r"Every value of class_weight \(over the rows. classes"):
        make(solver=solver, class_weight={0: 0, 1: 0, 2: 0}).fit(X, Y)


def test_zero_weights_in_the_early_stopping_split_are_rejected():
    sample_weight = np.zeros(30)
    sample_weight[0] = 1.0  # one weighted row: one side of the split has no weight at all
    with pytest.raises(ValueError, match="sample_weight of the (training|validation) split"):
        make(early_stopping=True, validation_fraction=0.5).fit(X, Y, sample_weight=sample_weight)


def test_zero_validation_weights_are_rejected():
    with pytest.raises(ValueError, match="Every value of sample_weight_val is zero"):
        make().fit(X, Y, X_val=X, y_val=Y, sample_weight_val=np.zeros(30))
    with pytest.raises(ValueError, match=r"class_weight \(over y_val's classes\) is zero"):
        make(class_weight={0: 0.0}).fit(X, Y, X_val=X[Y == 0], y_val=Y[Y == 0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_weights_so_tiny_that_the_l2_term_overflows_are_named_in_the_divergence(solver):
    # alpha over the weights' sum is inf: the advice is to scale the weights, not only the data
    with pytest.raises(DivergenceError, match=r"The rows' weights are tiny \(their mean is 1e-3"):
        make(solver=solver).fit(X, Y, sample_weight=np.full(30, 1e-320))
    make(solver=solver, alpha=0.0).fit(X, Y, sample_weight=np.full(30, 1e-320))  # no L2 term


@pytest.mark.parametrize("scale", [1e-12, 1.0, 1e12])
@pytest.mark.parametrize("solver", SOLVERS)
def test_sample_weight_scales_work(solver, scale):
    estimator = make(solver=solver).fit(X, Y, sample_weight=np.full(30, scale))
    assert_well_formed(estimator.predict_proba(X), 3)


# ------------------------------------------------------------------ types and shapes


@pytest.mark.parametrize(
    "bad, message",
    [
        (X + 1j, "Complex data not supported"),
        (np.full((30, 4), "word"), "could not convert string to float"),
        (np.full((30, 4), "word", dtype=object), "could not convert string to float"),
        (np.array([[1.0, None, 2.0, 3.0]] * 30, dtype=object), "Input X contains NaN"),
        (X[:0], r"Found array with 0 sample\(s\)"),
        (X[:, :0], r"Found array with 0 feature\(s\)"),
        (X[:, 0], "Expected 2D array, got 1D array"),
        (X[:, :, None], "Found array with dim 3"),
        (3.0, "Expected 2D array, got scalar array"),
        ([[1.0, 2.0], [3.0]] * 15, "inhomogeneous"),
    ],
    ids=[
        "complex",
        "str",
        "object-str",
        "object-None",
        "zero-rows",
        "zero-features",
        "1d",
        "3d",
        "scalar",
        "ragged",
    ],
)
@pytest.mark.parametrize("method", ALL_METHODS)
def test_bad_X_is_rejected(method, bad, message):
    y_ = Y[: len(bad)] if hasattr(bad, "__len__") and len(bad) < 30 else Y
    with pytest.raises((ValueError, TypeError), match=message):
        call(method, bad, y_)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_numeric_strings_and_objects_are_converted(method):
    estimator = call(method, X.astype(str))
    assert_well_formed(estimator.predict_proba(X.astype(object)), 3)


@pytest.mark.parametrize(
    "y_, exception, message",
    [
        (RNG.rand(30), ValueError, "Unknown label type: continuous"),
        (Y + 0.5, ValueError, "Unknown label type: continuous"),
        (Y + 1j, ValueError, "Complex data not supported"),
        (Y.astype(object), ValueError, "Unknown label type: unknown"),
        # scikit-learn's MLP: the TypeError of sorting them (ours adds what to do)
        (np.array([1, "a"] * 15, dtype=object), TypeError, "not supported.*several types"),
        (np.array([None, "a"] * 15, dtype=object), ValueError, "Unknown label type"),
        (np.stack([Y, Y * 2], axis=1), ValueError, "Multiclass-multioutput targets are not"),
        (Y[:, None, None], ValueError, "Found array with dim 3"),
        (Y[:-1], ValueError, "inconsistent numbers of samples"),
        (None, ValueError, "requires y to be passed"),
        (3, TypeError, "at least 1 dimension"),
    ],
    ids=[
        "continuous",
        "half-integers",
        "complex",
        "object-ints",
        "mixed",
        "None-label",
        "multiclass-multioutput",
        "3d",
        "short",
        "None",
        "scalar",
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_y_is_rejected(method, y_, exception, message):
    with pytest.raises(exception, match=message):
        call(method, X, y_)


@pytest.mark.parametrize("y_", [Y, np.array([1, "a"] * 15, dtype=object)], ids=["ints", "mixed"])
def test_classes_of_several_types_are_named(y_):
    # scikit-learn's MLP: the bare TypeError of sorting them; ours names `classes` and the fix
    classes = np.array([1, "a", 2], dtype=object)
    with pytest.raises(TypeError, match=r"not supported.*classes holds labels of several types"):
        make().partial_fit(X, y_, classes=classes)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(
    "y_, message",
    [
        (Y[:-1], "inconsistent numbers of samples"),
        (RNG.rand(30), "mix of continuous and multiclass"),
        pytest.param(
            Y.astype(str),
            "Mix of label input types",
            marks=pytest.mark.skipif(
                tuple(int(p) for p in sklearn.__version__.split(".")[:2]) < (1, 9),
                reason="older scikit-learn's accuracy_score compares mixed label types silently",
            ),
        ),
        (np.where(Y == 0, np.nan, Y), "Input y_true contains NaN"),
    ],
    ids=["short", "continuous", "strings", "nan"],
)
def test_score_rejects_bad_y(y_, message):
    with pytest.raises(ValueError, match=message):
        FITTED.score(X, y_)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_X_y_length_mismatch_is_rejected(method):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        call(method, X[:-1], Y)


# ------------------------------------------------------------------ a single class


@pytest.mark.parametrize("label", [7, "only", -3.0, True])
@pytest.mark.parametrize("solver", SOLVERS)
def test_a_single_class_works(solver, label):
    y_ = np.full(30, label)
    for estimator in [make(solver=solver), make(solver=solver, early_stopping=True)]:
        estimator.fit(X, y_)
        assert estimator.classes_.tolist() == [label]
        np.testing.assert_array_equal(estimator.predict(X), y_)
        np.testing.assert_array_equal(estimator.predict_proba(X), np.ones((30, 1)))
        np.testing.assert_array_equal(estimator.predict_log_proba(X), np.zeros((30, 1)))
        assert estimator.score(X, y_) == 1.0


def test_a_single_class_works_in_partial_fit_and_with_class_weight():
    y_ = np.zeros(30, dtype=int)
    estimator = make().partial_fit(X, y_, classes=[0]).partial_fit(X, y_)
    np.testing.assert_array_equal(estimator.predict(X), y_)
    estimator = make(class_weight="balanced").fit(X, y_)
    np.testing.assert_array_equal(estimator.predict_proba(X), np.ones((30, 1)))


def test_a_batch_with_fewer_classes_is_fine_in_partial_fit():
    estimator = make().partial_fit(X[Y == 0], Y[Y == 0], classes=CLASSES)
    assert_well_formed(estimator.predict_proba(X), 3)


# ------------------------------------------------------------------ invalid parameters

INVALID_PARAMETERS = {
    "hidden_layer_sizes": [
        *[0, -1, 1.5, "5", (5, 0), (5, -2), (5, 2.0), [None], None, True],
        *[iter([5]), {5}, {5: 1}, np.array(5), np.array([[5]])],
    ],
    "activation": ["relu", "logistic", "identity", "Tanh", None, 1],
    "solver": ["SGD", "newton", None, 1],
    "alpha": [-1e-9, np.nan, np.inf, "0.1", None, True, 10**400],
    "batch_size": [0, -1, 1.5, "max", None, True],
    "learning_rate": ["const", None, 1],
    "learning_rate_init": [0, -1.0, np.nan, np.inf, "1", None, 10**400],
    "power_t": [-0.5, np.nan, np.inf, None],
    "max_iter": [0, -1, 1.5, np.inf, None, True],
    "shuffle": [0, 1, "yes", None],
    "random_state": [-1, 2**32, 1.5, "0", np.random.default_rng(0)],
    "tol": [-1.0, np.nan, np.inf, None, 10**400],
    "verbose": [-1, 1.5, "yes", None],
    "warm_start": [0, "no", None],
    "momentum": [-0.1, 1.1, np.nan, None],
    "nesterovs_momentum": [0, "no", None],
    "early_stopping": [0, "no", None],
    "validation_fraction": [-0.1, 1, 1.5, np.nan, None],
    "beta_1": [-0.1, 1, np.nan, None],
    "beta_2": [-0.1, 1, np.nan, None],
    "epsilon": [0, -1.0, np.nan, np.inf, None, 10**400],
    "n_iter_no_change": [0, -1, 1.5, -np.inf, np.nan, None],
    "max_fun": [0, -1, 1.5, None],
    "class_weight": ["bal", "Balanced", [1, 2, 3], np.array([1.0, 2.0, 3.0]), 1.0, (0, 1)],
    "scoring": [3, "nope", ["accuracy"], {"a": "accuracy"}],
}
INVALID_CASES = [
    pytest.param(name, value, id=f"{name}={value!r}")
    for name, values in INVALID_PARAMETERS.items()
    for value in values
]


def test_every_parameter_has_invalid_values():
    assert set(INVALID_PARAMETERS) == set(TanhMLPClassifier().get_params())


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("name, value", INVALID_CASES)
def test_invalid_parameter_is_rejected(name, value, method):
    params = {name: value}
    if method == "partial_fit" and name != "solver":
        params["solver"] = "sgd"  # partial_fit exists for the stochastic solvers only
    estimator = make(**params)
    if method == "partial_fit" and name == "solver":
        # An invalid solver hides partial_fit (as a non-stochastic one does).
        assert not hasattr(estimator, "partial_fit")
        return
    with pytest.raises(ValueError, match=re.escape(f"'{name}' parameter")):
        call(method, X, Y, estimator=estimator)


@pytest.mark.parametrize(
    "class_weight, message",
    [
        ({0: "a"}, "class_weight values must be numbers"),
        ({0: None}, "class_weight values must be numbers"),
        ({0: [1, 2]}, "class_weight values must be numbers"),
        ({0: -1.0}, "class_weight values must be finite and >= 0"),
        ({0: np.nan}, "class_weight values must be finite and >= 0"),
        ({0: np.inf}, "class_weight values must be finite and >= 0"),
        ({7: 1.0}, r"class_weight names classes not in the data: \[7\]"),
        ({"0": 1.0}, r"class_weight names classes not in the data: \['0'\]"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_invalid_class_weight_values_are_rejected(method, class_weight, message):
    with pytest.raises(ValueError, match=message):
        call(method, X, Y, estimator=make(class_weight=class_weight))


def test_class_weight_misuse_is_rejected():
    multilabel = np.stack([Y == 0, Y == 1], axis=1).astype(int)
    with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
        make(class_weight={0: 2.0}).fit(X, multilabel)
    with pytest.raises(ValueError, match="class_weight='balanced' is not supported by partial"):
        make(class_weight="balanced").partial_fit(X, Y, classes=CLASSES)


def _nan_scorer(estimator, X_, y_):
    return np.nan


def _text_scorer(estimator, X_, y_):
    return "good"


def _plain_scorer(estimator, X_, y_):
    return estimator.score(X_, y_)


def _minus_inf_scorer(estimator, X_, y_):
    return -np.inf


@pytest.mark.parametrize(
    "scoring, message",
    [
        (_nan_scorer, "returned nan on the validation data"),
        (_minus_inf_scorer, "returned -inf on the validation data"),
        (_text_scorer, "returned 'good' on the validation data"),
    ],
)
def test_scorer_returning_no_number_is_rejected(scoring, message):
    with pytest.raises(ValueError, match=message + r" \(the early-stopping split\)"):
        make(scoring=scoring, early_stopping=True).fit(X, Y)


@pytest.mark.parametrize(
    "estimator, scoring, cause",
    [
        ("classifier", "neg_log_loss", "ValueError: "),  # the scorer's own words follow
        ("classifier", "roc_auc_ovr", "ValueError: "),
        ("regressor", "accuracy", "ValueError: "),
        ("regressor", "neg_log_loss", "AttributeError: "),
    ],
)
def test_a_scorer_that_fails_on_the_validation_data_is_named_with_advice(estimator, scoring, cause):
    # the scorer's own error alone (from deep in a metric) gave no hint of what to change
    X_, y_ = make_classification(n_samples=200, n_classes=3, n_informative=3, random_state=0)
    if estimator == "classifier":
        model, fit = make(scoring=scoring), {"X_val": X_[:20], "y_val": y_[:20] % 2}
    else:
        model, fit = TanhMLPRegressor((5,), scoring=scoring, early_stopping=True, max_iter=3), {}
        y_ = X_[:, 0]
    with pytest.raises(ValueError) as raised:
        model.fit(X_, y_, **fit)
    message = str(raised.value)
    assert message.startswith(f"scoring={scoring!r} could not score the validation data (")
    assert f"): {cause}" in message and "choose another scoring (scoring='loss'" in message
    assert isinstance(raised.value.__cause__, (ValueError, AttributeError))
    # the advice of its kind: classes for a classifier, not for a regressor
    assert ("every class" in message) == (estimator == "classifier")
    assert ("made for classifiers fails on a regressor" in message) == (estimator == "regressor")


def test_a_scorer_whose_metric_takes_no_weights_is_told_so_where_rows_are_weighed():
    """Not the advice about missing classes, which does not apply."""
    from sklearn.metrics import make_scorer

    def agreement(y_true, y_pred):  # no sample_weight
        return float(np.mean(y_true == y_pred))

    X_, y_ = make_classification(n_samples=200, random_state=0)
    model = make(scoring=make_scorer(agreement), class_weight="balanced")
    with pytest.raises(ValueError, match=r"TypeError: .*sample_weight.*Its metric takes no samp"):
        model.fit(X_[20:], y_[20:], X_val=X_[:20], y_val=y_[:20])


@pytest.mark.parametrize("scoring, name", [(None, "R^2"), ("loss", "the negative validation loss")])
def test_an_infinite_validation_score_is_refused_not_stopped_on(scoring, name):
    # every epoch's score -inf: nothing would ever improve, and early stopping would hand back
    # the first weights in silence
    X_, y_ = load_diabetes(return_X_y=True)
    estimator = TanhMLPRegressor((), early_stopping=True, scoring=scoring, random_state=0)
    message = f"The validation score ({name}) is -inf on the validation data (X_val, y_val)"
    with pytest.raises(ValueError, match=re.escape(message) + ".*scale X_val as X"):
        estimator.fit(X_, y_, X_val=X_ * 1e160, y_val=y_)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_undefined_score_on_x_val_names_x_val_and_the_cause(solver):
    # roc_auc is undefined on a single class: the message names X_val, y_val and the cause,
    # and does not blame early stopping, which is off
    X_, y_ = make_classification(n_samples=300, random_state=0)
    one_class = y_[200:] == 0
    estimator = TanhMLPClassifier((5,), solver=solver, scoring="roc_auc", max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's own warning about the single class
        with pytest.raises(ValueError) as raised:
            estimator.fit(X_[:200], y_[:200], X_val=X_[200:][one_class], y_val=y_[200:][one_class])
    message = str(raised.value)
    assert "scoring='roc_auc' returned nan on the validation data (X_val, y_val)" in message
    assert "single class" in message
    assert "early stopping" not in message


@pytest.mark.parametrize("sample_weight", [None, np.ones(30)])
def test_a_plain_callable_scorer_works(sample_weight):
    # scoring(estimator, X, y) as documented: no sample_weight parameter needed
    estimator = make(scoring=_plain_scorer, early_stopping=True, validation_fraction=0.3)
    estimator.fit(X, Y, sample_weight=sample_weight)
    assert len(estimator.validation_scores_) == estimator.n_iter_


@pytest.mark.parametrize(
    "validation, message",
    [
        ({"X_val": with_value(np.nan)}, "Invalid validation data X_val, y_val: Input X contains"),
        ({"X_val": sp.csr_matrix(with_value(np.inf))}, "X_val, y_val: Input X contains infinity"),
        ({"y_val": np.where(Y == 0, np.nan, Y)}, "X_val, y_val: Input y contains NaN"),
        ({"X_val": X[:5]}, "X_val, y_val: Found input variables with inconsistent numbers"),
        ({"X_val": X[:, :3]}, "X_val, y_val: X has 3 features"),
        ({"y_val": Y + 7}, r"`y_val` has classes not in .*Not in classes_: \[7, 8, 9\]"),
        ({"sample_weight_val": np.where(Y == 0, np.nan, 1.0)}, "sample_weight_val contains NaN"),
        ({"sample_weight_val": -np.ones(30)}, "Negative values in sample_weight_val"),
        ({"X_val": None}, "y_val and sample_weight_val need X_val"),
        ({"y_val": None}, "X_val needs y_val"),
    ],
    ids=[
        "X-nan",
        "X-inf-csr",
        "y-nan",
        "short",
        "features",
        "classes",
        "w-nan",
        "w-neg",
        "no-X",
        "no-y",
    ],
)
def test_bad_validation_data_is_rejected(validation, message):
    validation = {"X_val": X, "y_val": Y, **validation}
    with pytest.raises(ValueError, match=message):
        make().fit(X, Y, **validation)


def test_zero_validation_fraction_with_early_stopping_is_rejected():
    with pytest.raises(
        ValueError, match="test_size=0.0 should be .*set validation_fraction in \\(0, 1\\)"
    ):
        make(early_stopping=True, validation_fraction=0.0).fit(X, Y)
    make(validation_fraction=0.0).fit(X, Y)  # allowed without early stopping, as in sklearn


def test_partial_fit_misuse_is_rejected():
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        make().partial_fit(X, Y)
    with pytest.raises(ValueError, match=r"`y` has classes not in .*Not in classes_: \[2\]"):
        make().partial_fit(X, Y, classes=[0, 1])
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        make(early_stopping=True).partial_fit(X, Y, classes=CLASSES)
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'"):
        make(solver="lbfgs").partial_fit(X, Y, classes=CLASSES)


# ------------------------------------------------------------------ changed features


@pytest.mark.parametrize("method", ["partial_fit", *PREDICT_METHODS, "score"])
def test_changed_number_of_features_is_rejected(method):
    estimator = make().partial_fit(X, Y, classes=CLASSES)
    for X_ in [X[:, :3], np.hstack([X, X[:, :1]])]:
        with pytest.raises(ValueError, match=r"X has \d features, but TanhMLPClassifier is"):
            call(method, X_, estimator=estimator)


def test_changed_number_of_features_in_warm_start_is_rejected():
    estimator = make(warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="X has 3 features, but TanhMLPClassifier is expecting"):
        estimator.fit(X[:, :3], Y)
    with pytest.raises(ValueError, match="X has 3 features"):
        estimator.fit(X, Y, X_val=X[:, :3], y_val=Y)


@pytest.mark.parametrize(
    "change",
    ["renamed", "reordered", "fewer", "extra"],
)
@pytest.mark.parametrize("method", ["partial_fit", *PREDICT_METHODS, "score"])
def test_changed_feature_names_are_rejected(method, change):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    estimator = make().partial_fit(frame, Y, classes=CLASSES)
    changed = {
        "renamed": frame.rename(columns={"a": "z"}),
        "reordered": frame[list("bacd")],
        "fewer": frame[list("abc")],
        "extra": frame.assign(e=1.0),
    }[change]
    with pytest.raises(ValueError, match="The feature names should match those"):
        call(method, changed, estimator=estimator)


def test_feature_names_given_or_dropped_only_warn():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    with_names = make().fit(frame, Y)
    assert with_names.feature_names_in_.tolist() == list("abcd")
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        np.testing.assert_array_equal(with_names.predict(X), with_names.predict(frame))
    without_names = make().fit(X, Y)
    with pytest.warns(UserWarning, match="X has feature names, but TanhMLPClassifier was fitted"):
        np.testing.assert_array_equal(without_names.predict(frame), without_names.predict(X))


def test_feature_names_warnings_about_X_val_name_X_val():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    for fit_X, X_val, message in [
        (X, frame, "X_val has feature names, but TanhMLPClassifier was fitted without"),
        (frame, X, "X_val does not have valid feature names, but TanhMLPClassifier was fitted"),
    ]:
        with pytest.warns(UserWarning, match=message) as caught:
            make().fit(fit_X, Y, X_val=X_val, y_val=Y)
        assert not [w for w in caught if str(w.message).startswith("X ")]
        assert caught[0].filename == __file__  # the user's line, not the package's
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # raised as it is worded
            with pytest.raises(UserWarning, match=message):
                make().fit(fit_X, Y, X_val=X_val, y_val=Y)
    # labels of np.str_ are no names to scikit-learn: one warning, in X_val's words
    odd = pd.DataFrame(X, columns=pd.Index([np.str_(c) for c in "abcd"], dtype=object))
    with pytest.warns(UserWarning, match="X_val does not have valid feature names") as caught:
        make().fit(frame, Y, X_val=odd, y_val=Y)
    assert len([w for w in caught if "feature names" in str(w.message)]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        make().fit(X, Y, X_val=odd, y_val=Y)  # no names on either side: no warning
        try:
            import pyarrow
        except ImportError:
            pyarrow = None
        if pyarrow is not None:  # names scikit-learn reads (not .columns): the same, no warning
            table = pyarrow.table({name: X[:, i] for i, name in enumerate("abcd")})
            make().fit(table, Y, X_val=table, y_val=Y)
            make().fit(frame, Y, X_val=table, y_val=Y)
    try:
        from sktanhnet.dask import DaskTanhMLPClassifier
    except ImportError:
        return
    with pytest.warns(UserWarning, match="X_val has feature names") as caught:
        DaskTanhMLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, Y, X_val=frame, y_val=Y)
    assert [w.filename for w in caught if "X_val" in str(w.message)] == [__file__]


def test_fits_with_X_val_in_threads_leave_the_warnings_machinery_as_it_was():
    # the feature-name check of X_val once recorded warnings process-wide (catch_warnings),
    # which threads left pointing at a finished record: every later warning was lost
    import threading

    shown = warnings.showwarning, warnings._showwarnmsg_impl

    def work():
        for _ in range(60):
            TanhMLPClassifier((2,), max_iter=1).fit(X, Y, X_val=X, y_val=Y)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (warnings.showwarning, warnings._showwarnmsg_impl) == shown


def test_hostile_dataframes():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    with pytest.raises(TypeError, match="Feature names are only supported if all input"):
        make().fit(pd.DataFrame(X, columns=["a", 1, "b", 2]), Y)
    with pytest.raises(ValueError, match="could not convert string to float"):
        make().fit(frame.assign(a="x"), Y)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        make().fit(frame.astype("Float64").mask(frame > 1.5), Y)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        make().fit(frame, pd.Series(Y).astype("Int64").mask(pd.Series(Y) == 0))
    categorical = make().fit(frame, pd.Series(np.array(list("xyz"))[Y]).astype("category"))
    assert categorical.classes_.tolist() == ["x", "y", "z"]


# ------------------------------------------------------------------ data that must work


@pytest.mark.parametrize("scale", [1e-12, 1e12])
@pytest.mark.parametrize("solver", SOLVERS)
def test_extreme_feature_scales_work(solver, scale):
    estimator = make(solver=solver).fit(X * scale, Y)
    for X_ in [X * scale, X, X * 1e12, X * 1e-12]:
        assert_well_formed(estimator.predict_proba(X_), 3)
        assert np.isfinite(estimator.predict_log_proba(X_)).all()


@pytest.mark.parametrize("solver", SOLVERS)
def test_mixed_extreme_scales_and_constant_columns_work(solver):
    X_ = np.column_stack([X[:, 0] * 1e12, X[:, 1] * 1e-12, np.full(30, 5.0), np.zeros(30)])
    estimator = make(solver=solver).fit(X_, Y)
    assert_well_formed(estimator.predict_proba(X_), 3)
    constant = make(solver=solver).fit(np.ones((30, 4)), Y)  # nothing to learn from
    assert_well_formed(constant.predict_proba(np.ones((30, 4))), 3)


@pytest.mark.parametrize("hidden_layer_sizes", [(), (5,)])
def test_huge_inputs_at_predict_never_give_nan(hidden_layer_sizes):
    estimator = make(solver="lbfgs", max_iter=50, hidden_layer_sizes=hidden_layer_sizes)
    estimator.fit(X, Y)
    biggest = np.finfo(np.float64).max
    huge = np.sign(X) * biggest
    # Two inputs whose products with the largest first-layer weights are +inf and -inf: the
    # network computes inf - inf = NaN, which must be reported, not returned.
    coef = estimator.coefs_[0][:, 0]
    overflow = np.zeros((1, 4))
    first, second = np.argsort(-np.abs(coef))[:2]
    overflow[0, first] = biggest * np.sign(coef[first])
    overflow[0, second] = -biggest * np.sign(coef[second])
    for X_ in [huge, X * 1e300, overflow]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow in matmul
            try:
                proba = estimator.predict_proba(X_)
            except ValueError as error:
                assert "too large" in str(error) and "Scale X" in str(error)
            else:
                assert_well_formed(proba, 3)


def test_twenty_thousand_features_work():
    X_ = RNG.randn(20, 20_000)
    y_ = np.arange(20) % 2
    for X_fit in [X_, sp.csr_matrix(np.where(np.abs(X_) > 2, X_, 0.0))]:
        estimator = make().fit(X_fit, y_)
        assert estimator.coefs_[0].shape == (20_000, 5)
        assert_well_formed(estimator.predict_proba(X_fit), 2)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"solver": "sgd"},
        {"solver": "lbfgs"},
        {"early_stopping": True},
        {"class_weight": "balanced"},
    ],
    ids=["adam", "sgd", "lbfgs", "early_stopping", "balanced"],
)
def test_150_classes_with_few_rows_each_work(params):
    y_ = np.repeat(np.arange(150), 2)
    X_ = RNG.randn(300, 4)
    estimator = make(**params).fit(X_, y_)
    assert_well_formed(estimator.predict_proba(X_), 150)
    assert set(estimator.predict(X_)) <= set(y_)


@pytest.mark.filterwarnings("ignore:The number of unique classes:UserWarning")
def test_150_classes_one_row_each_with_early_stopping():
    # Stratifying is impossible with one row per class: a plain random split is used.
    estimator = make(early_stopping=True).fit(RNG.randn(150, 4), np.arange(150))
    assert_well_formed(estimator.predict_proba(X), 150)


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.float16, np.float64),
        (np.float32, np.float32),
        (np.int64, np.float64),
        (np.int8, np.float64),
        (np.uint8, np.float64),
        (bool, np.float64),
    ],
)
@pytest.mark.parametrize("solver", SOLVERS)
def test_input_dtypes_work(solver, dtype, expected):
    X_ = (X * 3).astype(dtype) if dtype is not bool else X > 0
    estimator = make(solver=solver).fit(X_, Y)
    proba = estimator.predict_proba(X_)
    assert proba.dtype == expected
    assert_well_formed(proba, 3)
    if dtype is not np.float16:  # scipy.sparse has no float16
        for sparse in [sp.csr_matrix, sp.csc_matrix]:
            np.testing.assert_allclose(estimator.predict_proba(sparse(X_)), proba, rtol=1e-5)


@pytest.mark.parametrize(
    "y_",
    [Y > 0, Y.astype(np.int8), Y.astype(np.uint64), Y.astype(float), np.array(list("abc"))[Y]],
    ids=["bool", "int8", "uint64", "float", "str"],
)
def test_label_dtypes_work(y_):
    estimator = make().fit(X, y_)
    prediction = estimator.predict(X)
    assert prediction.dtype == y_.dtype
    assert set(prediction) <= set(y_)
    assert_well_formed(estimator.predict_proba(X), len(np.unique(y_)))


@pytest.mark.parametrize("solver", SOLVERS)
def test_hostile_multilabel_targets_work(solver):
    # A label that is never on, one that is always on, and a normal one.
    y_ = np.column_stack([np.zeros(30), np.ones(30), Y == 1]).astype(int)
    estimator = make(solver=solver).fit(X * 1e12, y_)
    proba = estimator.predict_proba(X * 1e12)
    assert_well_formed(proba, 3, single_label=False)
    assert ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(estimator.predict(X * 1e12), proba > 0.5)


def test_predict_methods_need_a_fit():
    from sklearn.exceptions import NotFittedError

    for method in PREDICT_METHODS + ["score"]:
        with pytest.raises(NotFittedError, match="not fitted yet"):
            call(method, X, estimator=make())


def test_convergence_warnings_are_the_only_warnings_on_clean_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        make().fit(X, Y).predict_proba(X)


def _stop_iteration_scorer(estimator, X_, y_):
    raise StopIteration


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_scorer_raising_stop_iteration_fails_the_fit_on_every_solver(solver):
    # scipy's L-BFGS takes a StopIteration from its callback for a request to stop: it must not
    # turn a failing scorer into a fit that seems to have succeeded
    fitted = make(max_iter=3).fit(X, Y)
    before = fitted.predict_proba(X)
    estimator = fitted.set_params(solver=solver, scoring=_stop_iteration_scorer)
    with pytest.raises((StopIteration, RuntimeError)) as raised:
        estimator.fit(X, Y, X_val=X, y_val=Y)
    if solver == "lbfgs":
        assert "raised StopIteration during an L-BFGS iteration" in str(raised.value)
    np.testing.assert_array_equal(estimator.predict_proba(X), before)  # left as it was


@pytest.mark.parametrize(
    "make_y",
    [
        lambda values: list(values) + [None],
        lambda values: np.array(list(values) + [None], dtype=object),
        lambda values: __import__("pandas").Series(list(values) + [None], dtype=object),
        lambda values: __import__("pandas").Series(
            list(values) + [__import__("pandas").NA], dtype=object
        ),
        # pandas' nullable floats reach NumPy as NaN: scikit-learn's own message names them
        lambda values: __import__("pandas").Series(list(values) + [None], dtype="Float64"),
    ],
    ids=["list-None", "object-None", "Series-None", "Series-NA", "Float64-NA"],
)
@pytest.mark.parametrize("estimator", ["regressor", "classifier"])
def test_a_missing_target_value_is_named_as_one(make_y, estimator):
    """Not as a diverging fit, nor as pandas' "boolean value of NA is ambiguous"."""
    pytest.importorskip("pandas")
    from sktanhnet import TanhMLPRegressor

    X = np.random.RandomState(0).normal(size=(12, 3))
    values = [0.5, 1.5, 2.5] * 4 if estimator == "regressor" else [0, 1, 2] * 4
    y = make_y(values[:11])
    model = (TanhMLPRegressor if estimator == "regressor" else TanhMLPClassifier)(max_iter=5)
    message = r"Input y contains NaN or other missing values \(None, pandas.NA\) in 1 row\(s\), "
    message += "the first at row 11"
    if estimator == "classifier":
        message = "Unknown label type: " + message  # MLPClassifier's words first
    if getattr(y, "dtype", None) == "Float64":
        # NaN to NumPy from pandas >= 2.1 (scikit-learn's "Input y contains NaN."), pandas.NA
        # in an object array before (ours)
        message = r"Input y contains NaN"
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


_X_4 = np.random.RandomState(0).normal(size=(60, 4))


def _set_layer(model, layer, coef, intercept):
    model.coefs_[layer], model.intercepts_[layer] = coef, intercept


@pytest.mark.parametrize("estimator", [TanhMLPClassifier, TanhMLPRegressor])
@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: m.coefs_.__setitem__(0, np.zeros((5, 7))), r"coefs_\[0\] has shape \(5, 7\), "
         r"where 4 inputs to the layer and its 7 intercepts need \(4, 7\)"),
        (lambda m: m.coefs_.__setitem__(1, np.zeros((7, 9))), r"coefs_\[1\] has shape \(7, 9\)"),
        (lambda m: m.coefs_.__setitem__(0, np.zeros(28)), r"coefs_\[0\] has shape \(28,\)"),
        (lambda m: m.intercepts_.pop(), "coefs_ and intercepts_ hold 2 and 1 arrays"),
        (lambda m: (m.coefs_.clear(), m.intercepts_.clear()),
         "coefs_ and intercepts_ hold 0 and 0 arrays"),
        (lambda m: m.intercepts_.__setitem__(0, np.zeros((7, 1))),
         r"intercepts_\[0\] has shape \(7, 1\), not one of 1 dimension"),
        (lambda m: m.coefs_.__setitem__(0, np.zeros((4, 7)).tolist()),
         r"coefs_\[0\] is a list, not an array"),
        (lambda m: _set_layer(m, 1, np.zeros((7, 5)), np.zeros(5)),
         r"the output layer has 5 units, where n_outputs_ is [13]"),
    ],
)  # fmt: skip
def test_hand_changed_weights_that_do_not_fit_are_named(estimator, change, message):
    """Weights set by hand: one line naming the array at fault, not a matrix product's error
    (or, with one output unit too many, predicted classes beyond classes_)."""
    y = np.arange(60) % 3 if estimator is TanhMLPClassifier else _X_4[:, 0]
    model = estimator((7,), max_iter=3, random_state=0).fit(_X_4, y)
    change(model)
    methods = ["predict"] + (["predict_proba"] if estimator is TanhMLPClassifier else [])
    for method in methods:
        with pytest.raises(ValueError, match=f"do not fit together: {message}.*Refit it"):
            getattr(model, method)(_X_4)


@pytest.mark.parametrize("estimator", [TanhMLPClassifier, TanhMLPRegressor])
@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_weights_whose_sum_passes_float32s_range_train_as_smaller_ones(estimator, solver):
    """A batch's sum of weights s is float64, as its division w_i / s: 150 weights of 1e37 (a
    sum past float32's largest number) train a float32 model as weights of 1e30 do. With s in
    float32 (the compiled kernels before) every delta was 0: no training, and no word of it."""
    X32 = np.random.RandomState(1).randn(150, 4).astype(np.float32)
    y = np.arange(150) % 3 if estimator is TanhMLPClassifier else X32[:, 0] - X32[:, 1]
    models = [
        estimator(
            hidden_layer_sizes=(5,), solver=solver, max_iter=20, random_state=0,
            learning_rate_init=0.01,
        ).fit(X32, y, sample_weight=np.full(150, weight))
        for weight in (1e30, 1e37)
    ]  # fmt: skip
    for small, large in zip(models[0].coefs_, models[1].coefs_):
        np.testing.assert_allclose(large, small, rtol=1e-4, atol=1e-5)
    assert models[1].n_iter_ == models[0].n_iter_ > 1
    assert models[1].loss_curve_[-1] < models[1].loss_curve_[0]


def test_adam_second_moment_past_float32s_range_raises_instead_of_freezing():
    """A gradient past 1.8e19 in float32 (Poisson counts of 1e21 here) squares to inf in Adam's
    second moment: every step it takes is then 0, the weights frozen with a finite loss. That is
    a DivergenceError naming it; float64 trains."""
    from sktanhnet import DivergenceError

    rng = np.random.RandomState(0)
    X_ = rng.randn(40, 3)
    counts = rng.poisson(np.exp(X_[:, 0])).astype(float) * 1e21
    settings = dict(hidden_layer_sizes=(5,), loss="poisson", max_iter=30, random_state=0)
    with pytest.raises(DivergenceError, match=r"\(float32\) once squared in Adam's second moment"):
        TanhMLPRegressor(**settings).fit(X_.astype(np.float32), counts)
    model = TanhMLPRegressor(**settings).fit(X_, counts)
    assert model.loss_curve_[-1] < 0.999 * model.loss_curve_[0]
    # alpha / s past float32's range, s a batch's tiny weights: the message names it
    weights = np.r_[np.full(20, 1e-30), np.full(20, 1e30)]
    with pytest.raises(DivergenceError, match="with tiny sample weights, alpha / .* lower alpha"):
        make(solver="adam", batch_size=20, shuffle=False, hidden_layer_sizes=(5,)).fit(
            X_.astype(np.float32), np.arange(40) % 2, sample_weight=weights
        )
    sgd = TanhMLPRegressor(**settings, solver="sgd")  # no second moment: its own fate
    try:
        sgd.fit(X_.astype(np.float32), counts)
    except DivergenceError as error:
        assert "second moment" not in str(error)
