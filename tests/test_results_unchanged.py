"""Speed work must not change results: float64, same seed, the same probabilities to 1e-12.

Two pins. Multiclass adam and sgd training, and binary training with every solver, is compared
with scikit-learn's ``MLPClassifier(activation="tanh")``: both draw the same initial weights and
the same shuffles from the same seed, so their probabilities agree to roundoff. Every other case
(multilabel, sample weights, early stopping, L-BFGS, no hidden layer) is compared with
probabilities computed by the code as it was before the performance work (commit 8bbe9cb) and
stored below. (Binary targets were pinned there too, as a two-column softmax, until they took
MLPClassifier's one logistic output: issue 18.)
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sktanhnet import TanhMLPClassifier


def _multiclass():
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X, y, X[:4]


def _binary():
    X, y = make_classification(n_samples=120, n_features=5, random_state=1)
    return X, y, X[:4]


def _multilabel():
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, n_classes=3, random_state=2)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, Y, X[:4]


def _weights(X):
    return {"sample_weight": np.random.RandomState(3).uniform(0.0, 2.0, size=X.shape[0])}


def _none(X):
    return {}


DATA = {"multiclass": _multiclass, "binary": _binary, "multilabel": _multilabel}

# name: (estimator parameters, fit keyword arguments, data set)
CASES = {
    "adam_multiclass": ({"hidden_layer_sizes": (8, 5)}, _none, "multiclass"),
    "sgd_multiclass": ({"solver": "sgd", "hidden_layer_sizes": (8,)}, _none, "multiclass"),
    "lbfgs_multiclass": ({"solver": "lbfgs", "hidden_layer_sizes": (8,)}, _none, "multiclass"),
    "adam_multilabel": ({"hidden_layer_sizes": (9,)}, _none, "multilabel"),
    "sgd_multilabel": ({"solver": "sgd", "hidden_layer_sizes": (9,)}, _none, "multilabel"),
    "lbfgs_multilabel": ({"solver": "lbfgs", "hidden_layer_sizes": (9,)}, _none, "multilabel"),
    "adam_sample_weight": ({"hidden_layer_sizes": (8,), "batch_size": 40}, _weights, "multiclass"),
    "sgd_sample_weight": ({"solver": "sgd", "hidden_layer_sizes": (8,)}, _weights, "multiclass"),
    "lbfgs_sample_weight": (
        {"solver": "lbfgs", "hidden_layer_sizes": (8,)},
        _weights,
        "multiclass",
    ),
    "adam_early_stopping": (
        {"hidden_layer_sizes": (8,), "early_stopping": True, "max_iter": 40},
        _none,
        "multiclass",
    ),
    "sgd_early_stopping": (
        {"solver": "sgd", "hidden_layer_sizes": (8,), "early_stopping": True, "max_iter": 40},
        _none,
        "multiclass",
    ),
    "adam_no_hidden_layer": ({"hidden_layer_sizes": (), "alpha": 0.01}, _none, "multiclass"),
}


# predict_proba of the first 4 rows after fit(random_state=0, max_iter=15, **parameters), as
# computed before the performance work.
REFERENCE = {
    "adam_multiclass": [
        [0.32673870180294556, 0.114573002452881, 0.5586882957441734],
        [0.5375965973022867, 0.22006926824809192, 0.24233413444962143],
        [0.26282464933536676, 0.2080297967239683, 0.529145553940665],
        [0.3882601250119019, 0.2182226545359286, 0.39351722045216947],
    ],
    "sgd_multiclass": [
        [0.45195105350948855, 0.4403299919070545, 0.10771895458345697],
        [0.31651524514987356, 0.2460982520165727, 0.4373865028335538],
        [0.38958810448417963, 0.3597559883870135, 0.2506559071288068],
        [0.28978312302609205, 0.2814193650617273, 0.4287975119121805],
    ],
    "lbfgs_multiclass": [
        [9.7460980263297847e-01, 4.1266469563704918e-03, 2.1263550410651109e-02],
        [5.6863427052733159e-02, 9.0420279563111727e-01, 3.8933777316149686e-02],
        [6.7363778294731586e-04, 9.9228066205218746e-01, 7.0457001648653187e-03],
        [2.7221448415011224e-05, 9.9996492936484183e-01, 7.8491867431885470e-06],
    ],
    "adam_multilabel": [
        [0.3795401112837006, 0.8052062287877597, 0.49967911663907955],
        [0.4089060340656615, 0.7956824378928511, 0.45164044415054716],
        [0.48166436290682646, 0.707473097583304, 0.3075267473724442],
        [0.3630455634322858, 0.7377519529535566, 0.4172909985321338],
    ],
    "sgd_multilabel": [
        [0.397198810112617, 0.8007305985064094, 0.5093553848744248],
        [0.41439727092271594, 0.7960044669899884, 0.4566720275209142],
        [0.4960236288756762, 0.6999963811537205, 0.30840796244803137],
        [0.37170263009843796, 0.7282972407970986, 0.42251407655595447],
    ],
    "lbfgs_multilabel": [
        [0.018965003193295433, 0.023394585703472862, 0.4464287780474392],
        [0.8773651090637435, 0.9560699167931765, 0.9999855555671434],
        [0.8882827596646401, 0.060123182702264466, 0.9946860024774448],
        [0.6298669991218372, 0.27787085197074635, 0.9918033412087001],
    ],
    "adam_sample_weight": [
        [0.5876342998165758, 0.2715904259179458, 0.14077527426547828],
        [0.3028634013743677, 0.26775961342372606, 0.42937698520190626],
        [0.31958432827041705, 0.439895916659453, 0.24051975507013001],
        [0.22732666541567456, 0.4109023967346586, 0.36177093784966674],
    ],
    "sgd_sample_weight": [
        [0.4455953340228326, 0.4448302461220391, 0.1095744198551285],
        [0.3165959915583402, 0.24604928834544662, 0.43735472009621335],
        [0.38545022514707167, 0.36567364060881635, 0.24887613424411206],
        [0.2895663334188451, 0.2841423372561817, 0.42629132932497327],
    ],
    "lbfgs_sample_weight": [
        [9.8448295444192790e-01, 9.3843379276255207e-05, 1.5423202178795850e-02],
        [1.0550498177746005e-01, 8.1368972287302321e-01, 8.0805295349516623e-02],
        [1.5300195177063458e-06, 9.9875219204098942e-01, 1.2462779394929249e-03],
        [4.6832938422459953e-06, 9.9998905955370665e-01, 6.2571524510505234e-06],
    ],
    "adam_early_stopping": [
        [0.406088353921343, 0.4916710857781094, 0.10224056030054765],
        [0.3158884386920351, 0.2446002158425704, 0.43951134546539444],
        [0.4043266228844363, 0.34328438337715594, 0.2523889937384078],
        [0.30384261196411705, 0.2542572661725208, 0.441900121863362],
    ],
    "sgd_early_stopping": [
        [0.4026864633303095, 0.49573043774161407, 0.10158309892807632],
        [0.31670036828320064, 0.2445510867491604, 0.438748544967639],
        [0.4044540175384611, 0.34404001150880115, 0.25150597095273775],
        [0.30503041108887763, 0.2534209695414163, 0.44154861936970596],
    ],
    "adam_no_hidden_layer": [
        [0.6653563848859583, 0.31122052820243523, 0.02342308691160646],
        [0.24373767900912077, 0.5082141170558376, 0.2480482039350417],
        [0.03379599499375114, 0.01179274062296344, 0.9544112643832853],
        [0.015581431550314015, 0.015154391274566163, 0.9692641771751198],
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_probabilities_are_those_computed_before_the_speed_work(name):
    parameters, fit_arguments, data = CASES[name]
    X, y, rows = DATA[data]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier = TanhMLPClassifier(**{"random_state": 0, "max_iter": 15, **parameters})
        classifier.fit(X, y, **fit_arguments(X))
    np.testing.assert_allclose(classifier.predict_proba(rows), REFERENCE[name], rtol=0, atol=1e-12)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("hidden_layer_sizes", [(10,), (12, 7)])
def test_multiclass_training_matches_scikit_learn(solver, hidden_layer_sizes):
    X, y = make_classification(
        n_samples=240, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    parameters = {
        "solver": solver,
        "hidden_layer_sizes": hidden_layer_sizes,
        "max_iter": 5,
        "batch_size": 32,
        "learning_rate_init": 0.01,
        "random_state": 0,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = TanhMLPClassifier(**parameters).fit(X, y)
        theirs = MLPClassifier(activation="tanh", **parameters).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("hidden_layer_sizes", [(7,), (7, 4)])
def test_binary_training_matches_scikit_learn(solver, hidden_layer_sizes):
    X, y, _ = _binary()
    parameters = {"solver": solver, "hidden_layer_sizes": hidden_layer_sizes, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = TanhMLPClassifier(max_iter=15, **parameters).fit(X, y)
        theirs = MLPClassifier(activation="tanh", max_iter=15, **parameters).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-10)
    assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_input_trains_in_float32_and_float64_in_float64(dtype):
    X, y, _ = _multiclass()
    classifier = TanhMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(X.astype(dtype), y)
    assert all(coef.dtype == dtype for coef in classifier.coefs_)
    assert classifier.predict_proba(X.astype(dtype)).dtype == dtype
