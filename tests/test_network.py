"""The math core pinned by formulas and finite differences."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import xlogy

from sktanhnet._array_ops import NUMPY
from sktanhnet._layout import ParameterLayout, Workspace, init_params
from sktanhnet._network import (
    EXP,
    IDENTITY,
    LOGISTIC,
    SOFTMAX,
    FirstLayer,
    _output_loss_and_delta,
    forward,
    log_loss_bounds,
    log_proba,
    loss_and_gradient,
)
from sktanhnet._training import first_layer_by_rows


def _problem(layer_units, n_rows, out_activation, seed, weighted):
    rng = np.random.RandomState(seed)
    layout = ParameterLayout(layer_units)
    params = init_params(layout, rng, np.float64)
    X = rng.normal(size=(n_rows, layer_units[0]))
    n_outputs = layer_units[-1]
    if out_activation == SOFTMAX:
        target = rng.randint(n_outputs, size=n_rows)
    elif out_activation == IDENTITY:
        target = rng.normal(size=(n_rows, n_outputs))
    elif out_activation == EXP:
        target = rng.poisson(1.5, size=(n_rows, n_outputs)).astype(np.float64)
    else:
        target = (rng.uniform(size=(n_rows, n_outputs)) < 0.5).astype(np.float64)
    weights = rng.uniform(0.1, 3.0, size=n_rows) if weighted else None
    return layout, params, X, target, weights


def _loss(layout, params, X, target, weights, alpha, out_activation, grad=None):
    normalizer = X.shape[0] if weights is None else weights.sum()
    grad = np.empty_like(params) if grad is None else grad
    workspace = Workspace(layout, X.shape[0], params.dtype)
    loss = loss_and_gradient(
        layout, params, X, target, weights, normalizer, alpha, out_activation, workspace, grad
    )
    return loss, grad


def _reference_loss(layout, params, X, target, weights, alpha, out_activation, for_gradient=False):
    """Eq 1-3 plus the L2 term, written out plainly (no buffers, no tricks).

    The regression heads' losses are scikit-learn's ``squared_loss`` and ``poisson_loss``. With
    ``for_gradient``, the function whose gradient the network computes: for the identity head
    with k outputs, k times the data term (scikit-learn averages the loss over the outputs but
    not the gradient).
    """
    coefs, intercepts = layout.views(params)
    activation = X
    for coef, intercept in zip(coefs[:-1], intercepts[:-1]):
        activation = np.tanh(activation @ coef + intercept)
    logits = activation @ coefs[-1] + intercepts[-1]
    if out_activation == SOFTMAX:
        proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        row_losses = -np.log(proba[np.arange(len(target)), target])
    elif out_activation == IDENTITY:
        scale = 0.5 if for_gradient else 0.5 / target.shape[1]
        row_losses = scale * ((logits - target) ** 2).sum(axis=1)
    elif out_activation == EXP:
        prediction = np.exp(logits)
        row_losses = (xlogy(target, target / prediction) - target + prediction).sum(axis=1)
    else:
        proba = 1 / (1 + np.exp(-logits))
        row_losses = -(target * np.log(proba) + (1 - target) * np.log(1 - proba)).sum(axis=1)
    weights = np.ones(len(X)) if weights is None else weights
    penalty = 0.5 * alpha * sum((coef**2).sum() for coef in coefs)
    return (row_losses @ weights + penalty) / weights.sum()


@pytest.mark.parametrize("out_activation", [SOFTMAX, LOGISTIC, IDENTITY, EXP])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 1e-4, 0.5])
@pytest.mark.parametrize(
    "layer_units", [(4, 3), (5, 7, 3), (3, 6, 4, 2), (6, 2, 9, 3, 4), (8, 10, 10, 10, 5)]
)
def test_gradient_matches_finite_differences(layer_units, alpha, weighted, out_activation):
    layout, params, X, target, weights = _problem(layer_units, 13, out_activation, 0, weighted)
    loss, grad = _loss(layout, params, X, target, weights, alpha, out_activation)
    reference = _reference_loss(layout, params, X, target, weights, alpha, out_activation)
    assert loss == pytest.approx(reference, rel=1e-12)

    step = 1e-6
    numeric = np.empty_like(params)
    for i in range(layout.size):
        shifted = params.copy()
        shifted[i] += step
        up = _reference_loss(layout, shifted, X, target, weights, alpha, out_activation, True)
        shifted[i] -= 2 * step
        down = _reference_loss(layout, shifted, X, target, weights, alpha, out_activation, True)
        numeric[i] = (up - down) / (2 * step)
    relative_error = np.linalg.norm(grad - numeric) / np.linalg.norm(grad + numeric)
    assert relative_error < 1e-7


def test_gradient_of_chunks_sums_to_gradient_of_batch():
    layout, params, X, target, _ = _problem((5, 7, 3), 20, SOFTMAX, 1, False)
    loss, grad = _loss(layout, params, X, target, None, 0.1, SOFTMAX)
    workspace = Workspace(layout, 20, np.float64)
    total, chunk_grad = 0.0, np.empty_like(params)
    summed = np.zeros_like(params)
    for start, add_penalty in [(0, True), (8, False)]:
        chunk = slice(start, start + 8 if start == 0 else 20)
        total += loss_and_gradient(
            layout,
            params,
            X[chunk],
            target[chunk],
            None,
            20.0,
            0.1,
            SOFTMAX,
            workspace,
            chunk_grad,
            add_penalty=add_penalty,
        )
        summed += chunk_grad
    assert total == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(summed, grad, rtol=1e-12, atol=1e-15)


def test_sparse_input_gives_the_dense_loss_and_gradient():
    layout, params, X, target, weights = _problem((6, 5, 3), 11, SOFTMAX, 2, True)
    X[X < 0.3] = 0.0
    dense_loss, dense_grad = _loss(layout, params, X, target, weights, 0.01, SOFTMAX)
    sparse_loss, sparse_grad = _loss(
        layout, params, sp.csr_matrix(X), target, weights, 0.01, SOFTMAX
    )
    assert sparse_loss == pytest.approx(dense_loss, rel=1e-13)
    np.testing.assert_allclose(sparse_grad, dense_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("out_activation", [SOFTMAX, LOGISTIC])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_each_log_term_is_held_within_scikit_learns_bounds(out_activation, dtype):
    """scikit-learn's log-loss takes each probability within [eps, 1 - eps] before its log: a
    row predicted wrong with a probability below eps counts -log(eps) (36.04 in float64, 15.94
    in float32), and one right to within eps counts -log(1 - eps). The same here (the exact
    cross-entropy once gave a saturated model's loss_ as 30.6 where MLPClassifier's is 25.9).
    The delta, P - Y, is not bounded, nor is scikit-learn's."""
    eps = np.finfo(dtype).eps
    low, high = -np.log(dtype(1 - eps)), -np.log(dtype(eps))
    assert log_loss_bounds(dtype) == pytest.approx((low, high), rel=2 * float(eps))  # an ulp
    # Z^T (2 outputs, 5 rows): wrong by 60, right by 60, ordinary, right by 2000, wrong by 40
    logits = np.array([[60.0, -60.0, 0.3, 1000.0, 0.0], [0.0, 0.0, -0.2, -1000.0, 40.0]])
    if out_activation == SOFTMAX:
        target = np.array([1, 1, 0, 0, 0])
        shifted = logits - logits.max(axis=0)
        exact = np.log(np.exp(shifted).sum(axis=0)) - shifted[target, np.arange(5)]
        proba = np.exp(shifted) / np.exp(shifted).sum(axis=0)
        expected_delta = (proba - np.eye(2)[:, target]) / 5
    else:
        target = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 0]], dtype=dtype)
        exact_terms = np.logaddexp(0.0, logits) - target.T * logits
        exact = exact_terms.sum(axis=0)
        expected_delta = (np.exp(-np.logaddexp(0.0, -logits)) - target.T) / 5  # sigmoid
    bounded = np.clip(exact_terms, low, high).sum(axis=0) if out_activation == LOGISTIC else None
    bounded = np.clip(exact, low, high) if bounded is None else bounded
    workspace = Workspace(ParameterLayout([3, 2]), 5, dtype)
    delta = logits.astype(dtype)
    loss = _output_loss_and_delta(delta, target, None, 5.0, out_activation, workspace)
    terms = exact_terms if out_activation == LOGISTIC else exact
    assert (terms > high).any() and (terms < low).any()  # both bounds matter here
    tolerance = 1e-12 if dtype == np.float64 else 1e-6
    assert loss == pytest.approx(bounded.mean(), rel=tolerance)
    np.testing.assert_allclose(delta, expected_delta, rtol=tolerance, atol=1e-300)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_validation_loss_of_a_probability_that_rounds_to_one_is_bounded_not_nan(dtype):
    # log(1 - p) once took 0 x -inf where p rounded to 1 in float32 (-1e-300 is -0.0 there)
    from sktanhnet._network import mean_log_loss

    log_p = np.array([[-0.0, -0.0], [np.log(0.5), -1e-30]], dtype=dtype)
    target = np.array([[1, 0], [0, 1]])
    low, high = log_loss_bounds(dtype)
    expected = ((low + high) + (np.log(2) + low)) / 2  # p = 1 right, p = 1 wrong; 0.5, ~1 right
    assert mean_log_loss(log_p, target, None, LOGISTIC) == pytest.approx(expected, rel=1e-6)


