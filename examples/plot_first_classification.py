"""
===================================================
TanhMLPClassifier and MLPClassifier: the same model
===================================================

:class:`~sktanhnet.TanhMLPClassifier` is a drop-in replacement for scikit-learn's
``MLPClassifier(activation="tanh")``: the same parameters, the same defaults and the
same random numbers drawn in the same order. Given the same seed, both train the same
network.

This example fits both on the two interleaving half-moons of
:func:`~sklearn.datasets.make_moons`, draws their decision boundaries side by side with
:class:`~sklearn.inspection.DecisionBoundaryDisplay`, and checks that the predicted
probabilities agree.
"""

# %%
# The data
# --------
# Two noisy half-moons: a problem that no straight line separates, but that a small
# network of tanh units handles well.

from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from sktanhnet import TanhMLPClassifier

X, y = make_moons(n_samples=500, noise=0.25, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# Two estimators, one set of parameters
# -------------------------------------
# The only change from scikit-learn's code is the class name. Both get the same
# parameters and the same ``random_state``. We time each fit, taking the best of three
# fits to reduce noise.

params = dict(
    hidden_layer_sizes=(16, 16),
    activation="tanh",
    learning_rate_init=0.01,
    max_iter=300,
    random_state=0,
)
estimators = {
    "TanhMLPClassifier": TanhMLPClassifier(**params),
    'MLPClassifier(activation="tanh")': MLPClassifier(**params),
}

fit_times = {}
for name, est in estimators.items():
    times = []
    for _ in range(3):
        start = perf_counter()
        est.fit(X_train, y_train)
        times.append(perf_counter() - start)
    fit_times[name] = min(times)
    print(
        f"{name:34s} epochs: {est.n_iter_:3d}  fit: {1000 * fit_times[name]:6.1f} ms  "
        f"test accuracy: {est.score(X_test, y_test):.3f}"
    )

# %%
# Same seed, same model
# ---------------------
# The two networks stopped after the same number of epochs and predict the same
# probabilities, up to floating-point roundoff.

ours, sklearn_mlp = estimators.values()
proba_difference = np.abs(ours.predict_proba(X) - sklearn_mlp.predict_proba(X)).max()
loss_difference = np.abs(np.subtract(ours.loss_curve_, sklearn_mlp.loss_curve_)).max()
print(f"Max |predict_proba difference|: {proba_difference:.1e}")
print(f"Max |loss_curve_ difference|:   {loss_difference:.1e}")
print(f"Same predictions: {(ours.predict(X) == sklearn_mlp.predict(X)).all()}")

# %%
# Decision boundaries
# -------------------
# The probability of the second class over the plane, for each model, and the test rows
# as dots in the colour of their class: a dot whose colour differs from the plane around
# it is a row that the model gets wrong. The two panels are the same picture.

fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), sharey=True, layout="constrained")
for ax, (name, est) in zip(axes, estimators.items()):
    DecisionBoundaryDisplay.from_estimator(
        est,
        X,
        response_method="predict_proba",
        cmap="RdBu",
        alpha=0.5,
        ax=ax,
        grid_resolution=200,
    )
    # the test rows in their class's colour (red: 0, blue: 1), on the plane's paler one
    ax.scatter(
        X_test[:, 0],
        X_test[:, 1],
        c=y_test,
        cmap=ListedColormap(["tab:red", "tab:blue"]),
        edgecolors="white",
        linewidths=0.8,
        s=30,
    )
    ax.set_title(f"{name}\ntest accuracy {est.score(X_test, y_test):.3f}")
fig.suptitle("Same parameters, same seed: the same decision boundary")
plt.show()

# %%
# The time per fit printed above depends on the machine; on a problem this small, the
# fixed cost of each epoch matters most. The example
# :ref:`sphx_glr_auto_examples_plot_speed.py` measures the time per epoch of larger
# networks.
