"""ONNX export: skl2onnx.to_onnx on a fitted TanhMLPClassifier, run by onnxruntime."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

skl2onnx = pytest.importorskip("skl2onnx", reason="ONNX export needs the onnx extra (skl2onnx)")
onnxruntime = pytest.importorskip(
    "onnxruntime", reason="ONNX export needs the onnx extra (onnxruntime)"
)
sktanhnet_onnx = pytest.importorskip("sktanhnet.onnx")

from sktanhnet import TanhMLPClassifier, to_numpy  # noqa: E402

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}

X, Y_INT = make_classification(
    n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X = X * 5 + 3  # off-centre and wide, so that the scaler of the pipeline matters
TARGETS = {
    "int": Y_INT,
    "str": np.array(["bird", "cat", "dog"])[Y_INT],
    "binary": np.array([-1, 7])[(Y_INT > 0).astype(int)],
    "multilabel": np.c_[Y_INT == 0, Y_INT == 1, X[:, 0] > 3].astype(int),
}


def _fit(model, y, X_fit=X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few epochs on purpose: ConvergenceWarning
        return model.fit(X_fit, y)


def _run(model, X_test, zipmap):
    """Labels and probabilities (as an (n, n_outputs) array) computed by onnxruntime."""
    options = None if zipmap else {TanhMLPClassifier: {"zipmap": False}}
    onx = skl2onnx.to_onnx(model, X_test[:1], options=options)
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {session.get_inputs()[0].name: X_test})
    if zipmap:
        # a list of {class: probability} dicts, in the order of classes_ (indices: multilabel)
        classes = model.classes_
        proba = np.array([[row[label] for label in classes] for row in proba])
    return labels, proba


CASES = [("alone", target) for target in TARGETS] + [
    ("pipeline", "str"),
    ("pipeline", "multilabel"),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("zipmap", [False, True], ids=["tensor", "zipmap"])
@pytest.mark.parametrize("in_pipeline, target", CASES, ids=["-".join(case) for case in CASES])
def test_onnxruntime_matches_predict_and_predict_proba(in_pipeline, target, dtype, zipmap):
    """Labels equal predict's; probabilities equal predict_proba's to the input's precision."""
    y = TARGETS[target]
    model = TanhMLPClassifier((7, 5), solver="lbfgs", max_iter=40, random_state=0)
    if in_pipeline == "pipeline":
        model = make_pipeline(StandardScaler(), model)
    _fit(model, y)
    X_test = X.astype(dtype)

    labels, proba = _run(model, X_test, zipmap)

    np.testing.assert_array_equal(labels, model.predict(X_test))
    expected = model.predict_proba(X_test)
    assert proba.shape == expected.shape
    # ZipMap holds float32 by the ONNX spec, whatever the graph computes in.
    tolerance = TOLERANCE[np.float32 if zipmap else dtype]
    np.testing.assert_allclose(proba, expected, rtol=0, atol=tolerance)


def test_double_input_gives_a_double_graph():
    model = _fit(TanhMLPClassifier((4,), max_iter=5, random_state=0), Y_INT)
    onx = skl2onnx.to_onnx(model, X[:1].astype(np.float64), options={"zipmap": False})
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    assert session.get_inputs()[0].type == "tensor(double)"
    assert session.get_outputs()[1].type == "tensor(double)"
    weights = [init for init in onx.graph.initializer if init.name.startswith("coef")]
    assert weights and all(w.data_type == 11 for w in weights)  # 11: TensorProto.DOUBLE


def test_binary_has_two_probability_columns_and_string_labels_keep_their_values():
    y = np.array(["no", "yes"])[(Y_INT > 0).astype(int)]
    model = _fit(TanhMLPClassifier((4,), solver="lbfgs", max_iter=30, random_state=0), y)
    labels, proba = _run(model, X.astype(np.float32), zipmap=False)
    assert proba.shape == (len(X), 2)
    assert set(labels) <= {"no", "yes"}
    np.testing.assert_array_equal(labels, model.predict(X.astype(np.float32)))


def test_softmax_regression_without_hidden_layers_converts():
    model = _fit(TanhMLPClassifier((), solver="lbfgs", max_iter=30, random_state=0), Y_INT)
    labels, proba = _run(model, X, zipmap=False)
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=1e-10)


