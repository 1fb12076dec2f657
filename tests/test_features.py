"""Data kinds and features beyond MLPClassifier: multilabel, sparse, float32, class_weight,
scoring, a given validation set, weighted validation, validation_loss_curve_."""

import inspect
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

SOLVERS = ["adam", "sgd", "lbfgs"]


@pytest.fixture(autouse=True)
def _no_convergence_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _small(**params):
    return TanhMLPClassifier(hidden_layer_sizes=(6,), random_state=0, **params)


# ---------------------------------------------------------------- 1. multilabel


@pytest.mark.parametrize("solver", SOLVERS)
def test_multilabel_targets_use_sigmoid_outputs(solver):
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = _small(solver=solver, max_iter=100, learning_rate_init=0.01).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    np.testing.assert_array_equal(clf.classes_, np.arange(4))
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 4) and ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    assert clf.score(X, Y) > 0.3  # subset accuracy (all 4 labels right; chance is ~0.06)


def test_multilabel_partial_fit_and_probabilities_strictly_inside():
    X, Y = make_multilabel_classification(n_samples=60, n_features=5, n_classes=3, random_state=1)
    clf = _small()
    clf.partial_fit(X, Y, classes=np.arange(3))
    clf.partial_fit(X, Y)
    assert clf.t_ == 120
    clf.intercepts_[-1] = np.array([1e3, -1e3, 0.0])  # saturate two outputs
    proba = clf.predict_proba(X)
    assert ((proba > 0) & (proba < 1)).all()
    with pytest.raises(ValueError, match="multilabel indicator matrix with 3 columns"):
        clf.partial_fit(X, Y[:, :2])


@pytest.mark.parametrize("classes", [[0, 1], [0, 1, 2, 3], ["a", "b", "c"]])
def test_multilabel_partial_fit_refuses_classes_other_than_the_columns(classes):
    # the labels of an indicator matrix are its column indices: other classes are not left out
    X, Y = make_multilabel_classification(n_samples=60, n_features=5, n_classes=3, random_state=1)
    with pytest.raises(ValueError, match=r"^`y` has classes not in `self.classes_`: classes="):
        _small().partial_fit(X, Y, classes=classes)
    assert _small().partial_fit(X, Y, classes=[2, 0, 1]).classes_.tolist() == [0, 1, 2]


# ---------------------------------------------------------------- 2. sparse


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_equals_dense(data, solver, fmt):
    X, y = data
    X = np.where(np.abs(X) < 0.7, 0.0, X)
    X_sparse = sp.csr_matrix(X).asformat(fmt)
    dense = _small(solver=solver, max_iter=15).fit(X, y)
    sparse = _small(solver=solver, max_iter=15).fit(X_sparse, y)
    for a, b in zip(dense.coefs_, sparse.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(X_sparse), rtol=1e-10, atol=1e-10
    )
    np.testing.assert_array_equal(dense.predict(X), sparse.predict(X_sparse))


def test_sparse_partial_fit_equals_dense(data):
    X, y = data
    X = np.where(np.abs(X) < 0.7, 0.0, X)
    dense, sparse = _small(solver="sgd"), _small(solver="sgd")
    for _ in range(3):
        dense.partial_fit(X, y, classes=[0, 1, 2])
        sparse.partial_fit(sp.csr_matrix(X), y, classes=[0, 1, 2])
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(sp.csc_matrix(X)), rtol=1e-10, atol=1e-10
    )


def test_sparse_input_with_nan_is_rejected(data):
    X, y = data
    X_sparse = sp.csr_matrix(X)
    X_sparse.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _small().fit(X_sparse, y)


# ---------------------------------------------------------------- 3. float32


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_stays_float32(data, solver):
    X, y = data
    clf = _small(solver=solver, max_iter=10).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    if solver != "lbfgs":
        arrays = [v for v in clf._optimizer_state.values() if isinstance(v, np.ndarray)]
        assert arrays and all(a.dtype == np.float32 for a in arrays)
    float64 = _small(solver=solver, max_iter=10).fit(X, y)
    np.testing.assert_allclose(
        clf.predict_proba(X.astype(np.float32)), float64.predict_proba(X), atol=1e-3
    )


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float16])
def test_other_numeric_inputs_train_in_float64(data, dtype):
    X, y = data
    clf = _small(max_iter=5).fit((X > 0).astype(dtype), y)
    assert clf.coefs_[0].dtype == np.float64


