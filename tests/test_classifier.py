"""TanhMLPClassifier as a user sees it, and as a drop-in for MLPClassifier(activation="tanh")."""

import inspect
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import InvalidParameterError, TanhMLPClassifier


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def test_is_a_classifier_with_mlpclassifiers_parameters():
    ours = TanhMLPClassifier()
    assert is_classifier(ours)
    theirs = MLPClassifier(activation="tanh").get_params()
    ours_params = ours.get_params()
    for name, default in theirs.items():
        assert ours_params[name] == default, name
    assert set(ours_params) - set(theirs) == {"class_weight", "scoring"}
    assert TanhMLPClassifier((5,), "tanh").activation == "tanh"  # positional, as theirs


# ---------------------------------------------------------------- parity with MLPClassifier

PARITY = dict(hidden_layer_sizes=(7, 5), alpha=1e-3, random_state=0)


def _same_weights(ours, theirs, tol=1e-12):
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_parity_one_full_batch_plain_sgd_step(iris):
    X, y = iris
    settings = dict(
        PARITY,
        solver="sgd",
        momentum=0.0,
        batch_size=len(X),
        shuffle=False,
        learning_rate_init=0.1,
    )
    ours = TanhMLPClassifier(**settings)
    theirs = MLPClassifier(activation="tanh", **settings)
    # Same seed: both draw the same Glorot initial weights, then take one step.
    ours.partial_fit(X, y, classes=np.unique(y))
    theirs.partial_fit(X, y, classes=np.unique(y))
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12, abs=1e-12)
    _same_weights(ours, theirs)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12, atol=1e-12
    )


def test_parity_on_assigned_weights(iris):
    X, y = iris
    theirs = _quiet(
        MLPClassifier(activation="tanh", solver="adam", max_iter=30, **PARITY).fit, X, y
    )
    settings = dict(PARITY, solver="sgd", momentum=0.0, batch_size=len(X), shuffle=False)
    ours = _quiet(TanhMLPClassifier(**settings, max_iter=2).fit, X, y)
    ours.coefs_ = [c.copy() for c in theirs.coefs_]
    ours.intercepts_ = [b.copy() for b in theirs.intercepts_]
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))

    # One full-batch plain-SGD partial_fit step from the assigned weights, on both.
    reference = MLPClassifier(activation="tanh", **settings)
    reference.partial_fit(X, y, classes=np.unique(y))
    reference.coefs_ = [c.copy() for c in theirs.coefs_]
    reference.intercepts_ = [b.copy() for b in theirs.intercepts_]
    ours.partial_fit(X, y)
    reference.partial_fit(X, y)
    assert ours.loss_ == pytest.approx(reference.loss_, rel=1e-12)
    _same_weights(ours, reference)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_same_seed_trains_like_mlpclassifier(iris, solver):
    X, y = iris
    settings = dict(PARITY, solver=solver, max_iter=5, batch_size=32)
    ours = _quiet(TanhMLPClassifier(**settings).fit, X, y)
    theirs = _quiet(MLPClassifier(activation="tanh", **settings).fit, X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_rows_predicted_confidently_wrong_count_as_in_mlpclassifier(solver):
    # At this learning rate the network soon gives rows of their own class a probability below
    # eps: scikit-learn's log-loss counts each -log(eps) (its probabilities are clipped), and so
    # does ours; the exact cross-entropy gave a loss_ of 30.6 against 25.9, and every decision
    # taken on the loss (tol, n_iter_, the adaptive rate) could then differ.
    X = np.random.RandomState(0).randn(50, 3)
    y = (X[:, 0] > 0).astype(int) + (X[:, 2] > 1.5)
    settings = dict(solver=solver, learning_rate_init=100.0, hidden_layer_sizes=(4,))
    settings.update(max_iter=15, random_state=0)
    ours = _quiet(TanhMLPClassifier(**settings).fit, X, y)
    theirs = _quiet(MLPClassifier(activation="tanh", **settings).fit, X, y)
    z = ours.predict_log_proba(X)[np.arange(len(y)), y]
    assert (-z > -np.log(np.finfo(np.float64).eps)).any()  # some rows beyond the bound
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)


SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
BINARY_SOLVERS = {
    "adam": {"solver": "adam"},
    "sgd": {"solver": "sgd"},
    "lbfgs": {"solver": "lbfgs"},
    "adam early stopping": {"solver": "adam", "early_stopping": True},
    "sgd early stopping": {"solver": "sgd", "early_stopping": True},
}


