"""TanhMLPRegressor as a user sees it, and as a drop-in for MLPRegressor(activation="tanh")."""

import inspect
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone, is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.ensemble import BaggingRegressor, StackingRegressor
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, RandomizedSearchCV, cross_val_score
from sklearn.multioutput import MultiOutputRegressor, RegressorChain
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import InvalidParameterError, TanhMLPRegressor
from sktanhnet._training import DivergenceError

# scikit-learn 1.7 added MLPRegressor's loss (with "poisson") and fit's sample_weight.
THEIRS_HAS_LOSS = "loss" in MLPRegressor().get_params()
THEIRS_FIT_WEIGHTS = "sample_weight" in inspect.signature(MLPRegressor.fit).parameters


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y / 100.0


@pytest.fixture(scope="module")
def counts(diabetes):
    X, _ = diabetes
    rng = np.random.RandomState(0)
    rates = np.exp(0.5 * X[:, 2] - 0.3 * X[:, 8])
    return X, np.c_[rng.poisson(rates), rng.poisson(2 * rates)].astype(float)


def test_is_a_regressor_with_mlpregressors_parameters():
    ours = TanhMLPRegressor()
    assert is_regressor(ours)
    theirs = MLPRegressor(activation="tanh").get_params()
    ours_params = ours.get_params()
    for name, default in theirs.items():
        assert ours_params[name] == default, name
    assert set(ours_params) - set(theirs) == {"scoring"} | ({"loss"} - set(theirs))
    assert ours_params["loss"] == "squared_error"
    assert TanhMLPRegressor((5,)).hidden_layer_sizes == (5,)  # first positional parameter
    assert TanhMLPRegressor((5,), "tanh").activation == "tanh"  # then activation, as theirs


# ---------------------------------------------------------------- same seed, same model

PARITY = dict(hidden_layer_sizes=(7, 5), alpha=1e-3, random_state=0, max_iter=25)
SOLVERS = {
    "adam": dict(solver="adam"),
    "sgd nesterov": dict(solver="sgd"),
    "sgd plain momentum": dict(solver="sgd", nesterovs_momentum=False),
    "sgd invscaling": dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.01),
    "lbfgs": dict(solver="lbfgs"),
    "adam early stopping": dict(solver="adam", early_stopping=True),
    "sgd early stopping": dict(solver="sgd", early_stopping=True, shuffle=False),
}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_targets", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_seed_trains_like_mlpregressor(diabetes, counts, solver, loss, n_targets, weighted):
    if loss == "poisson" and not THEIRS_HAS_LOSS or weighted and not THEIRS_FIT_WEIGHTS:
        pytest.skip("MLPRegressor has loss and fit(sample_weight=) from scikit-learn 1.7")
    X, y = counts if loss == "poisson" else diabetes
    y = y[:, :n_targets] if y.ndim == 2 else (y if n_targets == 1 else np.c_[y, -2 * y + 1])
    if n_targets == 1 and y.ndim == 2:
        y = y[:, 0]
    sample_weight = np.random.RandomState(1).uniform(0, 2, len(y)) if weighted else None
    settings = dict(PARITY, **SOLVERS[solver], **({"loss": loss} if THEIRS_HAS_LOSS else {}))
    weights = {} if sample_weight is None else {"sample_weight": sample_weight}
    ours = _quiet(TanhMLPRegressor(**settings).fit, X, y, **weights)
    theirs = _quiet(MLPRegressor(activation="tanh", **settings).fit, X, y, **weights)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.out_activation_ == theirs.out_activation_
    assert ours.n_outputs_ == theirs.n_outputs_ == n_targets
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10, atol=1e-10)
    assert ours.predict(X).shape == theirs.predict(X).shape
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-10)
    if hasattr(theirs, "loss_curve_"):
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    if settings.get("early_stopping"):
        np.testing.assert_allclose(
            ours.validation_scores_, theirs.validation_scores_, rtol=1e-10, atol=1e-12
        )
        assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
        assert ours.best_loss_ is theirs.best_loss_ is None


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_whole_adam_and_sgd_runs_train_mlpregressors_model(diabetes, solver):
    """Over a whole run (200 epochs) on standardised features and target (see the classifier's)."""
    X, y = diabetes
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    settings = dict(hidden_layer_sizes=(16, 8), solver=solver, random_state=1)
    ours = _quiet(TanhMLPRegressor(**settings).fit, X, y)
    theirs = _quiet(MLPRegressor(activation="tanh", **settings).fit, X, y)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-10)


