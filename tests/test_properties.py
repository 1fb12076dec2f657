"""Property-based tests (hypothesis) over shapes, dtypes, labels and parameters.

What is true, and tested here:
- predict_proba is always well formed: finite, in [0, 1], rows summing to 1 (single-label);
  predict is classes_ at the argmax of predict_proba (multilabel: proba > 0.5);
- a monotone relabelling of the classes keeps classes_ in the same order, so training is the
  same computation: the probabilities are bitwise identical and predict is the relabelled one;
- a non-monotone relabelling reorders classes_, hence the output units. Training from the same
  seed then starts from different output weights, so two fits are not comparable. What holds is
  equivariance: give the relabelled model the same weights with its output columns permuted,
  and its probabilities are the original's columns permuted, before and after more training;
- the rows of X are independent at predict time: permuting them permutes the outputs.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore:Got `batch_size` less than 1 or larger:UserWarning"),
]

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def problems(draw, min_classes=1, max_classes=4):
    """X (of some dtype and scale), integer class labels y, and estimator parameters."""
    n_classes = draw(st.integers(min_classes, max_classes))
    n_samples = draw(st.integers(max(n_classes, 2), 40))
    n_features = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features) * 10.0 ** draw(st.integers(-4, 4))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16, np.int64, bool]))
    if dtype is bool:
        X = X > 0
    elif dtype is np.int64:
        X = np.round(X * 3).astype(np.int64)
    else:
        X = X.astype(dtype)
    # every class present at least once, the rest drawn at random
    y = np.concatenate([np.arange(n_classes), rng.randint(n_classes, size=n_samples - n_classes)])
    rng.shuffle(y)
    params = {
        "hidden_layer_sizes": draw(st.sampled_from([(), (3,), (5,), (4, 3)])),
        "solver": draw(st.sampled_from(["adam", "sgd", "lbfgs"])),
        "alpha": draw(st.sampled_from([0.0, 1e-4, 1.0])),
        "max_iter": draw(st.integers(1, 8)),
        "batch_size": draw(st.sampled_from(["auto", 1, 7])),
        "learning_rate_init": draw(st.sampled_from([1e-3, 0.1, 10.0])),
        "random_state": draw(st.integers(0, 1000)),
    }
    return X, y, params


def fit(X, y, params, **fit_params):
    """The fitted estimator, or None where training diverged (with the documented error).

    Divergence is a legitimate outcome of some drawn parameters (a learning rate of 10 with
    alpha=1 and batches of one row makes SGD's L2 step overshoot): it must come with the clear
    error, and the tests then have nothing more to check.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            return TanhMLPClassifier(**params).fit(X, y, **fit_params)
        except ValueError as error:
            assert "Training diverged" in str(error) and "Scale the data" in str(error)
            return None


def assert_well_formed(proba, n_outputs, single_label=True):
    assert proba.shape[1] == n_outputs
    assert np.isfinite(proba).all()
    assert (proba >= 0).all() and (proba <= 1).all()
    if single_label:
        atol = 1e-5 if proba.dtype == np.float32 else 1e-10
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=atol)


def clear_argmax(proba, margin=1e-9):
    """Rows whose largest probability beats the runner-up by more than ``margin``."""
    if proba.shape[1] == 1:
        return np.ones(len(proba), dtype=bool)
    top_two = np.sort(proba, axis=1)[:, -2:]
    return top_two[:, 1] - top_two[:, 0] > margin


@SETTINGS
@given(problems())
def test_probabilities_are_well_formed_and_predict_is_their_argmax(problem):
    X, y, params = problem
    estimator = fit(X, y, params)
    assume(estimator is not None)
    proba = estimator.predict_proba(X)
    assert_well_formed(proba, len(np.unique(y)))
    np.testing.assert_array_equal(estimator.predict(X), estimator.classes_[proba.argmax(axis=1)])
    log_proba = estimator.predict_log_proba(X)
    assert not np.isnan(log_proba).any() and (log_proba <= 0).all()
    # predict_proba is the softmax itself, not exp(log_proba): the two agree to roundoff, which
    # for exp(log P) grows with |log P| (and is absolute below the smallest normal number).
    info = np.finfo(proba.dtype)
    tolerance = 8 * info.eps * (1 + np.abs(log_proba)) * proba + info.tiny
    assert (np.abs(np.exp(log_proba) - proba) <= tolerance).all()
    assert 0.0 <= estimator.score(X, y) <= 1.0


@SETTINGS
@given(problems(min_classes=2), st.integers(2, 4))  # one column is a binary target
def test_multilabel_probabilities_are_well_formed(problem, n_labels):
    X, y, params = problem
    rng = np.random.RandomState(params["random_state"])
    Y = (rng.rand(len(y), n_labels) > 0.5).astype(int)
    Y[:, 0] = y % 2  # at least one label that varies
    estimator = fit(X, Y, params)
    assume(estimator is not None)
    proba = estimator.predict_proba(X)
    assert_well_formed(proba, n_labels, single_label=False)
    assert ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(estimator.predict(X), (proba > 0.5).astype(int))


@st.composite
def monotone_relabellings(draw):
    """An increasing map of the labels 0..k-1 to ints, floats or strings of the same order."""
    kind = draw(st.sampled_from(["int", "float", "str", "negative"]))
    offset = draw(st.integers(-5, 5))
    step = draw(st.integers(1, 100))
    if kind == "int":
        return lambda y: y * step + offset
    if kind == "negative":
        return lambda y: -1000 + y * step
    if kind == "float":
        return lambda y: (y * step + offset).astype(float)
    return lambda y: np.array([f"class_{label:04d}" for label in y * step])