@pytest.mark.parametrize("solver", BINARY_SOLVERS)
@pytest.mark.parametrize("labels", ["int", "str", "bool"])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_seed_trains_mlpclassifiers_binary_model(solver, labels, weighted):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = {"int": np.array([3, -1])[y], "str": np.array(["no", "yes"])[y], "bool": y == 1}[labels]
    weights = {}
    if weighted:
        if "sample_weight" not in inspect.signature(MLPClassifier.fit).parameters:
            pytest.skip("MLPClassifier.fit takes sample_weight from scikit-learn 1.7")
        weights = {"sample_weight": np.random.RandomState(0).uniform(0, 2, len(y))}
    settings = dict(PARITY, max_iter=20, **BINARY_SOLVERS[solver])
    if labels == "str" and settings.get("early_stopping") and SKLEARN_VERSION < (1, 7):
        pytest.skip(
            "MLPClassifier < 1.7 fails early stopping on string labels (scikit-learn issue "
            "33760; its test_mlp_early_stopping_string_labels came with the fix)"
        )
    ours = _quiet(TanhMLPClassifier(**settings).fit, X, y, **weights)
    theirs = _quiet(MLPClassifier(activation="tanh", **settings).fit, X, y, **weights)
    assert ours.n_outputs_ == theirs.n_outputs_ == 1
    assert ours.out_activation_ == theirs.out_activation_ == "logistic"
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.predict(X).dtype == theirs.predict(X).dtype
    if hasattr(theirs, "loss_curve_"):
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    else:
        assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-10)
    if settings.get("early_stopping"):
        np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)


# What "the same seed, the same model" promises (README, Differences): adam and sgd over whole
# runs, L-BFGS over short runs (the tests above: 20 iterations). A long L-BFGS run amplifies
# rounding (its line search): ours then differs from MLPClassifier as much as MLPClassifier
# differs from itself on another machine kind (benchmarks/parity.py), and is compared by quality.


@pytest.mark.parametrize("load", [load_iris, load_breast_cancer])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_whole_adam_and_sgd_runs_train_mlpclassifiers_model(load, solver):
    X, y = load(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    settings = dict(hidden_layer_sizes=(16, 8), solver=solver, random_state=1)  # max_iter=200
    ours = _quiet(TanhMLPClassifier(**settings).fit, X, y)
    theirs = _quiet(MLPClassifier(activation="tanh", **settings).fit, X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 200
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-10)


def test_long_lbfgs_runs_train_models_of_mlpclassifiers_quality():
    accuracies = []
    for load in (load_iris, load_digits, load_breast_cancer):
        X, y = load(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=0
        )
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        for seed in range(3):
            settings = dict(hidden_layer_sizes=(16, 8), solver="lbfgs", random_state=seed)
            pair = [
                _quiet(model.fit, X_train, y_train).score(X_test, y_test)
                for model in (
                    TanhMLPClassifier(**settings),
                    MLPClassifier(activation="tanh", **settings),
                )
            ]
            # a few test rows apart at most (rounding decides a row or two near the boundary)
            assert abs(pair[0] - pair[1]) <= 3 / len(y_test) + 1e-12, (load.__name__, seed, pair)
            accuracies.append(pair)
    ours, theirs = np.mean(accuracies, axis=0)
    assert ours >= theirs - 0.015


def test_warm_start_with_early_stopping_ends_every_fit_on_its_best_epoch():
    # MLPClassifier ends a second such fit on its last epoch (Differences); here each fit's
    # model scores its best_validation_score_
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X / 16, y, random_state=0, stratify=y)
    model = TanhMLPClassifier(
        warm_start=True, early_stopping=True, n_iter_no_change=3, max_iter=30, random_state=0
    )
    for _ in range(3):
        _quiet(model.fit, X_train, y_train, X_val=X_val, y_val=y_val)
        assert model.score(X_val, y_val) == model.best_validation_score_
        assert max(model.validation_scores_) == model.best_validation_score_


def test_warm_start_fit_that_never_beats_the_kept_best_score_says_so():
    """Its model is the one it started from (the best epoch so far): on new data, its training
    is thrown away, which a user must be told."""
    X, y = load_digits(return_X_y=True)
    X = X / 16
    noisy = X[900:] + np.random.RandomState(0).normal(0, 0.5, X[900:].shape)
    model = TanhMLPClassifier(
        (20,), learning_rate_init=0.01, early_stopping=True, n_iter_no_change=3,
        warm_start=True, random_state=0,
    )  # fmt: skip
    _quiet(model.fit, X[:900], y[:900])
    before, kept = [w.copy() for w in model.coefs_], model.best_validation_score_
    with pytest.warns(UserWarning, match=r"No epoch of this fit improved on best_validation_sc"):
        _quiet(model.fit, noisy, y[900:])
    assert model.best_validation_score_ == kept
    for old, new in zip(before, model.coefs_):
        np.testing.assert_array_equal(new, old)