def test_partial_fit_steps_like_mlpregressor(diabetes):
    X, y = diabetes
    ours = TanhMLPRegressor(**dict(PARITY, solver="sgd"))
    theirs = MLPRegressor(activation="tanh", **dict(PARITY, solver="sgd"))
    for _ in range(3):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10, atol=1e-10)
    assert ours.t_ == theirs.t_ == 3 * len(X)


@pytest.mark.parametrize(
    "solver, changed",
    [
        ("adam", dict(learning_rate_init=0.05, beta_1=0.5, beta_2=0.9, epsilon=1e-4)),
        ("sgd", dict(learning_rate_init=0.05, momentum=0.5, nesterovs_momentum=False)),
        ("sgd", dict(learning_rate="invscaling", power_t=0.1)),
    ],
)
def test_partial_fit_keeps_its_first_calls_optimizer_as_mlpregressor_and_says_so(
    diabetes, solver, changed
):
    """set_params between partial_fit calls: scikit-learn's MLP goes on with the optimizer made
    by the first call; so does ours (the same model), and warns naming what it leaves out."""
    X, y = diabetes
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    settings = dict(hidden_layer_sizes=(8,), solver=solver, random_state=0, learning_rate_init=0.01)
    if solver == "sgd" and "power_t" in changed:
        settings["learning_rate"] = "adaptive"
    ours = TanhMLPRegressor(**settings).partial_fit(X, y)
    theirs = MLPRegressor(activation="tanh", **settings).partial_fit(X, y)
    ours.set_params(**changed)
    theirs.set_params(**changed)
    with pytest.warns(
        UserWarning, match="goes on with the %s optimizer of its first call" % solver
    ) as caught:
        for _ in range(3):
            ours.partial_fit(X, y)
            theirs.partial_fit(X, y)
    message = str(caught[0].message)
    # (power_t named only where the kept schedule is "invscaling", the one that uses it)
    named = {name: value for name, value in changed.items() if name != "power_t"}
    assert all(f"{name}={value!r}" in message for name, value in named.items()), message
    assert "power_t" not in message
    assert caught[0].filename == __file__  # the user's line
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-10)
    # fit starts anew with them, in both
    _quiet(ours.set_params(max_iter=3).fit, X, y)
    _quiet(theirs.set_params(max_iter=3).fit, X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)


def test_partial_fit_is_silent_on_settings_without_effect_and_before_an_error(diabetes):
    X, y = diabetes
    model = TanhMLPRegressor((4,), solver="sgd", random_state=0).partial_fit(X / 100, y / 100)
    model.set_params(power_t=0.25)  # the constant schedule does not use it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.partial_fit(X / 100, y / 100)
        model.set_params(learning_rate_init=0.5, early_stopping=True)
        with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
            model.partial_fit(X / 100, y / 100)  # the error alone, no warning before it


def test_warm_start_continues_like_mlpregressor(diabetes):
    X, y = diabetes
    settings = dict(PARITY, warm_start=True, max_iter=5)
    ours = _quiet(_quiet(TanhMLPRegressor(**settings).fit, X, y).fit, X, y)
    theirs = _quiet(_quiet(MLPRegressor(activation="tanh", **settings).fit, X, y).fit, X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert len(ours.loss_curve_) == 10


# ---------------------------------------------------------------- what the classifier offers


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_float32_end_to_end(diabetes, solver):
    X, y = diabetes
    model = _quiet(TanhMLPRegressor(solver=solver, max_iter=20, random_state=0).fit, X, y)
    model32 = _quiet(
        TanhMLPRegressor(solver=solver, max_iter=20, random_state=0).fit, X.astype(np.float32), y
    )
    assert all(coef.dtype == np.float32 for coef in model32.coefs_ + model32.intercepts_)
    prediction = model32.predict(X.astype(np.float32))
    assert prediction.dtype == np.float32
    np.testing.assert_allclose(prediction, model.predict(X), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_model(diabetes, solver, fmt):
    X, y = diabetes
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    settings = dict(PARITY, solver=solver)
    dense = _quiet(TanhMLPRegressor(**settings).fit, X, y)
    sparse = _quiet(TanhMLPRegressor(**settings).fit, sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), rtol=1e-9)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-9)


def test_chunked_predict_equals_one_pass(monkeypatch, diabetes):
    import sktanhnet._training as training

    X, y = diabetes
    model = _quiet(TanhMLPRegressor((16, 8), max_iter=5, random_state=0).fit, X, np.c_[y, y])
    whole = model.predict(X)
    monkeypatch.setattr(training, "CHUNK_BYTES", 2000)  # a few rows per chunk, several threads
    np.testing.assert_array_equal(model.predict(X), whole)


