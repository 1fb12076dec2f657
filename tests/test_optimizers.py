"""Each optimizer step recomputed by hand from its formula and compared."""

import numpy as np
import pytest

from sktanhnet._optimizers import SGD, Adam


def _arrays(seed=0, size=7):
    rng = np.random.RandomState(seed)
    return rng.normal(size=size), [rng.normal(size=size) for _ in range(4)]


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_sgd_steps_follow_the_momentum_formulas(momentum, nesterov):
    params, grads = _arrays()
    expected, velocity = params.copy(), np.zeros_like(params)
    optimizer = SGD(params.size, np.float64, 0.1, "constant", momentum, nesterov)
    for grad in grads:
        optimizer.step(params, grad)
        velocity = momentum * velocity - 0.1 * grad
        expected += momentum * velocity - 0.1 * grad if nesterov else velocity
    np.testing.assert_allclose(params, expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(optimizer.state()["velocity"], velocity, rtol=1e-14)


def test_sgd_invscaling_and_adaptive_schedules():
    optimizer = SGD(3, np.float64, 0.2, "invscaling", power_t=0.5)
    optimizer.epoch_ends(99)
    assert optimizer.learning_rate == pytest.approx(0.2 / 100**0.5)

    adaptive = SGD(3, np.float64, 1e-5, "adaptive")
    assert adaptive.no_improvement() is False  # first time: lr / 5, keep going
    assert adaptive.learning_rate == pytest.approx(2e-6)
    assert adaptive.no_improvement() is False
    assert adaptive.learning_rate == pytest.approx(4e-7)
    assert adaptive.no_improvement() is True  # lr <= 1e-6: stop
    assert SGD(3, np.float64, 0.1, "constant").no_improvement() is True


def test_adam_steps_follow_the_formulas():
    params, grads = _arrays(1)
    expected = params.copy()
    m, v = np.zeros_like(params), np.zeros_like(params)
    beta_1, beta_2, eps, lr = 0.8, 0.99, 1e-7, 0.01
    optimizer = Adam(params.size, np.float64, lr, beta_1, beta_2, eps)
    for t, grad in enumerate(grads, start=1):
        optimizer.step(params, grad)
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * grad**2
        step_size = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        expected -= step_size * m / (np.sqrt(v) + eps)
    np.testing.assert_allclose(params, expected, rtol=1e-13, atol=1e-15)
    state = optimizer.state()
    assert state["t"] == 4
    np.testing.assert_allclose(state["first_moment"], m, rtol=1e-14)
    np.testing.assert_allclose(state["second_moment"], v, rtol=1e-14)


def test_state_round_trip_continues_identically():
    params, grads = _arrays(2)
    for make in (
        lambda state=None: Adam(params.size, np.float64, 0.01, state=state),
        lambda state=None: SGD(params.size, np.float64, 0.1, state=state),
    ):
        first, second = params.copy(), params.copy()
        whole = make()
        for grad in grads:
            whole.step(first, grad)
        part = make()
        for grad in grads[:2]:
            part.step(second, grad)
        resumed = make(state=part.state())
        for grad in grads[2:]:
            resumed.step(second, grad)
        np.testing.assert_array_equal(first, second)


def test_float32_state_stays_float32():
    params = np.ones(5, dtype=np.float32)
    grad = np.full(5, 0.5, dtype=np.float32)
    for optimizer in (Adam(5, np.float32), SGD(5, np.float32)):
        optimizer.step(params, grad)
        assert params.dtype == np.float32
        assert all(
            value.dtype == np.float32
            for value in optimizer.state().values()
            if isinstance(value, np.ndarray)
        )


@pytest.mark.parametrize("name", ["adam", "sgd"])
def test_chunked_steps_with_an_l2_term_follow_the_formulas(monkeypatch, name):
    """Chunks of 5 elements; penalized ranges that start and end inside chunks."""
    import sktanhnet._optimizers

    monkeypatch.setattr(sktanhnet._optimizers, "CHUNK_BYTES", 5 * 8)
    params, grads = _arrays(3, size=23)
    penalized = (slice(2, 9), slice(12, 21))
    mask = np.zeros(params.size)
    for part in penalized:
        mask[part] = 1.0
    l2 = 0.3
    expected = params.copy()
    if name == "adam":
        optimizer = Adam(params.size, np.float64, 0.01)
        m, v = np.zeros_like(params), np.zeros_like(params)
    else:
        optimizer = SGD(params.size, np.float64, 0.1, "constant", 0.9, True)
        velocity = np.zeros_like(params)
    for t, grad in enumerate(grads, start=1):
        optimizer.step(params, grad.copy(), l2, penalized)
        full = grad + l2 * mask * expected
        if name == "adam":
            m = 0.9 * m + 0.1 * full
            v = 0.999 * v + 0.001 * full**2
            expected -= 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-8)
        else:
            velocity = 0.9 * velocity - 0.1 * full
            expected += 0.9 * velocity - 0.1 * full
    np.testing.assert_allclose(params, expected, rtol=1e-13, atol=1e-15)