@pytest.mark.parametrize("activation", ["relu", "logistic", "identity", "Tanh"])
def test_another_activation_is_refused_and_says_why(iris, activation):
    X, y = iris
    message = "'activation' parameter of TanhMLPClassifier must be 'tanh': the hidden layers"
    with pytest.raises(InvalidParameterError, match=message + ".*MLPClassifier"):
        TanhMLPClassifier(activation=activation).fit(X, y)


def test_swapping_the_import_is_the_whole_migration(iris):
    """MLPClassifier(activation="tanh", ...) with the class name changed, nothing else."""
    X, y = iris
    arguments = ((7,), "tanh")
    keywords = dict(solver="adam", alpha=1e-3, max_iter=10, random_state=0)
    ours = _quiet(TanhMLPClassifier(*arguments, **keywords).fit, X, y)
    theirs = _quiet(MLPClassifier(*arguments, **keywords).fit, X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)


@pytest.mark.parametrize(
    "load, solver",
    [
        (load_digits, "adam"),
        (load_iris, "adam"),
        (load_iris, "lbfgs"),
        (load_breast_cancer, "adam"),
        (load_breast_cancer, "sgd"),
        (load_breast_cancer, "lbfgs"),
    ],
)
def test_accuracy_at_least_mlpclassifiers(load, solver):
    """Mean accuracy over 5 stratified folds (digits: one split), default settings, scaled."""
    X, y = load(return_X_y=True)
    folds = (
        StratifiedKFold(4, shuffle=True, random_state=0)
        if load is not load_digits
        else [next(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))]
    )
    scores = []
    for model in (
        TanhMLPClassifier(solver=solver, random_state=0),
        MLPClassifier(activation="tanh", solver=solver, random_state=0),
    ):
        pipeline = make_pipeline(StandardScaler(), model)
        scores.append(_quiet(cross_val_score, pipeline, X, y, cv=folds).mean())
    assert scores[0] >= scores[1] - 0.01
    assert scores[0] > 0.9


# ---------------------------------------------------------------- fitted attributes


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_fitted_attributes(iris, solver):
    X, y = iris
    clf = _quiet(TanhMLPClassifier(hidden_layer_sizes=(6, 4), solver=solver, max_iter=20).fit, X, y)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert [c.shape for c in clf.coefs_] == [(4, 6), (6, 4), (4, 3)]
    assert [b.shape for b in clf.intercepts_] == [(6,), (4,), (3,)]
    assert clf.n_features_in_ == 4
    assert clf.n_layers_ == 4
    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == "softmax"
    assert 1 <= clf.n_iter_ <= 20
    assert np.isfinite(clf.loss_)
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.t_ == (0 if solver == "lbfgs" else clf.n_iter_ * len(X))


def test_binary_uses_one_logistic_output_as_mlpclassifier():
    X, y = make_classification(n_samples=60, random_state=0)
    clf = _quiet(TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=30).fit, X, y)
    assert clf.n_outputs_ == 1 and clf.coefs_[-1].shape == (5, 1)
    assert clf.out_activation_ == "logistic"
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    # the one output is the note's two-class softmax on the difference of its logits
    hidden = np.tanh(X @ clf.coefs_[0] + clf.intercepts_[0])
    logit = (hidden @ clf.coefs_[1] + clf.intercepts_[1])[:, 0]
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-logit)), rtol=1e-12)


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, 7, 11]),
        np.array(["cat", "dog", "emu"]),
        np.array(["cat", "dog", "emu"], dtype=object),
        np.array([False, True, True]),
        np.array([-1.0, 0.0, 2.0]),
    ],
)
def test_labels_of_every_kind_come_back_with_their_dtype(iris, labels):
    X, y = iris
    y_labels = labels[y % len(labels)]
    clf = _quiet(TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=50).fit, X, y_labels)
    predicted = clf.predict(X)
    assert predicted.dtype == clf.classes_.dtype
    assert set(predicted) <= set(y_labels)


def test_feature_names_are_recorded():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    clf = _quiet(TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=5).fit, X, y)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(pd.DataFrame(X.to_numpy(), columns=list("abcd")))


