"""Every dtype a PyTorch tensor can have, for every array that fit, partial_fit and score take.

Under array API dispatch X (and X_val) stay on the device; y, the sample weights and the classes
come to the host, where NumPy lacks bfloat16: those train as their NumPy values would (bfloat16
as float32, exactly), and complex arrays are refused by a ValueError naming the argument and the
dtype. Without dispatch, tensors are taken as NumPy arrays, bfloat16 ones too. Skips without
PyTorch or array-api-compat.
"""

import os
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

torch = pytest.importorskip("torch")
pytest.importorskip("array_api_compat")
if os.environ.get("SCIPY_ARRAY_API") != "1":  # pragma: no cover
    pytest.skip("array API dispatch needs SCIPY_ARRAY_API=1", allow_module_level=True)

REAL_DTYPES = [
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
]
COMPLEX_DTYPES = ["complex64", "complex128"]
N_ROWS, N_VAL = 60, 20

RNG = np.random.RandomState(0)
X = RNG.randn(N_ROWS, 4)
X_VAL = RNG.randn(N_VAL, 4)
# Values that every dtype above holds exactly (bool: 0 and 1): the classes 0, 1, 2 (0 and 1
# for bool), weights 1, 2, 3 (1 and 0).
LABELS = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
LABELS_VAL = (X_VAL[:, 0] > 0).astype(int) + (X_VAL[:, 1] > 0.5)
WEIGHTS = np.tile([1, 2, 3], N_ROWS // 3)
WEIGHTS_VAL = np.tile([1, 2, 3, 2], N_VAL // 4)

ESTIMATORS = {"classifier": TanhMLPClassifier, "regressor": TanhMLPRegressor}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _values(argument, dtype):
    """The NumPy values of ``argument``, held exactly by ``dtype``."""
    values = {
        "y": LABELS,
        "sample_weight": WEIGHTS,
        "y_val": LABELS_VAL,
        "sample_weight_val": WEIGHTS_VAL,
        "X": np.round(X * 2),
        "X_val": np.round(X_VAL * 2),
    }[argument]
    if dtype == "bool":
        return values > (0 if argument.startswith(("y", "X")) else 1.5)
    if dtype == "uint8" and argument.startswith("X"):
        return np.abs(values)
    return values


def _fit_arguments(argument, value):
    """fit's arguments, torch tensors of float64 and int64, with ``argument`` set to ``value``."""
    arguments = {
        "X": torch.asarray(X),
        "y": torch.asarray(LABELS),
        "sample_weight": None,
        "X_val": torch.asarray(X_VAL),
        "y_val": torch.asarray(LABELS_VAL),
        "sample_weight_val": None,
    }
    arguments[argument] = value
    return arguments


def _model(kind, **params):
    return ESTIMATORS[kind]((5,), max_iter=5, random_state=0, **params)


def _output(model, X_in):
    with sklearn.config_context(array_api_dispatch=True):
        method = model.predict_proba if hasattr(model, "predict_proba") else model.predict
        return method(X_in).numpy()


@pytest.mark.parametrize("dtype", REAL_DTYPES)
@pytest.mark.parametrize(
    "argument", ["X", "y", "sample_weight", "X_val", "y_val", "sample_weight_val"]
)
@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_a_real_tensor_of_any_dtype_trains_as_its_values_do(kind, argument, dtype):
    values = _values(argument, dtype)
    tensor = torch.asarray(values).to(getattr(torch, dtype))
    models = []
    with sklearn.config_context(array_api_dispatch=True):
        for given in (values, tensor):
            if argument.startswith("X") and given is values:  # float32 stays, others: float64
                wide = torch.float32 if dtype == "float32" and argument == "X" else torch.float64
                given = torch.asarray(values, dtype=wide)
            arguments = _fit_arguments(argument, given)
            if argument == "y" and dtype == "bool":  # validation labels of y's two classes
                arguments["y_val"] = _values("y_val", "bool")
            models.append(_model(kind, early_stopping=True).fit(**arguments))
    expected, model = models
    np.testing.assert_array_equal(model.validation_scores_, expected.validation_scores_)
    X_in = torch.asarray(np.round(X * 2) if argument == "X" else X)
    np.testing.assert_array_equal(_output(model, X_in), _output(expected, X_in))
    if kind == "classifier" and argument == "y":  # labels as NumPy takes them
        np.testing.assert_array_equal(model.classes_, np.unique(values))
        assert model.classes_.dtype == (np.float32 if dtype == "bfloat16" else np.dtype(dtype))


@pytest.mark.parametrize("dtype", REAL_DTYPES)
@pytest.mark.parametrize("argument", ["X", "y", "sample_weight"])
@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_partial_fit_and_score_take_a_real_tensor_of_any_dtype(kind, argument, dtype):
    values = _values(argument, dtype)
    tensor = torch.asarray(values).to(getattr(torch, dtype))
    results = []
    with sklearn.config_context(array_api_dispatch=True):
        wide = torch.float32 if dtype == "float32" and argument == "X" else torch.float64
        for given in (torch.asarray(values, dtype=wide), tensor):
            arguments = _fit_arguments(argument, given)
            X_in, y_in, weights = arguments["X"], arguments["y"], arguments["sample_weight"]
            classes = {"classes": np.unique(LABELS)} if kind == "classifier" else {}
            model = _model(kind, solver="sgd").partial_fit(X_in, y_in, weights, **classes)
            results.append((_output(model, X_in), model.score(X_in, y_in, weights)))
    (expected_output, expected_score), (output, score) = results
    np.testing.assert_array_equal(output, expected_output)
    assert score == expected_score


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
@pytest.mark.parametrize(
    "argument", ["X", "y", "sample_weight", "X_val", "y_val", "sample_weight_val"]
)
@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_a_complex_tensor_is_refused_naming_the_argument_and_its_dtype(kind, argument, dtype):
    values = {"X": X, "X_val": X_VAL}.get(argument, _values(argument, "float64"))
    tensor = torch.asarray(values + 1j).to(getattr(torch, dtype))
    message = rf"Complex data not supported: {argument} has dtype torch\.{dtype}\. Pass real"
    model = _model(kind)
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=message):
            model.fit(**_fit_arguments(argument, tensor))
        assert not hasattr(model, "coefs_")
        if argument in ("X", "y", "sample_weight"):
            arguments = _fit_arguments(argument, tensor)
            X_in, y_in, weights = arguments["X"], arguments["y"], arguments["sample_weight"]
            classes = {"classes": np.unique(LABELS)} if kind == "classifier" else {}
            with pytest.raises(ValueError, match=message):
                _model(kind, solver="sgd").partial_fit(X_in, y_in, weights, **classes)
            fitted = _model(kind).fit(torch.asarray(X), torch.asarray(LABELS))
            with pytest.raises(ValueError, match=message):
                fitted.score(X_in, y_in, weights)


@pytest.mark.parametrize("X_val", ["numpy", "list", "torch"])
def test_complex_x_val_is_refused_before_the_cast_to_x_dtype(X_val):
    # A cast of complex X_val to X's float dtype would drop the imaginary parts in silence.
    given = {"numpy": X_VAL + 1j, "list": (X_VAL + 1j).tolist(), "torch": torch.asarray(X_VAL + 1j)}
    dtype = "torch.complex128" if X_val == "torch" else "complex128"
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=f"X_val has dtype {dtype}"):
            _model("classifier").fit(
                torch.asarray(X), torch.asarray(LABELS), X_val=given[X_val], y_val=LABELS_VAL
            )