def test_softmax_never_overflows_and_log_proba_never_takes_log_zero():
    layout = ParameterLayout((2, 3))
    params = np.zeros(layout.size)
    coefs, _ = layout.views(params)
    coefs[0][...] = [[1000.0, -1000.0, 0.0], [800.0, 0.0, -900.0]]
    X = np.array([[1.0, 1.0], [-1.0, 2.0]])
    workspace = Workspace(layout, 2, np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        activations, _ = workspace.rows(2)
        log_p = log_proba(*layout.views(params), X, activations, SOFTMAX).copy()
        proba = forward(*layout.views(params), X, activations, SOFTMAX)
    assert np.isfinite(proba).all() and np.allclose(proba.sum(axis=1), 1.0)
    assert np.isfinite(log_p).all()
    assert log_p[0, 1] == pytest.approx(-2800.0)  # the exact log-softmax, far below log(tiny)


def test_sigmoid_output_is_stable_for_huge_logits():
    layout = ParameterLayout((1, 2))
    params = np.array([800.0, -800.0, 0.0, 0.0])
    workspace = Workspace(layout, 1, np.float64)
    activations, _ = workspace.rows(1)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        proba = forward(*layout.views(params), np.ones((1, 1)), activations, LOGISTIC)
    np.testing.assert_allclose(proba, [[1.0, 0.0]])


def test_one_plain_sgd_step_worked_by_hand():
    # One hidden unit, two classes, one row: every quantity computed by hand.
    layout = ParameterLayout((1, 1, 2))
    params = np.empty(layout.size)
    (w1, w2), (b1, b2) = layout.views(params)
    w1[...] = [[0.5]]
    b1[...] = [0.1]
    w2[...] = [[1.0, -1.0]]
    b2[...] = [0.0, 0.2]
    x, label = 2.0, 1
    a1 = np.tanh(0.5 * x + 0.1)  # eq 1
    z = np.array([a1, -a1 + 0.2])
    p = np.exp(z) / np.exp(z).sum()  # eq 2
    delta2 = p - np.array([0.0, 1.0])  # eq 7, n = 1
    delta1 = (delta2 @ np.array([1.0, -1.0])) * (1 - a1**2)  # eq 10, 11
    expected_grad = {
        "w1": delta1 * x,  # eq 8 at layer 1
        "b1": delta1,  # eq 9
        "w2": a1 * delta2,  # eq 8, 12
        "b2": delta2,
    }
    loss, grad = _loss(layout, params, np.array([[x]]), np.array([label]), None, 0.0, SOFTMAX)
    assert loss == pytest.approx(-np.log(p[1]), rel=1e-14)
    (g1, g2), (gb1, gb2) = layout.views(grad)
    assert g1[0, 0] == pytest.approx(expected_grad["w1"], rel=1e-14)
    assert gb1[0] == pytest.approx(expected_grad["b1"], rel=1e-14)
    np.testing.assert_allclose(g2[0], expected_grad["w2"], rtol=1e-14)
    np.testing.assert_allclose(gb2, expected_grad["b2"], rtol=1e-14)

    learning_rate = 0.1
    stepped = params - learning_rate * grad  # plain SGD: W <- W - lr dL/dW
    (w1_new, _), _ = layout.views(stepped)
    assert w1_new[0, 0] == pytest.approx(0.5 - learning_rate * delta1 * x, rel=1e-14)


def test_glorot_uniform_initialisation_bounds_and_layout():
    layout = ParameterLayout((30, 20, 4))
    params = init_params(layout, np.random.RandomState(0), np.float32)
    assert params.dtype == np.float32 and params.shape == (30 * 20 + 20 + 20 * 4 + 4,)
    coefs, intercepts = layout.views(params)
    assert [c.shape for c in coefs] == [(30, 20), (20, 4)]
    assert [b.shape for b in intercepts] == [(20,), (4,)]
    for (fan_in, fan_out), coef in zip(layout.shapes, coefs):
        assert np.abs(coef).max() <= np.sqrt(6 / (fan_in + fan_out))
    coefs[0][0, 0] = 123.0  # views share the flat vector's memory
    assert params[0] == 123.0


@pytest.mark.parametrize(
    "layer_units, out_activation",
    [
        ([300, 16, 4], SOFTMAX),
        ([300, 64, 5, 3], SOFTMAX),
        ([300, 8, 1], LOGISTIC),
        ([300, 16, 3], LOGISTIC),
        ([300, 16, 8, 2], IDENTITY),
        ([300, 16, 2], EXP),
    ],
)
def test_first_layer_by_rows_gives_the_feature_major_forward_pass(layer_units, out_activation):
    """Prediction's X W_1 orientation (``by_rows``) is the same network: eq 1-2 from the plain
    formulas, to float32 roundoff, for each head and one or two hidden layers."""
    layout, params, X, _, _ = _problem(layer_units, 37, out_activation, 3, False)
    params, X = params.astype(np.float32), X.astype(np.float32)
    coefs, intercepts = layout.views(params)
    assert first_layer_by_rows(layout, np.float32, X, NUMPY)
    outputs = []
    for by_rows in (False, True):
        workspace = Workspace(layout, X.shape[0], np.float32)
        activations, _ = workspace.rows(X.shape[0])
        first = FirstLayer(by_rows=by_rows)
        P = forward(coefs, intercepts, X, activations, out_activation, first=first)
        outputs.append(np.array(P))
    A = X.astype(np.float64)
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        Z = A @ W.astype(np.float64) + b
        A = np.tanh(Z) if layer < len(coefs) - 1 else Z
    expected = {
        SOFTMAX: lambda Z: (
            np.exp(Z - Z.max(1, keepdims=True))
            / np.exp(Z - Z.max(1, keepdims=True)).sum(1, keepdims=True)
        ),
        LOGISTIC: lambda Z: 1 / (1 + np.exp(-Z)),
        IDENTITY: lambda Z: Z,
        EXP: np.exp,
    }[out_activation](A)
    for P in outputs:
        np.testing.assert_allclose(P, expected, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(outputs[1], outputs[0], rtol=2e-5, atol=2e-6)
    # the second layer read A_1 transposed: the workspace's row of ones above it is untouched
    assert np.all(activations[1][-1] == 1.0) or len(coefs) == 2


def test_first_layer_by_rows_only_where_it_was_measured_faster():
    """float32, dense NumPy X, a hidden layer of at most 64 units with at least 4 times as many
    inputs (``ROW_MAJOR_UNITS``, ``ROW_MAJOR_INPUTS``); never in float64 or on sparse X."""
    X = np.zeros((2, 1), np.float32)

    def by_rows(units, dtype=np.float32, data=X):
        return first_layer_by_rows(ParameterLayout(units), dtype, data, NUMPY)

    assert by_rows([3000, 64, 10]) and by_rows([256, 64, 64, 2]) and by_rows([64, 16, 1])
    assert not by_rows([3000, 64, 10], np.float64)
    assert not by_rows([3000, 64, 10], data=sp.csr_matrix(X))
    assert not by_rows([3000, 65, 10]) and not by_rows([255, 64, 10])
    assert not by_rows([64, 100, 10]) and not by_rows([3000, 10])  # no hidden layer


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("target", ["multiclass", "binary", "multilabel", "regression"])
def test_estimators_predict_the_same_with_the_first_layer_by_rows(target, monkeypatch):
    """A float32 model with a wide first layer predicts through ``by_rows`` (several chunks, on
    threads): the same predictions as the feature-major pass, to float32 roundoff."""
    import sktanhnet._training as training
    from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 256)).astype(np.float32)
    y = {
        "multiclass": rng.randint(3, size=300),
        "binary": rng.randint(2, size=300),
        "multilabel": rng.randint(2, size=(300, 3)),
        "regression": rng.normal(size=300),
    }[target]
    Model = TanhMLPRegressor if target == "regression" else TanhMLPClassifier
    model = Model(hidden_layer_sizes=(32,), max_iter=5, random_state=0).fit(X, y)
    X_new = rng.normal(size=(40_000, 256)).astype(np.float32)  # several chunks
    method = model.predict if target == "regression" else model.predict_proba
    used = []
    policy = training.first_layer_by_rows
    monkeypatch.setattr(
        training, "first_layer_by_rows", lambda *a: used.append(policy(*a)) or used[-1]
    )
    by_rows = method(X_new)
    monkeypatch.setattr(training, "first_layer_by_rows", lambda *a: False)
    np.testing.assert_allclose(by_rows, method(X_new), rtol=1e-5, atol=1e-6)
    assert used == [True]