def test_assigned_weights_are_used_by_predict_and_the_next_partial_fit(iris):
    X, y = iris
    clf = TanhMLPClassifier(hidden_layer_sizes=(5,), solver="sgd", momentum=0.0, random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.coefs_ = [np.zeros_like(c) for c in clf.coefs_]
    clf.intercepts_[-1] = np.array([0.0, 5.0, 0.0])
    assert (clf.predict(X) == 1).all()
    clf.partial_fit(X, y)
    # the step started from the assigned (zero) weights: the hidden weights' gradient is zero
    np.testing.assert_array_equal(clf.coefs_[0], 0.0)


def test_warm_start_continues_from_the_previous_weights(iris):
    X, y = iris
    clf = TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0, warm_start=True)
    _quiet(clf.fit, X, y)
    first_curve = list(clf.loss_curve_)
    _quiet(clf.fit, X, y)
    assert clf.loss_curve_[:5] == first_curve and len(clf.loss_curve_) == 10
    assert clf.n_iter_ == 5
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[y < 2], y[y < 2])


def test_partial_fit_only_for_stochastic_solvers(iris):
    X, y = iris
    assert not hasattr(TanhMLPClassifier(solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit"):
        TanhMLPClassifier(solver="lbfgs").partial_fit(X, y, classes=[0, 1, 2])
    clf = TanhMLPClassifier(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:10], y[:10], classes=[0, 1, 2])
    assert clf.n_iter_ == 1 and clf.t_ == 10
    clf.partial_fit(X[10:30], y[10:30])
    assert clf.t_ == 30
    with pytest.raises(
        ValueError, match=r"`y` has classes not in `self.classes_`.*Not in classes_: \[7\]"
    ):
        clf.partial_fit(X[:2], np.array([0, 7]))
    with pytest.raises(ValueError, match="early_stopping"):
        clf.set_params(early_stopping=True).partial_fit(X, y)


@pytest.mark.parametrize("classes", [["a", "b", "c"], [0, 1], [0.0, 1.0, 2.0, 3.0]])
def test_partial_fit_other_classes_refused_without_a_numpy_warning(iris, classes):
    """Labels of text against the fit's numbers: one clear error, and no FutureWarning from
    NumPy < 1.25's elementwise comparison on the way (the oldest runtime CI tests)."""
    X, y = iris
    clf = TanhMLPClassifier(hidden_layer_sizes=(5,)).partial_fit(X, y, classes=[0, 1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        with pytest.raises(ValueError, match="is not the same as on last call to partial_fit"):
            clf.partial_fit(X, y, classes=classes)
        clf.partial_fit(X, y, classes=np.array([2.0, 0.0, 1.0]))  # the same labels, as floats


def test_verbose_prints_mlpclassifiers_lines(iris, capsys):
    X, y = iris
    _quiet(TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=3, verbose=True).fit, X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Kernels: ")  # ours: which kernel set runs (sktanhnet._compiled)
    assert lines[1].startswith("Iteration 1, loss = ")
    assert len(lines) == 4
    clf = TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=2, verbose=True)
    _quiet(clf.set_params(early_stopping=True).fit, X, y)
    assert "Validation score: " in capsys.readouterr().out


def test_convergence_warning_when_max_iter_ends_training(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        TanhMLPClassifier(hidden_layer_sizes=(5,), max_iter=2).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        TanhMLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=2).fit(X, y)


def test_tol_and_n_iter_no_change_stop_training(iris):
    X, y = iris
    clf = TanhMLPClassifier(hidden_layer_sizes=(5,), tol=10.0, n_iter_no_change=3).fit(X, y)
    # the first epoch improves on inf; the next four do not improve by 10: 4 > 3, stop
    assert clf.n_iter_ == 5


def test_adaptive_learning_rate_divides_by_five(iris):
    X, y = iris
    clf = TanhMLPClassifier(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.01,
        tol=10.0,
        n_iter_no_change=2,
        max_iter=7,
    )
    _quiet(clf.fit, X, y)
    # stopped improving after 3 epochs, then after 6: lr = 0.01 / 25
    assert clf._optimizer_state["learning_rate"] == pytest.approx(0.01 / 25)


def test_early_stopping_restores_the_best_epoch(iris):
    X, y = iris
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=1, stratify=y)
    clf = TanhMLPClassifier(
        hidden_layer_sizes=(5,),
        learning_rate_init=0.05,
        early_stopping=True,
        n_iter_no_change=5,
        max_iter=100,
        random_state=0,
    )
    _quiet(clf.fit, X_train, y_train, X_val=X_val, y_val=y_val)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(X_val, y_val) == clf.best_validation_score_
    assert clf.best_loss_ is None


def test_divergence_stops_with_a_clear_error():
    X, y = make_classification(n_samples=100, random_state=0)
    clf = TanhMLPClassifier(
        solver="sgd",
        learning_rate_init=1e12,
        momentum=0.99,
        max_iter=60,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with pytest.raises(ValueError, match="diverged.*Scale the data.*learning_rate_init"):
        clf.fit(X * 1e300, y)
    assert not hasattr(clf, "coefs_")


def test_unfitted_estimator_raises_not_fitted():
    with pytest.raises(NotFittedError):
        TanhMLPClassifier().predict(np.ones((2, 2)))


def test_works_in_pipeline_cross_validate_and_grid_search():
    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    pipeline = make_pipeline(
        StandardScaler(), TanhMLPClassifier(max_iter=30, learning_rate_init=0.01, random_state=0)
    )
    results = _quiet(cross_validate, pipeline, X, y, cv=3)
    assert results["test_score"].mean() > 0.8
    search = GridSearchCV(
        pipeline,
        {
            "tanhmlpclassifier__hidden_layer_sizes": [(10,), (30,)],
            "tanhmlpclassifier__alpha": [1e-4, 1e-2],
        },
        cv=3,
    )
    _quiet(search.fit, X, y)
    assert search.best_score_ > 0.8
    clone(search.best_estimator_)


def test_invalid_parameter_names_parameter_and_allowed_values(iris):
    X, y = iris
    with pytest.raises(ValueError, match="'solver' parameter .* among {'lbfgs', 'sgd', 'adam'}"):
        TanhMLPClassifier(solver="newton").fit(X, y)
    with pytest.raises(ValueError, match=r"'alpha' parameter .* range \[0\.0, inf\)\. Got -1"):
        TanhMLPClassifier(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match="'hidden_layer_sizes' parameter"):
        TanhMLPClassifier(hidden_layer_sizes=(10, 0)).fit(X, y)


@pytest.mark.parametrize(
    "sizes", ["series", "0-d arrays", "array", "tensor"], ids=lambda kind: kind.replace(" ", "_")
)
def test_hidden_layer_sizes_takes_any_ordered_array_like_as_mlpclassifier_does(iris, sizes):
    # a grid of sizes read from a table is a pandas Series; MLPClassifier takes "array-like"
    X, y = iris
    if sizes == "series":
        make = pytest.importorskip("pandas").Series
    elif sizes == "tensor":
        make = pytest.importorskip("torch").tensor
    else:
        make = (lambda v: [np.array(s) for s in v]) if sizes == "0-d arrays" else np.array
    settings = dict(max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = TanhMLPClassifier(hidden_layer_sizes=make([4, 3]), **settings).fit(X, y)
        expected = TanhMLPClassifier(hidden_layer_sizes=(4, 3), **settings).fit(X, y)
    for got, want in zip(model.coefs_, expected.coefs_):
        np.testing.assert_array_equal(got, want)
    if sizes == "series":  # the messages show it on one line, as a list
        message = r"^hidden_layer_sizes must be > 0, got \[4, 0\]\..* Got \[4, 0\] instead\.$"
        with pytest.raises(ValueError, match=message):
            TanhMLPClassifier(hidden_layer_sizes=make([4, 0])).fit(X, y)
    for unordered_or_not_ints in ({4, 3}, "43", [4.0], np.array([[4]]), [True], iter([4])):
        with pytest.raises(ValueError, match="'hidden_layer_sizes' parameter .* array-like"):
            TanhMLPClassifier(hidden_layer_sizes=unordered_or_not_ints).fit(X, y)


def test_classifier_has_mlpclassifiers_loss_attribute():
    assert TanhMLPClassifier().loss == MLPClassifier(activation="tanh").loss == "log_loss"
    assert "loss" not in TanhMLPClassifier().get_params()


def test_partial_fit_on_a_network_of_another_shape_says_to_call_fit():
    # warm_start does not apply to partial_fit: its advice would not help
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = TanhMLPClassifier(hidden_layer_sizes=(6,), max_iter=5, random_state=0).fit(X, y)
    model.set_params(hidden_layer_sizes=(3,))
    with pytest.raises(ValueError) as error:
        model.partial_fit(X, y)
    assert "(hidden_layer_sizes=(3,), and X's 4 features): coefs_[0] must have shape (4, 3)" in (
        str(error.value)
    )
    assert str(error.value).endswith("call fit to train one of the new shape.")
    with pytest.raises(ValueError, match="Refit with warm_start=False"):
        model.set_params(warm_start=True).fit(X, y)