@pytest.mark.parametrize("argument", ["y", "sample_weight", "classes"])
def test_a_dtype_without_numpy_counterpart_is_refused_by_name(argument):
    if not hasattr(torch, "uint4"):
        pytest.skip("this PyTorch has no torch.uint4")
    tensor = torch.zeros(N_ROWS, dtype=torch.uint4)
    arguments = {"y": torch.asarray(LABELS), "sample_weight": None, "classes": np.unique(LABELS)}
    arguments[argument] = tensor[:3] if argument == "classes" else tensor
    message = f"{argument} has dtype torch.uint4, which NumPy has no dtype for"
    with sklearn.config_context(array_api_dispatch=True):
        with pytest.raises(TypeError, match=message):
            _model("classifier", solver="sgd").partial_fit(torch.asarray(X), **arguments)


@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_bfloat16_tensors_without_dispatch_are_taken_as_numpy(kind):
    # NumPy has no bfloat16: the tensors come as float32, which holds their values exactly.
    X_host = np.round(X * 2).astype(np.float32)
    X_bf16 = torch.asarray(X_host).bfloat16()
    y_bf16, weights_bf16 = torch.asarray(LABELS).bfloat16(), torch.asarray(WEIGHTS).bfloat16()
    model = _model(kind).fit(X_bf16, y_bf16, weights_bf16)
    expected = _model(kind).fit(X_host, LABELS.astype(np.float32), WEIGHTS)
    assert isinstance(model.coefs_[0], np.ndarray) and model.coefs_[0].dtype == np.float32
    np.testing.assert_array_equal(model.predict(X_bf16), expected.predict(X_host))
    assert model.score(X_bf16, y_bf16, weights_bf16) == expected.score(X_host, LABELS, WEIGHTS)


