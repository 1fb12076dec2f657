"""Drop-in fidelity (issue 13): log(predict_proba) is predict_log_proba, as in MLPClassifier."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier

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