# ---------------------------------------------------------------- 4. class_weight


def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(
        n_samples=1000, n_features=10, weights=[0.93, 0.07], flip_y=0.02, random_state=3
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    recalls = {}
    for class_weight in (None, "balanced"):
        clf = TanhMLPClassifier(hidden_layer_sizes=(10,), class_weight=class_weight, random_state=0)
        clf.fit(X_train, y_train)
        recalls[class_weight] = recall_score(y_test, clf.predict(X_test), pos_label=1)
    assert recalls["balanced"] > recalls[None] + 0.05


def test_class_weight_dict_equals_sample_weight(data):
    X, y = data
    weights = {0: 2.0, 1: 0.5, 2: 1.0}
    by_class = _small(solver="lbfgs", max_iter=20, class_weight=weights).fit(X, y)
    by_row = _small(solver="lbfgs", max_iter=20).fit(
        X, y, sample_weight=np.vectorize(weights.get)(y)
    )
    np.testing.assert_allclose(by_class.predict_proba(X), by_row.predict_proba(X), rtol=1e-10)


def test_balanced_class_weight_weighs_the_validation_set_as_its_dict_does():
    """class_weight="balanced" weighs the validation rows by the training rows' class frequencies,
    as the equivalent dict does, and as a split of X is weighed: the same validation curves."""
    from sklearn.utils.class_weight import compute_class_weight

    X, y = make_classification(n_samples=800, n_features=8, weights=[0.88], random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    as_dict = dict(enumerate(compute_class_weight("balanced", classes=np.array([0, 1]), y=y_train)))
    models = [
        _small(class_weight=weights, scoring="loss", max_iter=8).fit(
            X_train, y_train, X_val=X_val, y_val=y_val
        )
        for weights in ("balanced", as_dict, None)
    ]
    balanced, by_dict, unweighted = (model.validation_loss_curve_ for model in models)
    np.testing.assert_allclose(balanced, by_dict, rtol=1e-12)
    assert not np.allclose(balanced, unweighted, rtol=1e-3)


def test_balanced_class_weight_counts_the_sample_weights():
    """With sample weights, "balanced" weighs the classes by their total weights (scikit-learn's
    compute_class_weight with sample_weight, >= 1.7): rows of weight zero are as if dropped,
    integer weights as repeated rows, and a given validation set is weighed by the same."""
    X, y = make_classification(n_samples=300, n_features=6, weights=[0.3, 0.7], random_state=1)
    weights = np.random.RandomState(0).randint(0, 4, len(y)).astype(float)
    weights[np.flatnonzero(y == 0)[:60]] = 0.0  # most of class 0's rows
    params = dict(solver="lbfgs", max_iter=15, class_weight="balanced")
    kept = weights > 0
    by_weight = _small(**params).fit(X, y, sample_weight=weights)
    repeated = np.repeat(np.arange(len(y)), weights.astype(int))
    for same in (
        _small(**params).fit(X[kept], y[kept], sample_weight=weights[kept]),
        _small(**params).fit(X[repeated], y[repeated]),
    ):
        for ours, theirs in zip(by_weight.coefs_, same.coefs_):
            np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)
    # the class weights themselves, through a given validation set
    totals = np.bincount(y, weights=weights)
    as_dict = {label: totals.sum() / (2 * totals[label]) for label in (0, 1)}
    from sklearn.utils.class_weight import compute_class_weight

    if "sample_weight" in inspect.signature(compute_class_weight).parameters:  # >= 1.7
        expected = compute_class_weight(
            "balanced", classes=np.array([0, 1]), y=y, sample_weight=weights
        )
        np.testing.assert_allclose(list(as_dict.values()), expected, rtol=1e-15)
    curves = [
        _small(**dict(params, class_weight=class_weight))
        .fit(X, y, sample_weight=weights, X_val=X[:50], y_val=y[:50])
        .validation_loss_curve_
        for class_weight in ("balanced", as_dict)
    ]
    np.testing.assert_allclose(*curves, rtol=1e-12)


def test_a_scorer_without_sample_weight_is_warned_of_where_the_weights_differ(data):
    X, y = data

    def accuracy(estimator, X, y):
        return float(np.mean(estimator.predict(X) == y))

    uneven = np.where(y == 0, 0.5, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="takes no sample_weight argument: the validation"):
            _small(early_stopping=True, max_iter=2, scoring=accuracy).fit(X, y, uneven)
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # a UserWarning: filtered first
        _small(early_stopping=True, max_iter=2, scoring=accuracy).fit(X, y, np.full(len(y), 2.0))
        _small(early_stopping=True, max_iter=2, scoring="accuracy").fit(X, y, uneven)


def test_class_weight_errors(data):
    X, y = data
    with pytest.raises(ValueError, match=r"class_weight names classes not in the data: \[5\]"):
        _small(class_weight={0: 1.0, 5: 2.0}).fit(X, y)
    with pytest.raises(ValueError, match="'balanced' is not supported by partial_fit"):
        _small(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"Every value of class_weight \(over the rows' classes"):
        _small(class_weight={0: 0, 1: 0, 2: 0}).fit(X, y)
    with pytest.raises(ValueError, match="'class_weight' parameter"):
        _small(class_weight="heavy").fit(X, y)


# ---------------------------------------------------------------- 5. scoring


@pytest.mark.parametrize("scoring", [None, "loss", "roc_auc_ovr", "neg_log_loss", "f1_macro"])
def test_scoring_is_what_early_stopping_monitors(data, scoring):
    X, y = data
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0, stratify=y)
    clf = _small(early_stopping=True, scoring=scoring, max_iter=40, learning_rate_init=0.01)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    best = clf.best_validation_score_
    assert best == max(clf.validation_scores_)
    # the restored weights are those of the best epoch, scored with the chosen scorer
    if scoring is None:
        assert clf.score(X_val, y_val) == pytest.approx(best)
    elif scoring == "loss":
        assert -log_loss(y_val, clf.predict_proba(X_val)) == pytest.approx(best)
    else:
        scorer = sklearn.metrics.get_scorer(scoring)
        assert scorer(clf, X_val, y_val) == pytest.approx(best)


