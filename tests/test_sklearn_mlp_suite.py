"""scikit-learn's own MLP test-suite, run against TanhMLPClassifier and TanhMLPRegressor.

The test module that scikit-learn installs with itself (``sklearn/neural_network/tests/
test_mlp.py``, never a copy) is loaded while ``sklearn.neural_network.MLPClassifier`` and
``MLPRegressor`` are replaced by ``TanhMLPClassifier`` and ``TanhMLPRegressor``, whose
``activation`` parameter accepts "tanh" only (its default). Its
``ACTIVATION_TYPES`` is narrowed to ``["tanh"]``, so that a test that loops over the
activations runs its tanh case. Every test function of the module is collected here; those
that cannot pass by design are deselected by name, with the reason, in ``DESELECTED`` (see
``conftest.py``); a name that the installed version does not have is ignored.
"""

import importlib.util
from pathlib import Path

import pytest
import sklearn
import sklearn.neural_network
from sklearn.base import clone

from sktanhnet import InvalidParameterError, TanhMLPClassifier, TanhMLPRegressor

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
    sklearn.neural_network.MLPClassifier = TanhMLPClassifier
    sklearn.neural_network.MLPRegressor = TanhMLPRegressor
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


@pytest.mark.parametrize("ours", [TanhMLPClassifier, TanhMLPRegressor])
def test_the_installed_suite_runs_against_ours(ours):
    assert Path(SKLEARN_TEST_MLP.__file__).is_relative_to(Path(sklearn.__file__).parent)
    assert SKLEARN_TEST_MLP.MLPClassifier is TanhMLPClassifier
    assert SKLEARN_TEST_MLP.MLPRegressor is TanhMLPRegressor
    assert sklearn.neural_network.MLPClassifier is not TanhMLPClassifier  # put back
    assert sklearn.neural_network.MLPRegressor is not TanhMLPRegressor
    assert clone(ours(max_iter=3)).get_params()["activation"] == "tanh"
    with pytest.raises(InvalidParameterError, match="'activation' parameter.*must be 'tanh'"):
        ours(activation="relu").fit([[0.0], [1.0]], [0, 1])