def test_validation_set_is_recorded_and_scoring_loss_is_the_loss(diabetes):
    X, y = diabetes
    model = _quiet(
        TanhMLPRegressor(max_iter=15, random_state=0, scoring="loss").fit,
        X[:300],
        y[:300],
        X_val=X[300:],
        y_val=y[300:],
    )
    assert len(model.validation_loss_curve_) == len(model.loss_curve_) == 15
    np.testing.assert_allclose(model.validation_scores_, -np.array(model.validation_loss_curve_))
    final = 0.5 * np.mean((model.predict(X[300:]) - y[300:]) ** 2)
    assert model.validation_loss_curve_[-1] == pytest.approx(final, rel=1e-10)
    default = _quiet(
        TanhMLPRegressor(max_iter=15, random_state=0).fit,
        X[:300],
        y[:300],
        X_val=X[300:],
        y_val=y[300:],
    )
    assert default.validation_scores_[-1] == pytest.approx(default.score(X[300:], y[300:]))


def test_the_poisson_validation_loss_is_the_half_deviance(counts):
    X, y = counts
    model = _quiet(
        TanhMLPRegressor(loss="poisson", max_iter=10, random_state=0).fit,
        X[:300],
        y[:300],
        X_val=X[300:],
        y_val=y[300:],
    )
    prediction = model.predict(X[300:])
    from scipy.special import xlogy

    deviance = (xlogy(y[300:], y[300:] / prediction) - y[300:] + prediction).mean(axis=0).sum()
    assert model.validation_loss_curve_[-1] == pytest.approx(deviance, rel=1e-10)
    assert (prediction > 0).all()


def test_a_failed_call_leaves_the_fitted_model_intact(diabetes):
    X, y = diabetes
    model = _quiet(TanhMLPRegressor(max_iter=5, random_state=0).fit, X, y)
    before = pickle.dumps(model)
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X, np.where(y > 2, np.nan, y))
    with pytest.raises(ValueError):
        model.partial_fit(X[:, :3], y)
    assert pickle.dumps(model) == before


def test_divergence_raises_and_says_what_to_do(diabetes):
    X, y = diabetes
    model = TanhMLPRegressor(solver="sgd", learning_rate_init=1e4, max_iter=20, random_state=0)
    with pytest.raises(DivergenceError, match="non-finite.*learning_rate_init"):
        model.fit(X * 100, y * 1e3)
    assert not hasattr(model, "coefs_")


@pytest.mark.parametrize("scoring", [None, "loss", "r2"])
@pytest.mark.parametrize("validation", ["split", "X_val"])
def test_a_poisson_fit_diverging_first_on_the_validation_rows_says_it_diverged(scoring, validation):
    # finite weights whose exp(Z) overflows on the held-out rows: the validation step sees it
    # first, and said the held-out rows were too few or off scale (a ValueError)
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = rng.poisson(np.exp(X[:, 0])).astype(float)
    settings = dict(solver="sgd", loss="poisson", learning_rate_init=1.0, random_state=0)
    model = TanhMLPRegressor((10,), max_iter=30, scoring=scoring, **settings)
    if validation == "split":
        fit, where = lambda: model.set_params(early_stopping=True).fit(X, y), "early-stopping split"
    else:
        fit, where = lambda: model.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:]), "X_val"
    with pytest.raises(DivergenceError, match=f"outputs on the validation data \\(.*{where}"):
        fit()


# ---------------------------------------------------------------- targets a user can trust

TARGET_FAULTS = {
    "y with NaN": ({}, lambda y: np.where(y > 2, np.nan, y), "Input y contains NaN"),
    "y with inf": ({}, lambda y: np.where(y > 2, np.inf, y), "Input y contains infinity"),
    "y of strings": (
        {},
        lambda y: np.array(["a", "b"])[(y > 1).astype(int)],
        "y must hold numbers",
    ),
    "y of object strings": (
        {},
        lambda y: np.array(["a", "b"], dtype=object)[(y > 1).astype(int)],
        "could not convert string to float.*y must hold numbers",
    ),
    "y of wrong length": ({}, lambda y: y[:-1], "inconsistent numbers of samples"),
    "negative y with poisson": (
        {"loss": "poisson"},
        lambda y: y - 1,
        "negative, which is not allowed for Poisson regression",
    ),
    "y complex": ({}, lambda y: y + 1j, "[Cc]omplex"),
}