def test_callable_scoring(data):
    X, y = data

    def minority_recall(estimator, X, y, sample_weight=None):
        return recall_score(y, estimator.predict(X), labels=[2], average="macro")

    clf = _small(early_stopping=True, scoring=minority_recall, max_iter=5).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_


def test_unknown_scorer_is_named(data):
    X, y = data
    with pytest.raises(ValueError, match="'scoring' parameter.*'acuracy'"):
        _small(early_stopping=True, scoring="acuracy").fit(X, y)


# ---------------------------------------------------------------- 6. given validation set


def test_given_validation_set_is_used_instead_of_a_split(data):
    X, y = data
    X_val, y_val = X[:40], y[:40]
    clf = _small(early_stopping=True, max_iter=5).fit(X[40:], y[40:], X_val=X_val, y_val=y_val)
    # every validation score is an accuracy on the 40 given rows
    assert all(abs(score * 40 - round(score * 40)) < 1e-9 for score in clf.validation_scores_)
    assert clf.t_ == 5 * 260  # every training row is used for training, none held out


def test_given_validation_set_without_early_stopping_is_monitored(data):
    X, y = data
    clf = _small(max_iter=4).fit(X[40:], y[40:], X_val=X[:40], y_val=y[:40])
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 4
    assert clf.best_loss_ is not None


def test_lbfgs_records_a_given_validation_set_after_each_iteration(data):
    X, y = data
    X_val, y_val = X[:40], y[:40]
    clf = _small(solver="lbfgs", max_iter=8).fit(X[40:], y[40:], X_val=X_val, y_val=y_val)
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # the last entries describe the fitted model
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
    assert clf.validation_loss_curve_[-1] == pytest.approx(
        log_loss(y_val, clf.predict_proba(X_val), labels=clf.classes_), rel=1e-9
    )
    # recording changes nothing in the training
    plain = _small(solver="lbfgs", max_iter=8).fit(X[40:], y[40:])
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))


@pytest.mark.parametrize("Estimator", [TanhMLPClassifier, TanhMLPRegressor])
def test_lbfgs_that_stops_before_its_first_iteration_records_its_loss_as_the_best(data, Estimator):
    # a gradient below tol at the start: no iteration, no curve; the best loss is the one there
    X, y = data
    model = Estimator(hidden_layer_sizes=(4,), solver="lbfgs", tol=1e3, random_state=0)
    model.fit(X, y)
    assert model.n_iter_ == 0 and model.loss_curve_ == []
    assert np.isfinite(model.loss_) and model.best_loss_ == model.loss_
    # and after iterations: the lowest loss of the curve
    model = Estimator(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=5, random_state=0)
    model.fit(X, y)
    assert model.best_loss_ == min(model.loss_curve_) == model.loss_curve_[-1]


