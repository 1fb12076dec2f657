"""Drop-in fidelity (issue 13): MLPClassifier's errors, word for word, and log(proba) = log_proba.

Each fault is raised on both estimators, with the installed scikit-learn: ours must raise the
same exception type (or a subclass) and its message must start with MLPClassifier's, our hint
coming after.
"""

import inspect
import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import sktanhnet
from sktanhnet import InvalidParameterError, TanhMLPClassifier

X = np.random.RandomState(0).uniform(size=(20, 3))
Y = np.arange(20) % 3


def _partial_fit_twice(estimator, first, second):
    return estimator.partial_fit(X, **first).partial_fit(X, **second)


def _warm_refit(estimator, y_again):
    return estimator.set_params(warm_start=True).fit(X, Y).fit(X, y_again)


# fault: (estimator parameters, the call that raises)
FAULTS = {
    "warm_start, fewer classes": ({}, lambda e: _warm_refit(e, Y % 2)),
    "warm_start, new classes": ({}, lambda e: _warm_refit(e, Y + 1)),
    "warm_start, string classes": ({}, lambda e: _warm_refit(e, np.array(["a", "b"])[Y % 2])),
    "partial_fit, unseen classes": (
        {},
        lambda e: _partial_fit_twice(e, {"y": Y, "classes": [0, 1, 2]}, {"y": Y + 1}),
    ),
    "partial_fit, other classes": (
        {},
        lambda e: _partial_fit_twice(
            e, {"y": Y, "classes": [0, 1, 2]}, {"y": Y, "classes": [0, 1, 2, 3]}
        ),
    ),
    "partial_fit, no classes": ({}, lambda e: e.partial_fit(X, Y)),
    "partial_fit, early stopping": (
        {"early_stopping": True},
        lambda e: e.fit(X, Y).partial_fit(X, Y),
    ),
    "early stopping, a class of one row": (
        {"early_stopping": True},
        lambda e: e.fit(X[:10], np.r_[np.zeros(9), 1]),
    ),
    "early stopping, fewer validation rows than classes": (
        {"early_stopping": True},
        lambda e: e.fit(X[:10], Y[:10] % 2),
    ),
    "early stopping, validation_fraction=0": (
        {"early_stopping": True, "validation_fraction": 0.0},
        lambda e: e.fit(X, Y),
    ),
    "early stopping, validation set too small": (
        {"early_stopping": True},
        lambda e: e.fit(X[:5], Y[:5]),
    ),
    "hidden_layer_sizes with a 0": ({"hidden_layer_sizes": (10, 0)}, lambda e: e.fit(X, Y)),
    "hidden_layer_sizes negative": ({"hidden_layer_sizes": [-1]}, lambda e: e.fit(X, Y)),
    "multiclass-multioutput y": ({}, lambda e: e.fit(X, np.c_[Y, Y])),
    "predict before fit": ({}, lambda e: e.predict(X)),
    "X of other width": ({}, lambda e: e.fit(X, Y).predict(X[:, :2])),
    "X with NaN": ({}, lambda e: e.fit(np.where(X > 0.9, np.nan, X), Y)),
    "y of other length": ({}, lambda e: e.fit(X, Y[:-1])),
    # ours said "Unknown label type: unknown. Maybe ... continuous values" where 1 came first
    "labels of two types, int first": ({}, lambda e: e.fit(X, np.array([1, "a"] * 10, object))),
    "labels of two types, str first": ({}, lambda e: e.fit(X, np.array(["a", 1] * 10, object))),
    # a warm fit on a multilabel y after single labels (of other classes than its columns, or
    # the same: 0 and 1)
    "multilabel y after three classes, warm": (
        {"warm_start": True},
        lambda e: e.fit(X, Y).fit(X, np.c_[Y == 0, Y == 1].astype(int)),
    ),
    "multilabel y after binary labels, warm": (
        {"warm_start": True},
        lambda e: e.fit(X, Y % 2).fit(X, np.c_[Y == 0, Y == 1].astype(int)),
    ),
}
if "sample_weight" in inspect.signature(MLPClassifier.fit).parameters:  # scikit-learn >= 1.7
    FAULTS |= {
        "sample_weight 2-D": ({}, lambda e: e.fit(X, Y, sample_weight=np.ones((20, 2)))),
        "sample_weight of other length": ({}, lambda e: e.fit(X, Y, sample_weight=np.ones(3))),
        "sample_weight all zero": ({}, lambda e: e.fit(X, Y, sample_weight=np.zeros(20))),
        "sample_weight NaN": ({}, lambda e: e.fit(X, Y, sample_weight=np.full(20, np.nan))),
    }