def test_a_bfloat16_x_val_tensor_joins_numpy_x_under_dispatch():
    X_val = torch.asarray(np.round(X_VAL * 2)).bfloat16()
    with sklearn.config_context(array_api_dispatch=True):
        model = _model("classifier").fit(X, LABELS, X_val=X_val, y_val=LABELS_VAL)
    expected = _model("classifier").fit(X, LABELS, X_val=np.round(X_VAL * 2), y_val=LABELS_VAL)
    np.testing.assert_array_equal(model.validation_scores_, expected.validation_scores_)


class _MyTensor(torch.Tensor):
    """A subclass of torch.Tensor defined outside torch (as torchvision's tv_tensors are)."""


@pytest.mark.parametrize("dispatch", [True, False], ids=["dispatch", "no-dispatch"])
@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_a_subclass_of_torch_tensor_is_a_tensor(kind, dispatch):
    # a review: taken for NumPy data by its module's name, it failed deep in array_api_compat,
    # or in tensor.numpy() where it required grad
    def mine(values, grad=False):
        tensor = torch.asarray(values, dtype=torch.float64)
        return (tensor.requires_grad_() if grad else tensor).as_subclass(_MyTensor)

    target = LABELS if kind == "classifier" else X[:, 0]
    fit = {"sample_weight": mine(WEIGHTS, grad=True), "X_val": mine(X_VAL)}
    fit["y_val"] = LABELS_VAL if kind == "classifier" else X_VAL[:, 0]
    with sklearn.config_context(array_api_dispatch=dispatch):
        model = ESTIMATORS[kind](max_iter=3, random_state=0).fit(
            mine(X, grad=True), mine(target, grad=True), **fit
        )
        output = model.predict(mine(X))
        plain = ESTIMATORS[kind](max_iter=3, random_state=0).fit(
            torch.asarray(X), torch.asarray(target), sample_weight=torch.asarray(WEIGHTS)
        )
        expected = plain.predict(torch.asarray(X))
    assert isinstance(output, torch.Tensor) == dispatch
    np.testing.assert_array_equal(np.asarray(output), np.asarray(expected))


@pytest.mark.parametrize("dispatch", [True, False], ids=["dispatch", "no-dispatch"])
@pytest.mark.parametrize("argument", ["X", "y", "sample_weight", "X_val"])
def test_a_tensor_on_the_meta_device_is_refused_naming_it(argument, dispatch):
    # a review: "Cannot copy out of meta tensor; no data!", from deep inside, naming nothing
    inputs = {"X": X, "y": LABELS, "sample_weight": WEIGHTS, "X_val": X_VAL, "y_val": LABELS_VAL}
    inputs[argument] = torch.asarray(inputs[argument], dtype=torch.float64).to("meta")
    if argument != "X_val":
        inputs.pop("X_val"), inputs.pop("y_val")
    with sklearn.config_context(array_api_dispatch=dispatch):
        with pytest.raises(ValueError, match=f"^{argument} is on PyTorch's meta device"):
            TanhMLPClassifier(max_iter=3).fit(**inputs)