@pytest.mark.parametrize("container", ["dataframe", "array"])
def test_text_in_X_is_not_blamed_on_y(diabetes, container):
    # once: a text column of X drew "y must hold numbers" onto a numeric y
    X, y = diabetes
    if container == "dataframe":
        pd = pytest.importorskip("pandas")
        bad = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        bad["s"] = np.where(y > 150, "q", "x")
    else:
        bad = np.c_[X.astype(str)[:, :2], np.where(y > 150, "q", "x")].astype(object)
    with pytest.raises(ValueError) as raised:
        TanhMLPRegressor(max_iter=2).fit(bad, y)
    assert "could not convert string to float" in str(raised.value)
    assert "y must hold numbers" not in str(raised.value)


@pytest.mark.parametrize("fault", TARGET_FAULTS)
def test_a_bad_target_is_a_clear_value_error(diabetes, fault):
    X, y = diabetes
    params, make_y, message = TARGET_FAULTS[fault]
    with pytest.raises(ValueError, match=message):
        TanhMLPRegressor(max_iter=2, **params).fit(X, make_y(y))
    if fault != "y of wrong length":
        with pytest.raises(ValueError, match=message):
            TanhMLPRegressor(max_iter=2, **params).fit(X, y, X_val=X, y_val=make_y(y))


def test_y_val_of_other_targets_and_a_one_row_x_val_are_refused(diabetes):
    X, y = diabetes
    model = TanhMLPRegressor((4,), max_iter=3, early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match=r"y_val has 2 target\(s\) but y has 1"):
        model.fit(X, y, X_val=X[:10], y_val=np.c_[y[:10], y[:10]])
    with pytest.raises(ValueError, match="validation score \\(R\\^2\\) is NaN.*1 row"):
        model.fit(X, y, X_val=X[:1], y_val=y[:1])  # R^2 of one row: undefined
    assert not hasattr(model, "coefs_")


def test_invalid_loss_names_the_allowed_values():
    with pytest.raises(InvalidParameterError, match="'loss' parameter.*'squared_error', 'poisson'"):
        TanhMLPRegressor(loss="absolute_error").fit([[0.0], [1.0]], [0.0, 1.0])


@pytest.mark.parametrize("activation", ["relu", "logistic", "identity", None])
def test_another_activation_is_refused_and_says_why(activation):
    message = "'activation' parameter of TanhMLPRegressor must be 'tanh': the hidden layers"
    with pytest.raises(InvalidParameterError, match=message + ".*MLPRegressor"):
        TanhMLPRegressor(activation=activation).fit([[0.0], [1.0]], [0.0, 1.0])


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_loss_passed_first_by_position_as_to_mlpregressor_says_to_pass_it_by_keyword(loss):
    # MLPRegressor(loss, hidden_layer_sizes, ...): carried over, the loss lands here
    X, y = make_regression(n_samples=20, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="Got '" + loss + "' instead") as caught:
        TanhMLPRegressor(loss, (10,)).fit(X, np.abs(y))
    assert str(caught.value).endswith(
        "Pass loss by keyword (loss=...): MLPRegressor takes it first, by position, "
        "TanhMLPRegressor takes hidden_layer_sizes first."
    )
    with pytest.raises(ValueError, match="Got '100,50' instead") as caught:  # not a loss's name
        TanhMLPRegressor(hidden_layer_sizes="100,50").fit(X, np.abs(y))
    assert "by keyword" not in str(caught.value)


def test_every_shared_parameter_is_validated_as_the_classifiers():
    from test_hostile_inputs import INVALID_PARAMETERS

    shared = set(INVALID_PARAMETERS) & set(TanhMLPRegressor().get_params())
    assert shared == set(TanhMLPRegressor().get_params()) - {"loss"}
    for name in shared:
        for value in INVALID_PARAMETERS[name]:
            with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
                TanhMLPRegressor(**{name: value}).fit([[0.0], [1.0]], [0.0, 1.0])


def test_other_targets_after_a_fit_are_refused(diabetes):
    X, y = diabetes
    model = _quiet(TanhMLPRegressor(solver="sgd", max_iter=2, random_state=0).fit, X, y)
    with pytest.raises(ValueError, match="fitted on 1: pass the same targets, or call fit to"):
        model.partial_fit(X, np.c_[y, y])
    model.set_params(loss="poisson")
    with pytest.raises(ValueError, match="Refit with warm_start=False"):
        model.partial_fit(X, np.abs(y))


