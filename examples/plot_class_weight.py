"""
=================================
Class weights for imbalanced data
=================================

When one class is rare, a classifier trained to minimize the average log-loss can do
well on that average while missing most of the rare class. ``class_weight``, which
scikit-learn's ``MLPClassifier`` does not have, weights each row's loss by its class:

* ``None`` (the default): every row counts the same;
* a dict ``{class: weight}``;
* ``"balanced"``: weights inversely proportional to the class frequencies, ``n_samples /
  (n_classes * np.bincount(y))``, so that each class carries the same total weight.

This example trains :class:`~sktanhnet.TanhMLPClassifier` with each on data where 5% of
the rows belong to the positive class, and compares their confusion matrices.
"""

# %%
# Imbalanced data
# ---------------
# 3,000 rows of 10 features, 4 of them informative, with 95% of the rows in class 0 and
# 1% of the labels flipped at random. The split keeps the class proportions
# (``stratify=y``).

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    accuracy_score,
    balanced_accuracy_score,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight

from sktanhnet import TanhMLPClassifier

X, y = make_classification(
    n_samples=3000,
    n_features=10,
    n_informative=4,
    weights=[0.95, 0.05],
    flip_y=0.01,
    class_sep=0.8,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
print(
    f"Training rows per class: {np.bincount(y_train)}, "
    f"test rows per class: {np.bincount(y_test)}"
)

balanced = compute_class_weight("balanced", classes=np.unique(y_train), y=y_train)
print(f'"balanced" weights: class 0: {balanced[0]:.3f}, class 1: {balanced[1]:.3f}')

# %%
# Three weightings
# ----------------
# The same small network and seed for each; only ``class_weight`` changes. A dict lets
# you set any weights, here a positive row counts five times as much as a negative one.

class_weights = {"None": None, "{0: 1, 1: 5}": {0: 1, 1: 5}, '"balanced"': "balanced"}
models = {}
for name, class_weight in class_weights.items():
    models[name] = TanhMLPClassifier(
        (8,),
        learning_rate_init=0.01,
        max_iter=500,
        class_weight=class_weight,
        random_state=0,
    ).fit(X_train, y_train)

# %%
# Weighting the rare class more trades false negatives for false positives: the network
# finds many more of the positive rows, at the cost of more negative rows labelled
# positive. The accuracy, dominated by the frequent class, falls; the balanced accuracy
# (the mean of the recalls of the two classes) rises.

metrics = {
    "accuracy": accuracy_score,
    "balanced accuracy": balanced_accuracy_score,
    "recall of class 1": recall_score,
    "precision of class 1": precision_score,
}
scores = {name: {} for name in models}
print(f"{'class_weight':14s}" + "".join(f"  {metric}" for metric in metrics))
for name, model in models.items():
    y_pred = model.predict(X_test)
    cells = []
    for metric, score in metrics.items():
        scores[name][metric] = score(y_test, y_pred)
        cells.append(f"  {scores[name][metric]:{len(metric)}.3f}")  # under its name
    print(f"{name:14s}" + "".join(cells))

# %%
# Confusion matrices
# ------------------
# Rows are the true classes, columns the predicted ones, on the test set.

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
for ax, (name, model) in zip(axes, models.items()):
    ConfusionMatrixDisplay.from_estimator(
        model, X_test, y_test, ax=ax, colorbar=False, cmap="Blues"
    )
    ax.set_title(f"class_weight={name}")
fig.suptitle("TanhMLPClassifier on 5% positive rows: test confusion matrices")
plt.show()

# %%
# The scores side by side
# -----------------------

fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
width = 0.25
positions = np.arange(len(metrics))
for i, name in enumerate(models):
    bars = ax.bar(
        positions + (i - 1) * width,
        [scores[name][metric] for metric in metrics],
        width,
        label=f"class_weight={name}",
    )
    ax.bar_label(bars, fmt="%.2f", fontsize=10)
ax.set_xticks(positions, list(metrics))
ax.set_ylim(0, 1.25)
ax.legend(loc="upper center", ncols=3)
ax.set_title("Test scores for each class_weight")
plt.show()

# %%
# Which weighting is right depends on the cost of each kind of error: ``"balanced"`` is
# a reasonable start when missing a rare positive costs much more than a false alarm. To
# tune it, the weight of the rare class can be searched over like any other parameter,
# with :class:`~sklearn.model_selection.GridSearchCV` and
# ``scoring="balanced_accuracy"``.