def test_unsupported_zipmap_value_is_refused():
    model = _fit(TanhMLPClassifier((3,), max_iter=3, random_state=0), Y_INT)
    with pytest.raises(ValueError, match="zipmap"):
        skl2onnx.to_onnx(model, X[:1].astype(np.float32), options={"zipmap": "columns"})


# ---------------------------------------------------------------- TanhMLPRegressor


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("in_pipeline", [False, True], ids=["alone", "pipeline"])
def test_regressor_graph_matches_predict(dtype, loss, n_targets, in_pipeline):
    """One column per target (skl2onnx's MLPRegressor converter flattens them into one)."""
    from sktanhnet import TanhMLPRegressor

    y = np.abs(X[:, :n_targets] / 5)
    y = y[:, 0] if n_targets == 1 else y
    model = TanhMLPRegressor((7, 5), loss=loss, solver="lbfgs", max_iter=40, random_state=0)
    if in_pipeline:
        model = make_pipeline(StandardScaler(), model)
    _fit(model, y)
    X_test = X.astype(dtype)
    onx = skl2onnx.to_onnx(model, X_test[:1])
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (prediction,) = session.run(None, {session.get_inputs()[0].name: X_test})
    expected = model.predict(X_test)
    assert prediction.dtype == dtype and prediction.shape == (len(X), n_targets)
    np.testing.assert_allclose(
        prediction.reshape(expected.shape), expected, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype]
    )


@pytest.mark.parametrize(
    "options",
    [{"zipmap": "columns"}, {"output_class_labels": True}, {"nocl": True}],
    ids=["zipmap-columns", "output_class_labels", "nocl"],
)
def test_only_the_documented_zipmap_option_is_accepted(options):
    """The module's docstring lists ``zipmap`` (True or False) alone: the rest is refused."""
    assert "``zipmap``: True" in sktanhnet_onnx.__doc__
    model = _fit(TanhMLPClassifier((4,), max_iter=5, random_state=0), Y_INT)
    with pytest.raises((NameError, ValueError), match="zipmap"):  # skl2onnx names the one option
        skl2onnx.to_onnx(model, X[:1].astype(np.float32), options={id(model): options})


# ---------------------------------------------------------------- hostile models


def test_saturated_binary_probabilities_keep_their_digits_and_floor():
    """P(first class) is sigmoid(-z) (1 - p would be exactly 0 where p rounds to 1), and every
    probability is clipped as predict_proba's: equal relatively, logs finite."""
    y = (Y_INT > 0).astype(int)
    model = TanhMLPClassifier((8,), solver="sgd", learning_rate_init=10.0, max_iter=30)
    model = _fit(model.set_params(random_state=0), y)
    _, proba = _run(model, X, zipmap=False)
    expected = model.predict_proba(X)
    assert (expected < 1e-12).any()  # saturated: 1 - p would have lost these
    np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=0)
    assert np.isfinite(np.log(proba)).all()


def test_integer_labels_outside_int64_are_refused():
    """Cast to ONNX's int64 they would wrap around to other labels, in silence."""
    y = np.array([1, 2**63 + 7, 2**64 - 1], dtype=np.uint64)[np.abs(Y_INT) % 3]
    model = _fit(TanhMLPClassifier((4,), max_iter=5, random_state=0), y)
    with pytest.raises(NotImplementedError, match=r"outside its range.*as strings"):
        skl2onnx.to_onnx(model, X[:1].astype(np.float32))


@pytest.mark.parametrize("estimator", ["TanhMLPClassifier", "TanhMLPRegressor"])
def test_unfitted_model_is_refused_as_not_fitted(estimator):
    from sklearn.exceptions import NotFittedError

    import sktanhnet

    with pytest.raises(NotFittedError, match="not fitted yet"):
        skl2onnx.to_onnx(getattr(sktanhnet, estimator)(), X[:1].astype(np.float32))


@pytest.mark.parametrize("estimator", ["TanhMLPClassifier", "TanhMLPRegressor"])
def test_weights_set_by_hand_that_do_not_fit_are_refused_as_by_predict(estimator):
    import sktanhnet

    y = Y_INT if estimator == "TanhMLPClassifier" else X[:, 0]
    model = getattr(sktanhnet, estimator)((5,), max_iter=3, random_state=0).fit(X, y)
    model.coefs_[0] = np.zeros((7, 5))
    with pytest.raises(ValueError, match=r"do not fit together: coefs_\[0\] has shape \(7, 5\)"):
        skl2onnx.to_onnx(model, X[:1].astype(np.float32))