@pytest.mark.parametrize("loss", ["poisson", "squared_error"])
def test_no_hidden_layer_is_the_generalized_linear_model(loss):
    """hidden_layer_sizes=(): a log-linear Poisson GLM, or least squares (scikit-learn's test
    of this emulates no hidden layer with an identity activation)."""
    from sklearn.linear_model import LinearRegression, PoissonRegressor

    rng = np.random.default_rng(42)
    X = np.linspace(0, 1, 100).reshape(-1, 1)
    y = rng.poisson(np.exp(X[:, 0] + 1))
    glm = (PoissonRegressor(alpha=0, tol=1e-7) if loss == "poisson" else LinearRegression()).fit(
        X, y
    )
    model = TanhMLPRegressor((), loss=loss, alpha=0, solver="lbfgs", tol=1e-7, random_state=0)
    np.testing.assert_allclose(model.fit(X, y).predict(X), glm.predict(X), rtol=1e-4)


def test_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        TanhMLPRegressor().predict([[0.0]])


# ---------------------------------------------------------------- in scikit-learn's tools


@pytest.mark.parametrize(
    "data", ["diabetes", "make_regression"], ids=["diabetes", "make_regression"]
)
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_cross_validated_r2_at_least_mlpregressors(diabetes, data, solver):
    if data == "diabetes":
        X, y = diabetes
    else:
        X, y = make_regression(n_samples=400, n_features=10, noise=10.0, random_state=0)
        X, y = StandardScaler().fit_transform(X), y / y.std()
    folds = KFold(5, shuffle=True, random_state=0)
    ours = _quiet(cross_val_score, TanhMLPRegressor(solver=solver, random_state=0), X, y, cv=folds)
    theirs = _quiet(
        cross_val_score,
        MLPRegressor(activation="tanh", solver=solver, random_state=0),
        X,
        y,
        cv=folds,
    )
    assert ours.mean() >= theirs.mean() - 0.01


FAST = TanhMLPRegressor((8,), solver="lbfgs", alpha=1.0, max_iter=100, random_state=0)
META_ESTIMATORS = {
    "TransformedTargetRegressor": lambda m: TransformedTargetRegressor(
        m, transformer=StandardScaler()
    ),
    "StackingRegressor": lambda m: StackingRegressor([("mlp", m), ("ridge", Ridge())], cv=3),
    "BaggingRegressor": lambda m: BaggingRegressor(m, n_estimators=3, random_state=0),
    "MultiOutputRegressor": MultiOutputRegressor,
    "RegressorChain": lambda m: RegressorChain(m, random_state=0),
    "GridSearchCV": lambda m: GridSearchCV(m, {"alpha": [1e-4, 1e-1]}, cv=3),
    "RandomizedSearchCV": lambda m: RandomizedSearchCV(
        m, {"alpha": [1e-4, 1e-2, 1e-1]}, n_iter=2, cv=3, random_state=0
    ),
    "Pipeline": lambda m: make_pipeline(StandardScaler(), m),
}


@pytest.mark.parametrize("meta", META_ESTIMATORS)
def test_works_inside_scikit_learns_meta_estimators(diabetes, meta):
    X, y = diabetes
    Y = np.c_[y, -y] if meta in ("MultiOutputRegressor", "RegressorChain") else y
    model = META_ESTIMATORS[meta](FAST)
    _quiet(model.fit, X, Y)
    assert model.predict(X).shape == Y.shape
    assert model.score(X, Y) > 0.2


def test_permutation_importance_and_partial_dependence(diabetes):
    X, y = diabetes
    model = _quiet(clone(FAST).fit, X, y)
    importance = permutation_importance(model, X, y, n_repeats=3, random_state=0)
    assert {2, 8} <= set(np.argsort(importance.importances_mean)[-3:])  # bmi, s5: the strongest
    dependence = partial_dependence(model, X, [2], grid_resolution=5)
    assert dependence["average"].shape == (1, 5)
    assert np.all(np.diff(dependence["average"][0]) > 0)  # risk grows with bmi


def test_clone_and_pickle_round_trip(diabetes):
    X, y = diabetes
    model = _quiet(TanhMLPRegressor((8,), max_iter=5, random_state=0).fit, X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    base = again.coefs_[0].base
    assert base is not None and all(w.base is base for w in again.coefs_ + again.intercepts_)
    assert clone(model).get_params() == model.get_params()