@SETTINGS
@given(problems(), monotone_relabellings())
def test_a_monotone_relabelling_changes_nothing_but_the_labels(problem, relabel):
    X, y, params = problem
    original = fit(X, y, params)
    relabelled = fit(X, relabel(y), params)
    assert (original is None) == (relabelled is None)  # the same computation, diverging or not
    assume(original is not None)
    np.testing.assert_array_equal(relabelled.classes_, relabel(original.classes_))
    np.testing.assert_array_equal(relabelled.predict_proba(X), original.predict_proba(X))
    np.testing.assert_array_equal(relabelled.predict(X), relabel(original.predict(X)))
    for left, right in zip(
        original.coefs_ + original.intercepts_, relabelled.coefs_ + relabelled.intercepts_
    ):
        np.testing.assert_array_equal(left, right)
    assert original.loss_curve_ == relabelled.loss_curve_


@SETTINGS
@given(problems(min_classes=2), st.data())
def test_a_non_monotone_relabelling_permutes_the_columns_and_nothing_else(problem, data):
    X, y, params = problem
    n_classes = len(np.unique(y))
    # A relabelling as a permutation of the labels, shifted so that the labels change too.
    mapping = np.array(data.draw(st.permutations(range(n_classes)))) + 10
    original = fit(X, y, params)
    relabelled = fit(X, mapping[y], params)
    assume(original is not None and relabelled is not None)
    # relabelled.classes_[j] = mapping[original.classes_[column[j]]]
    column = np.argsort(mapping)
    np.testing.assert_array_equal(relabelled.classes_, mapping[original.classes_[column]])

    # The same network, its output units renumbered as the relabelled classes_ says. Binary
    # targets have one logistic output, of the second class: swapping the two classes negates
    # its logit (sigmoid(-z) = 1 - sigmoid(z)).
    for layer in range(len(original.coefs_) - 1):
        relabelled.coefs_[layer][...] = original.coefs_[layer]
        relabelled.intercepts_[layer][...] = original.intercepts_[layer]
    if original.n_outputs_ == 1 and n_classes == 2:
        sign = -1.0 if column[0] == 1 else 1.0
        relabelled.coefs_[-1][...] = sign * original.coefs_[-1]
        relabelled.intercepts_[-1][...] = sign * original.intercepts_[-1]
    else:
        relabelled.coefs_[-1][...] = original.coefs_[-1][:, column]
        relabelled.intercepts_[-1][...] = original.intercepts_[-1][column]

    def check(tolerance):
        proba = original.predict_proba(X)
        if proba.dtype == np.float32:
            tolerance = {"rtol": 1e-5, "atol": 1e-7}
        np.testing.assert_allclose(relabelled.predict_proba(X), proba[:, column], **tolerance)
        clear = clear_argmax(proba, margin=1e-6)
        np.testing.assert_array_equal(
            relabelled.predict(X)[clear], mapping[original.predict(X)][clear]
        )

    check({"rtol": 1e-12, "atol": 1e-15})
    # Training goes on in step: only the order of some sums differs, so only rounding differs.
    if params["solver"] == "lbfgs" or params["learning_rate_init"] > 1e-3:
        return  # line searches and big steps can amplify rounding; the step above says it all
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        original.set_params(warm_start=True, max_iter=2).fit(X, y)
        relabelled.set_params(warm_start=True, max_iter=2).fit(X, mapping[y])
    check({"rtol": 1e-6, "atol": 1e-9})


@SETTINGS
@given(problems(), st.data())
def test_row_order_does_not_change_a_rows_prediction(problem, data):
    X, y, params = problem
    estimator = fit(X, y, params)
    assume(estimator is not None)
    order = np.array(data.draw(st.permutations(range(len(y)))))
    proba = estimator.predict_proba(X)
    # Exact in float64; float32 rounds a lone row (matrix-vector) unlike a block (matrix-matrix).
    tolerance = (
        {"rtol": 1e-5, "atol": 1e-7}
        if proba.dtype == np.float32
        else {"rtol": 1e-12, "atol": 1e-15}
    )
    np.testing.assert_allclose(estimator.predict_proba(X[order]), proba[order], **tolerance)
    clear = clear_argmax(proba)[order]
    np.testing.assert_array_equal(
        estimator.predict(X[order])[clear], estimator.predict(X)[order][clear]
    )
    # A row alone is predicted as within the batch.
    row = data.draw(st.integers(0, len(y) - 1))
    np.testing.assert_allclose(
        estimator.predict_proba(X[row : row + 1]), proba[row : row + 1], **tolerance
    )


@SETTINGS
@given(problems(max_classes=3), st.sampled_from([0.5, 2.0, 1e-3, 1e3]))
def test_uniform_sample_weights_only_rescale_alpha(problem, weight):
    # Every 1/n becomes 1/sum(w), the L2 term's too (as in scikit-learn): with weights c the loss
    # is (1/n) sum l + (alpha / c) / (2n) ||W||^2, so weights c and alpha * c give the unweighted
    # model with alpha: the same up to rounding.
    X, y, params = problem
    weighted = fit(
        X,
        y,
        dict(params, alpha=params["alpha"] * weight),
        sample_weight=np.full(len(y), weight),
    )
    assume(weighted is not None)
    proba = weighted.predict_proba(X)
    assert_well_formed(proba, len(np.unique(y)))
    if params["solver"] != "sgd" or params["learning_rate_init"] > 1e-3:
        return  # line searches, big steps and Adam's g / sqrt(v) on tiny g amplify rounding
    unweighted = fit(X, y, params)
    assume(unweighted is not None)
    tolerance = 1e-4 if proba.dtype == np.float32 else 1e-7
    np.testing.assert_allclose(proba, unweighted.predict_proba(X), rtol=tolerance, atol=tolerance)