def test_lbfgs_ignores_early_stopping_as_scikit_learn_does(data):
    X, y = data
    stopped = _small(solver="lbfgs", max_iter=8, early_stopping=True).fit(X, y)
    plain = _small(solver="lbfgs", max_iter=8).fit(X, y)
    assert stopped.validation_scores_ is None  # no split of X is held out
    np.testing.assert_array_equal(stopped.predict_proba(X), plain.predict_proba(X))


def test_validation_set_errors(data):
    X, y = data
    with pytest.raises(ValueError, match="need X_val"):
        _small(early_stopping=True).fit(X, y, y_val=y[:10])
    with pytest.raises(ValueError, match="X_val needs y_val"):
        _small(early_stopping=True).fit(X, y, X_val=X[:10])
    with pytest.raises(ValueError, match="`y_val` has classes not in `self.classes_`"):
        _small(early_stopping=True).fit(X, y, X_val=X[:3], y_val=[0, 1, 9])
    with pytest.raises(ValueError, match="features"):
        _small(early_stopping=True).fit(X, y, X_val=X[:10, :3], y_val=y[:10])
    with pytest.raises(ValueError, match=r"sample_weight_val.shape"):
        _small(early_stopping=True).fit(
            X, y, X_val=X[:10], y_val=y[:10], sample_weight_val=np.ones(3)
        )


def test_validation_set_routed_through_a_pipeline(data):
    X, y = data
    with sklearn.config_context(enable_metadata_routing=True):
        clf = _small(early_stopping=True, max_iter=5).set_fit_request(
            X_val=True, y_val=True, sample_weight=False, sample_weight_val=False
        )
        pipeline = Pipeline([("scale", StandardScaler()), ("mlp", clf)], transform_input=["X_val"])
        pipeline.fit(X[40:] * 100.0, y[40:], X_val=X[:40] * 100.0, y_val=y[:40])
    fitted = pipeline[-1]
    assert len(fitted.validation_scores_) == fitted.n_iter_
    # X_val went through the fitted scaler: the recorded scores are those of scaled data
    scaled = pipeline[0].transform(X[:40] * 100.0)
    assert fitted.best_validation_score_ == pytest.approx(fitted.score(scaled, y[:40]))


# ---------------------------------------------------------------- 7. weights in validation


def test_split_carries_sample_weights_into_the_validation_score(data):
    X, y = data
    weights = np.where(y == 0, 10.0, 0.1)
    clf = _small(early_stopping=True, max_iter=3, validation_fraction=0.2)
    clf.fit(X, y, sample_weight=weights)
    # recompute the same split: same seed, stratified
    rows = np.arange(len(y))
    _, val_rows = train_test_split(
        rows, random_state=np.random.RandomState(0), test_size=0.2, stratify=y
    )
    assert len(val_rows) == 60
    unweighted = _small(early_stopping=True, max_iter=3, validation_fraction=0.2).fit(X, y)
    assert clf.validation_scores_ != unweighted.validation_scores_


def test_given_validation_weights_are_used(data):
    X, y = data
    X_val, y_val = X[:50], y[:50]
    clf = _small(max_iter=3).fit(X[50:], y[50:])
    weights = np.zeros(50)
    weights[0] = 1.0  # only the first validation row counts
    monitored = _small(max_iter=3).fit(
        X[50:], y[50:], X_val=X_val, y_val=y_val, sample_weight_val=weights
    )
    expected = float(clf.predict(X_val[:1])[0] == y_val[0])
    assert monitored.validation_scores_[-1] == expected


# ---------------------------------------------------------------- 8. validation_loss_curve_


def test_validation_loss_curve_is_the_validation_log_loss(data):
    X, y = data
    clf = _small(max_iter=1).fit(X[50:], y[50:], X_val=X[:50], y_val=y[:50])
    assert clf.validation_loss_curve_[0] == pytest.approx(
        log_loss(y[:50], clf.predict_proba(X[:50])), rel=1e-10
    )
    split = _small(early_stopping=True, max_iter=4).fit(X, y)
    assert len(split.validation_loss_curve_) == 4
    assert _small(max_iter=2).fit(X, y).validation_loss_curve_ is None


# ---------------------------------------------------------------- sample weights


