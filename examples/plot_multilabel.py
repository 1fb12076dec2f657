"""
=========================
Multilabel classification
=========================

In a multilabel problem each row can carry several labels at once: a document about
sports *and* politics, a photo with a dog *and* a cat. Given a target that is an
indicator matrix (one column per label, 1 where the label applies),
:class:`~sktanhnet.TanhMLPClassifier` trains one network with one logistic output per
label and a binary cross-entropy on each, as ``MLPClassifier`` does. The labels share
the hidden layer, so what the network learns for one label helps the others.

This example compares it with one logistic regression per label
(:class:`~sklearn.multioutput.MultiOutputClassifier`).
"""

# %%
# The data
# --------
# 3,000 rows of 20 count features, 5 labels, about 2 labels per row on average.

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, jaccard_score
from sklearn.model_selection import train_test_split
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier

X, Y = make_multilabel_classification(
    n_samples=3000, n_features=20, n_classes=5, n_labels=2, random_state=0
)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
print(
    f"Y is {Y.shape[0]} x {Y.shape[1]}, "
    f"{Y.sum(axis=1).mean():.2f} labels per row on average"
)
print(f"Rows with 0, 1, 2, ... labels: {np.bincount(Y.sum(axis=1))}")
print(f"Share of rows with each label: {Y.mean(axis=0).round(2)}")

# %%
# Two models
# ----------
# The network takes the indicator matrix as it is: ``n_outputs_`` is the number of
# labels and ``out_activation_`` is ``"logistic"``.

network = make_pipeline(
    StandardScaler(),
    TanhMLPClassifier((64,), alpha=1.0, learning_rate_init=0.01, random_state=0),
)
per_label = make_pipeline(StandardScaler(), MultiOutputClassifier(LogisticRegression()))
network.fit(X_train, Y_train)
per_label.fit(X_train, Y_train)
mlp = network[-1]
print(f"n_outputs_: {mlp.n_outputs_}, out_activation_: {mlp.out_activation_!r}")
print(
    f"epochs: {mlp.n_iter_}, predict_proba shape: {network.predict_proba(X_test).shape}"
)

# %%
# Multilabel scores: the Hamming loss is the share of wrong entries of the indicator
# matrix (lower is better), the subset accuracy the share of rows whose labels are all
# right, the Jaccard score the overlap of the predicted and true label sets, averaged
# over the rows.

models = {"TanhMLPClassifier": network, "LogisticRegression per label": per_label}
f1_per_label = {}
print(f"{'':30s}{'Hamming loss':>14s}{'subset accuracy':>17s}{'Jaccard':>9s}")
for name, model in models.items():
    Y_pred = model.predict(X_test)
    f1_per_label[name] = f1_score(Y_test, Y_pred, average=None)
    jaccard = jaccard_score(Y_test, Y_pred, average="samples", zero_division=1)
    print(
        f"{name:30s}{hamming_loss(Y_test, Y_pred):14.3f}"
        f"{accuracy_score(Y_test, Y_pred):17.3f}{jaccard:9.3f}"
    )

# %%
# The network is better on every score, and on every label's F1 score:

for name, f1 in f1_per_label.items():
    print(f"{name:30s} F1 per label: {f1.round(3)}")

fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
width = 0.4
labels = np.arange(Y.shape[1])
for i, (name, f1) in enumerate(f1_per_label.items()):
    bars = ax.bar(labels + (i - 0.5) * width, f1, width, label=name)
    ax.bar_label(bars, fmt="%.2f", fontsize=10)
ax.set_xticks(labels, [f"label {label}" for label in labels])
ax.set_ylabel("F1 score on the test set")
ax.set_ylim(0, 1)
fig.legend(loc="outside lower center", ncols=2)  # below the bars
ax.set_title("Per-label F1 score")
plt.show()

# %%
# The probabilities
# -----------------
# ``predict_proba`` gives one independent probability per label (the rows do not sum to
# 1); ``predict`` thresholds them at 0.5. Here the first 30 test rows, with a dot where
# the label truly applies.

proba = network.predict_proba(X_test[:30])
fig, ax = plt.subplots(figsize=(10, 3.2), layout="constrained")
image = ax.imshow(proba.T, cmap="Blues", vmin=0, vmax=1, aspect="auto")
rows, cols = np.nonzero(Y_test[:30].T)
ax.scatter(cols, rows, color="C1", s=18, label="true label")
ax.set_yticks(labels, [f"label {label}" for label in labels])
ax.set_xlabel("Test row")
ax.legend(loc="upper right", bbox_to_anchor=(1, 1.25), ncols=1)
fig.colorbar(image, ax=ax, label="predict_proba")
ax.set_title("Predicted probability of each label")
plt.show()