def _error(estimator, call):
    """The exception that ``call(estimator)`` raises, or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(estimator)
        except Exception as error:
            return error
    return None


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_same_error_as_mlpclassifier_then_ours(fault):
    parameters, call = FAULTS[fault]
    theirs = _error(MLPClassifier(activation="tanh", max_iter=2, **parameters), call)
    ours = _error(TanhMLPClassifier(max_iter=2, **parameters), call)
    if theirs is None:  # scikit-learn 1.6 trains on a validation set of one row
        assert fault == "early stopping, validation set too small"
        assert isinstance(ours, ValueError)
        return
    assert isinstance(ours, type(theirs))
    expected = str(theirs).replace("MLPClassifier", "TanhMLPClassifier")
    assert str(ours).startswith(expected), f"\n theirs: {theirs}\n ours:   {ours}"


@pytest.mark.parametrize(
    "parameters",
    [
        {"solver": "newton"},
        {"alpha": -1.0},
        {"momentum": 2},
        {"validation_fraction": 1.0},
        {"hidden_layer_sizes": 0},
        {"hidden_layer_sizes": "a"},
        {"batch_size": 0},
        {"max_iter": 0},
    ],
)
def test_invalid_parameters_raise_a_value_and_type_error_as_mlpclassifier(parameters):
    theirs = _error(MLPClassifier(**parameters), lambda e: e.fit(X, Y))
    ours = _error(TanhMLPClassifier(**parameters), lambda e: e.fit(X, Y))
    assert isinstance(theirs, ValueError) and isinstance(theirs, TypeError)
    assert type(ours) is InvalidParameterError
    assert isinstance(ours, ValueError) and isinstance(ours, TypeError)
    name = next(iter(parameters))
    assert str(ours).startswith(f"The {name!r} parameter of TanhMLPClassifier must be ")


def _in_set_order(message):
    """A message with each {'a', 'b'} choice sorted: scikit-learn's order is a set's, which
    changes from one process to the next."""
    return re.sub(
        r"\{([^{}]*)\}", lambda match: "{" + ", ".join(sorted(match[1].split(", "))) + "}", message
    )


@pytest.mark.parametrize(
    "parameters",
    [
        {"solver": "newton"},
        {"learning_rate": "x"},
        {"batch_size": 0},
        {"batch_size": "x"},
        {"alpha": -1},
        {"momentum": 2},
        {"validation_fraction": 1},
        {"learning_rate_init": 0},
        {"beta_2": 1},
        {"epsilon": 0},
        {"power_t": -1},
        {"tol": -1},
        {"max_iter": 0},
        {"max_fun": 0},
    ],
)
def test_invalid_parameters_are_worded_as_mlpclassifiers(parameters):
    # a review: "must be one of", "[0, inf)" where scikit-learn says "a str among", "[0.0, inf)"
    theirs = _error(MLPClassifier(**parameters), lambda e: e.fit(X, Y))
    ours = _error(TanhMLPClassifier(**parameters), lambda e: e.fit(X, Y))
    expected = _in_set_order(str(theirs).replace("MLPClassifier", "TanhMLPClassifier"))
    assert _in_set_order(str(ours)) == expected


def test_invalid_parameter_error_is_public():
    assert sktanhnet.InvalidParameterError is InvalidParameterError
    assert "InvalidParameterError" in sktanhnet.__all__
    for parameters in ({"class_weight": {0: "a"}}, {"class_weight": {0: -1.0}}, {"scoring": "x"}):
        with pytest.raises(InvalidParameterError):
            TanhMLPClassifier(max_iter=2, **parameters).fit(X, Y)


# ---------------------------------------------------------------- log(proba) = log_proba


def _data(kind):
    if kind == "multilabel":
        return make_multilabel_classification(n_samples=60, random_state=0)
    X, y = make_blobs(n_samples=60, centers=2 if kind == "binary" else 3, random_state=0)
    return X, y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["softmax", "binary", "multilabel"])
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_log_proba_is_the_log_of_proba(solver, kind, dtype):
    """Also where training saturates the probabilities (L-BFGS on separable data)."""
    X, y = _data(kind)
    X = X.astype(dtype)
    for seed in range(3):
        clf = TanhMLPClassifier(solver=solver, hidden_layer_sizes=30, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        proba = clf.predict_proba(X)
        log_proba = clf.predict_log_proba(X)
        assert proba.dtype == log_proba.dtype == dtype
        np.testing.assert_allclose(log_proba, np.log(proba))
        np.testing.assert_array_equal(log_proba.argmax(axis=1), proba.argmax(axis=1))
        if kind == "multilabel":
            assert (proba > 0).all() and (proba < 1).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multilabel_probabilities_stay_inside_0_1_when_saturated(dtype):
    X, Y = make_multilabel_classification(n_samples=30, n_classes=3, random_state=0)
    clf = TanhMLPClassifier(hidden_layer_sizes=(), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X.astype(dtype), Y)
    clf.coefs_[0][...] = np.array([[1e4], [-1e4], [0.0]]).T.repeat(len(X.T), axis=0)
    proba = clf.predict_proba(X.astype(dtype))
    assert (proba > 0).all() and (proba < 1).all()
    np.testing.assert_allclose(clf.predict_log_proba(X.astype(dtype)), np.log(proba))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_proba_is_finite_where_a_probability_underflows(dtype):
    """Probabilities are floored at the dtype's smallest normal number, log-probabilities at
    its log, where MLPClassifier's reach 0 and -inf."""
    X, y = make_blobs(n_samples=30, centers=3, random_state=0)
    X = X.astype(dtype)
    clf = TanhMLPClassifier(hidden_layer_sizes=(), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    clf.coefs_[0][...] = 0.0
    clf.intercepts_[0][...] = np.array([0.0, -2000.0, -1.0])
    proba = clf.predict_proba(X)
    tiny = np.finfo(dtype).tiny
    np.testing.assert_array_equal(proba[:, 1], tiny)
    np.testing.assert_allclose(
        proba[:, [0, 2]], np.broadcast_to([1, np.exp(-1)], (30, 2)) / (1 + np.exp(-1)), rtol=1e-6
    )
    log_proba = clf.predict_log_proba(X)
    np.testing.assert_array_equal(log_proba, np.log(proba))
    assert np.isfinite(log_proba).all()


@pytest.mark.parametrize("container", ["csr", "csc", "dense"])
def test_multilabel_predict_returns_the_container_of_y_as_mlpclassifier(container):
    # MLPClassifier's label binarizer gives CSR predictions for a sparse y
    import scipy.sparse as sp

    X_, Y_ = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    y_ = {"csr": sp.csr_matrix, "csc": sp.csc_matrix, "dense": np.asarray}[container](Y_)
    settings = {"hidden_layer_sizes": (5,), "max_iter": 20, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = TanhMLPClassifier(**settings).fit(X_, y_).predict(X_)
        theirs = MLPClassifier(activation="tanh", **settings).fit(X_, y_).predict(X_)
    assert type(ours) is type(theirs)
    dense = (lambda a: a.toarray()) if container != "dense" else np.asarray
    np.testing.assert_array_equal(dense(ours), dense(theirs))


def test_multilabel_early_stopping_trains_mlpclassifiers_model():
    """Multilabel targets are held out plainly, as MLPClassifier holds them out, the training
    rows in the split's order: the same batches, the same model."""
    from sklearn.preprocessing import StandardScaler

    X, Y = make_multilabel_classification(n_samples=300, n_features=8, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X)
    settings = dict(
        hidden_layer_sizes=(10,), early_stopping=True, n_iter_no_change=3, max_iter=60,
        learning_rate_init=0.01, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = TanhMLPClassifier(**settings).fit(X, Y)
        theirs = MLPClassifier(activation="tanh", **settings).fit(X, Y)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)


@pytest.mark.parametrize("regressor", [False, True], ids=["classifier", "regressor"])
@pytest.mark.parametrize(
    "params",
    [{}, {"early_stopping": True}, {"solver": "sgd"}, {"solver": "lbfgs"}],
    ids=["adam", "early_stopping", "sgd", "lbfgs"],
)
def test_the_losses_and_scores_have_mlps_types(regressor, params):
    # a review: ours were Python floats, where code that calls .item() on scikit-learn's fails
    from sklearn.neural_network import MLPRegressor

    from sktanhnet import TanhMLPRegressor

    theirs_class, ours_class = (
        (MLPRegressor, TanhMLPRegressor) if regressor else (MLPClassifier, TanhMLPClassifier)
    )
    X_, y_ = make_blobs(60, 3, centers=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = theirs_class(max_iter=3, random_state=0, **params).fit(X_, y_)
        ours = ours_class(max_iter=3, random_state=0, **params).fit(X_, y_)
    for name in ("loss_", "best_loss_", "best_validation_score_"):
        if hasattr(theirs, name):  # lbfgs: scikit-learn's has no best_loss_
            assert type(getattr(ours, name)) is type(getattr(theirs, name)), name
    for name in ("loss_curve_", "validation_scores_"):
        if getattr(theirs, name, None) is not None:
            assert {type(value) for value in getattr(ours, name)} == {
                type(value) for value in getattr(theirs, name)
            }, name
