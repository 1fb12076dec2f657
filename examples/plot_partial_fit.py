"""
=====================================
Incremental learning with partial_fit
=====================================

``partial_fit`` trains on one batch of rows at a time: one pass of the optimizer over
the batch, keeping the weights and the optimizer's state between calls. This is how a
network learns from data that arrive over time, or that do not fit in memory at once
(read them in chunks and pass each chunk). As with the rest of its API,
:class:`~sktanhnet.TanhMLPClassifier` takes the same calls as ``MLPClassifier`` and,
with the same seed, follows the same path.
"""

# %%
# A stream of chunks
# ------------------
# The handwritten digits, in chunks of 200 rows: the first call must name every class
# that will ever appear (``classes``), since a chunk may lack some.

import textwrap

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from sktanhnet import TanhMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
classes = np.unique(y)
chunk_size = 200
n_passes = 5
chunks = [
    slice(start, start + chunk_size) for start in range(0, len(X_train), chunk_size)
]
print(f"{len(chunks)} chunks of up to {chunk_size} rows, {n_passes} passes over them")

# %%
# Training
# --------
# Both models see the same chunks in the same order; after each chunk we score them on
# the test rows.

params = dict(hidden_layer_sizes=(64,), learning_rate_init=0.01, random_state=0)
models = {
    "TanhMLPClassifier": TanhMLPClassifier(**params),
    'MLPClassifier(activation="tanh")': MLPClassifier(activation="tanh", **params),
}
accuracy = {name: [] for name in models}
for _ in range(n_passes):
    for chunk in chunks:
        for name, model in models.items():
            model.partial_fit(X_train[chunk], y_train[chunk], classes=classes)
            accuracy[name].append(model.score(X_test, y_test))

ours, theirs = models.values()
n_calls = len(accuracy["TanhMLPClassifier"])
print(f"Test accuracy after {n_calls} calls: {ours.score(X_test, y_test):.3f}")
difference = np.abs(ours.predict_proba(X_test) - theirs.predict_proba(X_test)).max()
print(f"Max |predict_proba difference| with MLPClassifier: {difference:.1e}")
print(f"Loss on the last chunk: {ours.loss_curve_[-1]:.4f}")
print(f"MLPClassifier's loss on it: {theirs.loss_curve_[-1]:.4f}")

# %%
# Class weights in partial_fit
# ----------------------------
# ``class_weight`` works in ``partial_fit`` too, given as a dict: ``"balanced"`` would
# need the class frequencies of the whole stream, which no single chunk knows, so it is
# refused with a ``ValueError`` that says so. A dict that weighs one class more makes
# the network find more of its rows.

try:
    TanhMLPClassifier(class_weight="balanced").partial_fit(
        X_train[:200], y_train[:200], classes=classes
    )
except ValueError as error:
    print(textwrap.fill(f"ValueError: {error}", width=80, subsequent_indent="    "))

weighted = TanhMLPClassifier(
    class_weight={digit: 1.0 for digit in classes} | {8: 3.0}, **params
)
for _ in range(n_passes):
    for chunk in chunks:
        weighted.partial_fit(X_train[chunk], y_train[chunk], classes=classes)
for name, model in [("unweighted", ours), ("weight 3 on digit 8", weighted)]:
    recall_8 = np.mean(model.predict(X_test[y_test == 8]) == 8)
    print(f"Recall of digit 8, {name}: {recall_8:.3f}")

# %%
# The learning curve of the stream
# --------------------------------
# The two curves lie on one another: the same weights after every call.

fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
calls = np.arange(1, len(accuracy["TanhMLPClassifier"]) + 1)
ax.plot(
    calls, accuracy["TanhMLPClassifier"], lw=4, alpha=0.5, label="TanhMLPClassifier"
)
ax.plot(
    calls, accuracy['MLPClassifier(activation="tanh")'], "k--", label="MLPClassifier"
)
for boundary in range(len(chunks), len(calls), len(chunks)):
    ax.axvline(boundary + 0.5, color="gray", lw=0.5)
ax.set(xlabel="partial_fit calls (chunks of 200 rows; gray lines: end of a pass)")
ax.set(ylabel="Test accuracy", title="Accuracy on the test rows after each chunk")
ax.legend(loc="lower right")
plt.show()
