"""Persistence: skops.io (safe loading), pickle and joblib round trips identical to the bit."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier

X, Y = make_classification(n_samples=80, n_features=5, n_informative=3, n_classes=3, random_state=0)

# What skops.io.get_untrusted_types reports for a fitted TanhMLPClassifier, alone or in a
# Pipeline: the README gives this list as the trusted= argument of skops.io.load.
TRUSTED = ["sktanhnet._classifier.TanhMLPClassifier"]

MODELS = {
    "adam": lambda: TanhMLPClassifier((6,), max_iter=5, random_state=0),
    "sgd-early-stopping": lambda: TanhMLPClassifier(
        (6,), solver="sgd", max_iter=5, early_stopping=True, scoring="loss", random_state=0
    ),
    "lbfgs": lambda: TanhMLPClassifier((6, 4), solver="lbfgs", max_iter=10, random_state=0),
    "pipeline": lambda: make_pipeline(
        StandardScaler(), TanhMLPClassifier((6,), max_iter=5, random_state=0)
    ),
}
TARGETS = {
    "int": Y,
    "str": np.array(["a", "b", "c"])[Y],
    "multilabel": np.c_[Y == 0, Y == 1, X[:, 0] > 0].astype(int),
}


def _fitted(model_name, target_name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few epochs on purpose: ConvergenceWarning
        return MODELS[model_name]().fit(X, TARGETS[target_name])


def _assert_same_predictions(loaded, model):
    for method in ("predict", "predict_proba", "predict_log_proba"):
        expected = getattr(model, method)(X)
        got = getattr(loaded, method)(X)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)  # identical to the bit: no tolerance


@pytest.mark.parametrize("target_name", list(TARGETS))
@pytest.mark.parametrize("model_name", list(MODELS))
def test_skops_round_trip_is_exact_and_trusts_only_the_classifier(
    tmp_path, model_name, target_name
):
    sio = pytest.importorskip("skops.io", reason="skops persistence needs the skops extra")
    model = _fitted(model_name, target_name)
    path = tmp_path / "model.skops"
    sio.dump(model, path)

    assert sio.get_untrusted_types(file=path) == TRUSTED
    loaded = sio.load(path, trusted=TRUSTED)

    _assert_same_predictions(loaded, model)


def test_skops_refuses_to_load_without_trusting_the_classifier(tmp_path):
    sio = pytest.importorskip("skops.io", reason="skops persistence needs the skops extra")
    path = tmp_path / "model.skops"
    sio.dump(_fitted("adam", "int"), path)
    with pytest.raises(Exception, match="TanhMLPClassifier"):
        sio.load(path)  # no trusted=: skops refuses the unknown type


def test_skops_loaded_model_keeps_training():
    sio = pytest.importorskip("skops.io", reason="skops persistence needs the skops extra")
    model = _fitted("adam", "int")
    loaded = sio.loads(sio.dumps(model), trusted=TRUSTED)
    model.partial_fit(X, Y)
    loaded.partial_fit(X, Y)
    _assert_same_predictions(loaded, model)


@pytest.mark.parametrize("target_name", list(TARGETS))
@pytest.mark.parametrize("model_name", list(MODELS))
def test_pickle_and_joblib_round_trips_are_exact(model_name, target_name):
    model = _fitted(model_name, target_name)
    _assert_same_predictions(pickle.loads(pickle.dumps(model)), model)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    _assert_same_predictions(joblib.load(buffer), model)


def test_pickled_model_keeps_training_like_the_original():
    model = _fitted("sgd-early-stopping", "int").set_params(early_stopping=False)
    copy = pickle.loads(pickle.dumps(model))
    model.partial_fit(X, Y)
    copy.partial_fit(X, Y)
    _assert_same_predictions(copy, model)


# ---------------------------------------------------------------- TanhMLPRegressor

REGRESSOR_TRUSTED = ["sktanhnet._regressor.TanhMLPRegressor"]


@pytest.mark.parametrize(
    "params",
    [{}, {"solver": "lbfgs"}, {"loss": "poisson"}, {"solver": "sgd", "early_stopping": True}],
    ids=["adam", "lbfgs", "poisson", "sgd-early-stopping"],
)
@pytest.mark.parametrize("n_targets", [1, 3])
def test_skops_round_trip_of_a_regressor_trusts_only_the_regressor(tmp_path, params, n_targets):
    sio = pytest.importorskip("skops.io", reason="skops persistence needs the skops extra")
    from sktanhnet import TanhMLPRegressor

    y = np.abs(X[:, :n_targets]).squeeze()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make_pipeline(
            StandardScaler(), TanhMLPRegressor((6,), max_iter=5, random_state=0, **params)
        ).fit(X, y)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    assert sio.get_untrusted_types(file=path) == REGRESSOR_TRUSTED
    loaded = sio.load(path, trusted=REGRESSOR_TRUSTED)
    assert loaded.predict(X).dtype == model.predict(X).dtype
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    if params.get("solver", "adam") != "lbfgs":  # keeps training
        loaded[-1].set_params(early_stopping=False).partial_fit(loaded[0].transform(X), y)


# ---------------------------------------------------------------- models fitted on tensors


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_round_trips_in_every_protocol(protocol):
    model = _fitted("adam", "str")
    _assert_same_predictions(pickle.loads(pickle.dumps(model, protocol=protocol)), model)


def _fitted_on_tensors(name):
    """A model fitted on PyTorch tensors under array API dispatch (skips without them)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("array_api_compat")
    import sklearn
    from sklearn.preprocessing import FunctionTransformer

    from sktanhnet import TanhMLPRegressor

    models = {
        "classifier": TanhMLPClassifier((6,), max_iter=5, random_state=0),
        "regressor": TanhMLPRegressor((6,), max_iter=5, random_state=0),
        "pipeline": make_pipeline(
            FunctionTransformer(), TanhMLPClassifier((6,), max_iter=5, random_state=0)
        ),
    }
    with warnings.catch_warnings(), sklearn.config_context(array_api_dispatch=True):
        warnings.simplefilter("ignore")
        model = models[name].fit(torch.asarray(X), torch.asarray(Y))
    return model, torch


