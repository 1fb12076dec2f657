"""scikit-learn's own MLP test-suite, run against TanhMLPClassifier.

The test module that scikit-learn installs with itself (``sklearn/neural_network/tests/
test_mlp.py``, never a copy) is loaded while ``sklearn.neural_network.MLPClassifier`` is
replaced by ``TanhMLPClassifierAsMLP``: TanhMLPClassifier with an ``activation`` parameter that
accepts "tanh" only (its default). Its ``ACTIVATION_TYPES`` is narrowed to ``["tanh"]``, so that
a test that loops over the activations runs its tanh case. Every test function of the module is
collected here; those that cannot pass by design are deselected by name, with the reason, in
``DESELECTED`` (see ``conftest.py``); a name that the installed version does not have is ignored.
"""

import importlib.util
from pathlib import Path

import pytest
import sklearn
import sklearn.neural_network
from sklearn.base import clone

from sktanhnet import TanhMLPClassifier


class TanhMLPClassifierAsMLP(TanhMLPClassifier):
    """TanhMLPClassifier that also takes MLPClassifier's ``activation``, which must be "tanh"."""

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="tanh",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        class_weight=None,
        scoring=None,
    ):
        super().__init__(
            hidden_layer_sizes,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            class_weight=class_weight,
            scoring=scoring,
        )
        self.activation = activation

    def _validate_params(self):
        if self.activation != "tanh":
            raise ValueError(f"activation must be 'tanh' here, got {self.activation!r}.")
        super()._validate_params()


# test_n_iter_no_change and test_n_iter_no_change_inf read MLPClassifier's private
# _no_improvement_count, which TanhMLPClassifier has too, with the same meaning: they run.
PRIVATE = "reads or sets private attributes of MLPClassifier"
REGRESSOR = "MLPRegressor only"

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
    # MLPRegressor
    "test_lbfgs_regression": REGRESSOR,
    "test_lbfgs_regression_maxfun": REGRESSOR,
    "test_multioutput_regression": REGRESSOR,
    "test_partial_fit_regression": REGRESSOR,
    "test_nonfinite_params": REGRESSOR,
    "test_shuffle": REGRESSOR,
    "test_mlp_regressor_dtypes_casting": REGRESSOR,
    "test_mlp_loading_from_joblib_partial_fit": REGRESSOR,
    "test_mlp_diverging_loss": REGRESSOR,
    "test_mlp_sample_weight_with_early_stopping": REGRESSOR,
    "test_mlp_vs_poisson_glm_equivalent": REGRESSOR,
    "test_minimum_input_sample_size": REGRESSOR,
    "test_early_stopping[MLPRegressor]": REGRESSOR,
    "test_warm_start_full_iteration[MLPRegressor]": REGRESSOR,
    "test_mlp_param_dtypes[MLPRegressor-float32]": REGRESSOR,
    "test_mlp_param_dtypes[MLPRegressor-float64]": REGRESSOR,
    "test_preserve_feature_names[MLPRegressor]": REGRESSOR,
    "test_mlp_warm_start_with_early_stopping[MLPRegressor]": REGRESSOR,
    "test_mlp_warm_start_no_convergence[sgd-MLPRegressor]": REGRESSOR,
    "test_mlp_warm_start_no_convergence[adam-MLPRegressor]": REGRESSOR,
    "test_mlp_warm_start_no_convergence[lbfgs-MLPRegressor]": REGRESSOR,
    "test_mlp_partial_fit_after_fit[MLPRegressor]": REGRESSOR,
}


def _load_installed_test_mlp():
    path = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
    spec = importlib.util.spec_from_file_location("_sklearn_installed_test_mlp", path)
    module = importlib.util.module_from_spec(spec)
    original = sklearn.neural_network.MLPClassifier
    sklearn.neural_network.MLPClassifier = TanhMLPClassifierAsMLP
    try:  # the module's "from sklearn.neural_network import MLPClassifier" takes ours
        spec.loader.exec_module(module)
    finally:
        sklearn.neural_network.MLPClassifier = original
    module.ACTIVATION_TYPES = ["tanh"]
    return module


SKLEARN_TEST_MLP = _load_installed_test_mlp()
globals().update(
    {name: test for name, test in vars(SKLEARN_TEST_MLP).items() if name.startswith("test_")}
)


def test_the_installed_suite_runs_against_tanhmlpclassifier():
    assert Path(SKLEARN_TEST_MLP.__file__).is_relative_to(Path(sklearn.__file__).parent)
    assert SKLEARN_TEST_MLP.MLPClassifier is TanhMLPClassifierAsMLP
    assert sklearn.neural_network.MLPClassifier is not TanhMLPClassifierAsMLP  # put back
    assert clone(TanhMLPClassifierAsMLP()).get_params()["activation"] == "tanh"
    with pytest.raises(ValueError, match="activation must be 'tanh'"):
        TanhMLPClassifierAsMLP(activation="relu").fit([[0.0], [1.0]], [0, 1])
