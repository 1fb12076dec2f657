"""SGD (momentum, Nesterov, learning-rate schedules) and Adam on one flat parameter vector.

They update ``params`` in place from ``grad``, know nothing of networks and print nothing. The
updates are scikit-learn's (``sklearn/neural_network/_stochastic_optimizers.py``), written with
preallocated scratch space so that a step makes no temporary arrays. Their state is a dict of plain
arrays and numbers (``state()``), so a fitted estimator holds no custom objects.
"""

import numpy as np


class SGD:
    """v <- momentum * v - lr * g; params += v, or with Nesterov params += momentum * v - lr * g.

    learning_rate schedules: "constant"; "invscaling", lr = lr_init / (t + 1)^power_t after each
    epoch (t counts the samples seen); "adaptive", lr /= 5 each time training stops improving,
    until lr <= 1e-6.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
        state=None,
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.power_t = float(power_t)
        self.learning_rate = self.learning_rate_init
        self.velocity = np.zeros(n_params, dtype=dtype)
        if state is not None:
            self.learning_rate = float(state["learning_rate"])
            self.velocity[...] = state["velocity"]
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        """One update of ``params`` in place."""
        scaled_grad = np.multiply(grad, self.learning_rate, out=self._scratch)
        self.velocity *= self.momentum
        self.velocity -= scaled_grad  # v = momentum * v - lr * g
        if self.nesterov:
            params -= scaled_grad  # params += momentum * v - lr * g
            params += np.multiply(self.velocity, self.momentum, out=self._scratch)
        else:
            params += self.velocity

    def epoch_ends(self, samples_seen):
        """Apply the "invscaling" schedule once per epoch."""
        if self.schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (samples_seen + 1) ** self.power_t

    def no_improvement(self):
        """Training stopped improving: return True to stop, or lower the rate ("adaptive")."""
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False

    def state(self):
        """Plain copy of the state, to store on the estimator."""
        return {"learning_rate": self.learning_rate, "velocity": self.velocity.copy()}


class Adam:
    """m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    params -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        state=None,
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = self.learning_rate_init
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.first_moment = np.zeros(n_params, dtype=dtype)
        self.second_moment = np.zeros(n_params, dtype=dtype)
        if state is not None:
            self.t = int(state["t"])
            self.learning_rate = float(state["learning_rate"])
            self.first_moment[...] = state["first_moment"]
            self.second_moment[...] = state["second_moment"]
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        """One update of ``params`` in place."""
        self.t += 1
        scratch = self._scratch
        self.first_moment *= self.beta_1
        self.first_moment += np.multiply(grad, 1.0 - self.beta_1, out=scratch)
        self.second_moment *= self.beta_2
        np.multiply(grad, grad, out=scratch)
        scratch *= 1.0 - self.beta_2
        self.second_moment += scratch
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1.0 - self.beta_2**self.t)
            / (1.0 - self.beta_1**self.t)
        )
        np.sqrt(self.second_moment, out=scratch)
        scratch += self.epsilon
        np.divide(self.first_moment, scratch, out=scratch)
        scratch *= self.learning_rate
        params -= scratch

    def epoch_ends(self, samples_seen):
        """Adam has no schedule."""

    def no_improvement(self):
        """Training stopped improving: Adam always stops."""
        return True

    def state(self):
        """Plain copy of the state, to store on the estimator."""
        return {
            "t": self.t,
            "learning_rate": self.learning_rate,
            "first_moment": self.first_moment.copy(),
            "second_moment": self.second_moment.copy(),
        }