def _tensor_predictions(model, torch):
    import sklearn

    with sklearn.config_context(array_api_dispatch=True):
        return model.predict(torch.asarray(X)).numpy()


@pytest.mark.parametrize("name", ["classifier", "regressor", "pipeline"])
def test_skops_refuses_a_model_fitted_on_tensors_when_saving_and_names_to_numpy(name):
    sio = pytest.importorskip("skops.io", reason="skops persistence needs the skops extra")
    model, torch = _fitted_on_tensors(name)
    estimator = type(model[-1] if name == "pipeline" else model).__name__
    message = (
        rf"This {estimator} was fitted on torch arrays \(on device cpu\), which skops.io cannot "
        r"save: save a NumPy copy instead, skops.io.dump\(sktanhnet.to_numpy\(model\), path\)"
    )
    with pytest.raises(TypeError, match=message):
        sio.dumps(model)
    # the NumPy copy saves and loads, and predicts as the model does
    from sktanhnet import to_numpy

    dumped = sio.dumps(to_numpy(model))
    loaded = sio.loads(dumped, trusted=sio.get_untrusted_types(data=dumped))
    np.testing.assert_allclose(loaded.predict(X), _tensor_predictions(model, torch), atol=1e-12)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_keeps_a_model_fitted_on_tensors_as_it_is(protocol):
    model, torch = _fitted_on_tensors("classifier")
    for restored in (
        pickle.loads(pickle.dumps(model, protocol=protocol)),
        joblib.load(io.BytesIO(_joblib_bytes(model))),
    ):
        assert all(isinstance(coef, torch.Tensor) for coef in restored.coefs_)
        np.testing.assert_array_equal(
            _tensor_predictions(restored, torch), _tensor_predictions(model, torch)
        )


def _joblib_bytes(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()