def test_integer_sample_weights_equal_repeated_rows(data):
    X, y = data
    X, y = X[:60], y[:60]
    counts = np.random.RandomState(0).randint(0, 4, size=60)
    counts[:3] = 1  # every class keeps a row
    settings = dict(solver="sgd", batch_size=10_000, shuffle=False, max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # batch_size is clipped
        weighted = _small(**settings).fit(X, y, sample_weight=counts)
        repeated = _small(**settings).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("kernels", ["numpy", "auto"])
@pytest.mark.parametrize("shuffle, batch_size", [(False, 60), (True, 1)])
def test_rows_of_weight_zero_change_neither_the_loss_nor_the_stopping_rule(
    monkeypatch, data, kernels, shuffle, batch_size
):
    # a batch of weight 0 is skipped, but its rows were counted in the epoch's mean loss:
    # loss_curve_ half as large with as many rows of weight 0, and training stopped earlier
    monkeypatch.setenv("SKTANHNET_KERNELS", kernels)
    X, y = data
    X, y = X[:60], y[:60]
    settings = dict(solver="sgd", batch_size=batch_size, shuffle=shuffle, max_iter=40, tol=1e-3)
    settings.update(learning_rate_init=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alone = _small(**settings).fit(X, y)
        padded = _small(**settings).fit(
            np.vstack([X, X]), np.r_[y, y], sample_weight=np.r_[np.ones(60), np.zeros(60)]
        )
    if shuffle:  # the order differs: the loss is a mean over as many rows, of the same size
        assert padded.loss_curve_[0] == pytest.approx(alone.loss_curve_[0], rel=0.2)
        return
    np.testing.assert_allclose(padded.loss_curve_, alone.loss_curve_, rtol=1e-12)
    assert padded.n_iter_ == alone.n_iter_
    np.testing.assert_allclose(padded.predict_proba(X), alone.predict_proba(X), atol=1e-12)


def test_to_numpy_keeps_the_types_of_containers_and_shares_callbacks():
    from sklearn.datasets import load_iris
    from sklearn.ensemble import VotingClassifier

    from sktanhnet import to_numpy

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        voting = VotingClassifier(
            [("a", TanhMLPClassifier((3,), max_iter=5)), ("b", TanhMLPClassifier((4,), max_iter=5))]
        ).fit(X, y)
    copied = to_numpy(voting)
    assert type(copied.named_estimators_) is type(voting.named_estimators_)  # a Bunch
    assert copied.named_estimators_.a is copied.estimators_[0]  # shared as in the original
    assert copied.named_estimators_.a is not voting.named_estimators_.a
    np.testing.assert_array_equal(copied.predict(X), voting.predict(X))
    model = TanhMLPClassifier((3,), max_iter=2).fit(X, y)
    loop = [1]
    loop.append(loop)
    model.extra_ = loop  # a list that holds itself
    copied_loop = to_numpy(model).extra_
    assert copied_loop is not loop and copied_loop[1] is copied_loop
    # tuple and dict types that cannot be rebuilt from their items: shared, or plain
    import sys

    class Pair(tuple):
        def __new__(cls, a, b):
            return super().__new__(cls, (a, b))

    class ReadOnly(dict):
        def __setitem__(self, key, item):
            raise TypeError("read-only")

    model.version_, model.pair_ = sys.version_info, Pair(np.ones(2), 1)
    model.frozen_ = ReadOnly(a=np.ones(2))
    copied = to_numpy(model)
    assert copied.version_ is model.version_
    assert copied.pair_[0] is not model.pair_[0] and copied.pair_[1] == 1
    assert np.array_equal(copied.frozen_["a"], np.ones(2))
    # a calibrated classifier's wrappers (no get_params) are walked: its models copied
    from sklearn.calibration import CalibratedClassifierCV

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        calibrated = CalibratedClassifierCV(TanhMLPClassifier((3,), max_iter=3), cv=2).fit(X, y)
    copied = to_numpy(calibrated)
    inner, original = copied.calibrated_classifiers_[0], calibrated.calibrated_classifiers_[0]
    assert inner is not original and inner.estimator is not original.estimator
    np.testing.assert_array_equal(copied.predict_proba(X), calibrated.predict_proba(X))
    callback = pytest.importorskip("sklearn.callback")
    monitor = callback.ScoringMonitor(scoring="accuracy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        monitored = TanhMLPClassifier((3,), max_iter=3).set_callbacks(monitor).fit(X, y)
        to_numpy(monitored).fit(X, y)  # the callback shared, its state as the copy needs it