@pytest.mark.parametrize("opset", [8, 9, 11, 12])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("target", ["int", "binary", "multilabel"])
def test_an_older_target_opset_gives_a_graph_that_runs_and_matches(target, dtype, opset):
    # onnxruntime has no double Clip before opset 12: the double graph takes Max and Min there
    model = _fit(TanhMLPClassifier((5,), max_iter=30, random_state=0), TARGETS[target])
    X_test = X.astype(dtype)
    onx = skl2onnx.to_onnx(
        model, X_test[:1], target_opset=opset, options={TanhMLPClassifier: {"zipmap": False}}
    )
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # not its note on initializers listed as inputs (old opsets)
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {session.get_inputs()[0].name: X_test})
    np.testing.assert_allclose(proba, model.predict_proba(X_test), rtol=0, atol=TOLERANCE[dtype])
    np.testing.assert_array_equal(labels, model.predict(X_test))
    assert proba.min() > 0


def test_a_double_graph_before_opset_8_is_refused_naming_the_way_out():
    model = _fit(TanhMLPClassifier((5,), max_iter=5, random_state=0), TARGETS["int"])
    with pytest.raises(ValueError, match=r"from target_opset=8 on; got target_opset=7\. Pass a"):
        skl2onnx.to_onnx(model, X[:1], target_opset=7)
    skl2onnx.to_onnx(model, X[:1].astype(np.float32), target_opset=7)  # float32: Clip's attributes


def test_a_model_fitted_on_a_device_exports_its_weights_from_the_host():
    # array-api-strict's second device stands for a GPU: NumPy cannot read its arrays directly
    import os

    import sklearn

    xp = pytest.importorskip("array_api_strict")
    pytest.importorskip("array_api_compat")
    if os.environ.get("SCIPY_ARRAY_API") != "1":  # pragma: no cover
        pytest.skip("array API dispatch needs SCIPY_ARRAY_API=1")
    device = xp.Device("device1")
    with sklearn.config_context(array_api_dispatch=True):
        model = _fit(
            TanhMLPClassifier((5,), max_iter=5, random_state=0),
            Y_INT,
            X_fit=xp.asarray(X, device=device),
        )
    onx = skl2onnx.to_onnx(model, X[:1], options={TanhMLPClassifier: {"zipmap": False}})
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {session.get_inputs()[0].name: X})
    expected = to_numpy(model)
    np.testing.assert_allclose(proba, expected.predict_proba(X), rtol=0, atol=1e-10)
    np.testing.assert_array_equal(labels, expected.predict(X))


class _MyClassifier(TanhMLPClassifier):
    pass


def test_a_subclass_converts_once_registered_and_a_wrong_class_is_refused():
    model = _fit(_MyClassifier((5,), max_iter=5, random_state=0), Y_INT)
    sktanhnet_onnx.register(classifier=_MyClassifier)
    labels, proba = _run(model, X.astype(np.float32), zipmap=True)
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=1e-5)
    np.testing.assert_array_equal(labels, model.predict(X))
    with pytest.raises(TypeError, match="regressor must be TanhMLPRegressor or a subclass of it"):
        sktanhnet_onnx.register(regressor=_MyClassifier)


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_a_sample_of_other_features_or_a_dataframe_is_refused_naming_the_fault(estimator):
    from sktanhnet import TanhMLPRegressor

    pd = pytest.importorskip("pandas")
    if estimator == "classifier":
        model = _fit(TanhMLPClassifier((5,), max_iter=5, random_state=0), Y_INT)
    else:
        model = _fit(TanhMLPRegressor((5,), max_iter=5, random_state=0), X[:, 0])
    with pytest.raises(
        RuntimeError,
        match=r"input \(the sample, or .*\) has 3 features, but the model is expecting 6",
    ):
        skl2onnx.to_onnx(model, X[:1, :3].astype(np.float32))
    frame = pd.DataFrame(X[:1].astype(np.float32), columns=list("abcdef"))
    with pytest.raises(RuntimeError, match=r"got 6 and .*one input per column: pass a NumPy one"):
        skl2onnx.to_onnx(model, frame)
