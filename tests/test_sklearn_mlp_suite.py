"""scikit-learn's own MLP test-suite, run against TanhMLPClassifier and TanhMLPRegressor.

The test module that scikit-learn installs with itself (``sklearn/neural_network/tests/
test_mlp.py``, never a copy) is loaded while ``sklearn.neural_network.MLPClassifier`` and
``MLPRegressor`` are replaced by ``TanhMLPClassifierAsMLP`` and ``TanhMLPRegressorAsMLP``: ours
with an ``activation`` parameter that accepts "tanh" only (its default). Its
``ACTIVATION_TYPES`` is narrowed to ``["tanh"]``, so that a test that loops over the
activations runs its tanh case. Every test function of the module is collected here; those
that cannot pass by design are deselected by name, with the reason, in ``DESELECTED`` (see
``conftest.py``); a name that the installed version does not have is ignored.
"""

import importlib.util
import inspect
from pathlib import Path

import pytest
import sklearn
import sklearn.neural_network
from sklearn.base import clone

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor


def _as_mlp(estimator_class):
    """A subclass of ``estimator_class`` that also takes ``activation``, which must be "tanh".

    ``activation`` comes second, as in MLPClassifier; its signature is the subclass's, so that
    ``get_params`` and ``clone`` know it.
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="tanh", **params):
        estimator_class.__init__(self, hidden_layer_sizes, **params)
        self.activation = activation

    parameters = list(inspect.signature(estimator_class.__init__).parameters.values())
    activation = inspect.Parameter(
        "activation", inspect.Parameter.POSITIONAL_OR_KEYWORD, default="tanh"
    )
    __init__.__signature__ = inspect.Signature([*parameters[:2], activation, *parameters[2:]])

    def _validate_params(self):
        if self.activation != "tanh":
            raise ValueError(f"activation must be 'tanh' here, got {self.activation!r}.")
        estimator_class._validate_params(self)

    name = estimator_class.__name__ + "AsMLP"
    namespace = {"__init__": __init__, "_validate_params": _validate_params}
    return type(name, (estimator_class,), namespace | {"__module__": __name__})


TanhMLPClassifierAsMLP = _as_mlp(TanhMLPClassifier)
TanhMLPRegressorAsMLP = _as_mlp(TanhMLPRegressor)


# test_n_iter_no_change and test_n_iter_no_change_inf read MLPClassifier's private
# _no_improvement_count, which TanhMLPClassifier has too, with the same meaning: they run.
PRIVATE = "reads or sets private attributes of MLPClassifier"

# name (a test function, or one case of a parametrized test) -> why it cannot pass by design
DESELECTED = {
    # private attributes of MLPClassifier
    "test_fit": PRIVATE + " (_coef_grads, _coef_velocity...) and uses activation='logistic'",
    "test_gradient": PRIVATE + " (_loss_grad_lbfgs)",
    "test_learning_rate_warmstart": PRIVATE + " (_optimizer)",
    "test_adaptive_learning_rate": PRIVATE + " (_optimizer)",
    # other activations
    "test_predict_proba_binary": "uses activation='logistic'",
    "test_multilabel_classification": "uses activation='logistic'",
    "test_partial_fit_regression": "uses activation='relu'",
    "test_mlp_diverging_loss": "uses activation='identity'",
    "test_mlp_vs_poisson_glm_equivalent": (
        "uses activation='identity' to emulate no hidden layer; TanhMLPRegressor takes "
        "hidden_layer_sizes=() for that, tested against PoissonRegressor in test_regressor.py"
    ),
    "test_nonfinite_params": (
        "relies on the default activation='relu' overflowing on huge X; tanh saturates, and "
        "MLPRegressor(activation='tanh') trains finite weights there too"
    ),
}


def _load_installed_test_mlp():
    path = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
    spec = importlib.util.spec_from_file_location("_sklearn_installed_test_mlp", path)
    module = importlib.util.module_from_spec(spec)
    originals = sklearn.neural_network.MLPClassifier, sklearn.neural_network.MLPRegressor
    sklearn.neural_network.MLPClassifier = TanhMLPClassifierAsMLP
    sklearn.neural_network.MLPRegressor = TanhMLPRegressorAsMLP
    try:  # the module's "from sklearn.neural_network import MLPClassifier" takes ours
        spec.loader.exec_module(module)
    finally:
        sklearn.neural_network.MLPClassifier, sklearn.neural_network.MLPRegressor = originals
    module.ACTIVATION_TYPES = ["tanh"]
    return module


SKLEARN_TEST_MLP = _load_installed_test_mlp()
globals().update(
    {name: test for name, test in vars(SKLEARN_TEST_MLP).items() if name.startswith("test_")}
)


@pytest.mark.parametrize("ours", [TanhMLPClassifierAsMLP, TanhMLPRegressorAsMLP])
def test_the_installed_suite_runs_against_ours(ours):
    assert Path(SKLEARN_TEST_MLP.__file__).is_relative_to(Path(sklearn.__file__).parent)
    assert SKLEARN_TEST_MLP.MLPClassifier is TanhMLPClassifierAsMLP
    assert SKLEARN_TEST_MLP.MLPRegressor is TanhMLPRegressorAsMLP
    assert sklearn.neural_network.MLPClassifier is not TanhMLPClassifierAsMLP  # put back
    assert sklearn.neural_network.MLPRegressor is not TanhMLPRegressorAsMLP
    assert clone(ours(max_iter=3)).get_params()["activation"] == "tanh"
    assert clone(ours(max_iter=3)).get_params()["max_iter"] == 3
    with pytest.raises(ValueError, match="activation must be 'tanh'"):
        ours(activation="relu").fit([[0.0], [1.0]], [0, 1])
