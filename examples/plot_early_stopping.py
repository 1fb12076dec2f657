"""
========================================
Early stopping and the validation curves
========================================

With ``early_stopping=True``, :class:`~sktanhnet.TanhMLPClassifier` holds out a fraction
of the training rows (``validation_fraction``, 10% by default), scores the network on
them after each epoch and stops when the score has not improved for ``n_iter_no_change``
epochs, keeping the best epoch's weights. Beyond scikit-learn's ``MLPClassifier``, it
lets you choose

* what the validation score is, with ``scoring``: accuracy by default, ``"loss"`` for
  the validation log-loss, or any scikit-learn scorer;
* which rows it is computed on, with ``fit(X, y, X_val=..., y_val=...)``;

and it records the validation log-loss of every epoch in ``validation_loss_curve_``.
:class:`~sktanhnet.TrainingCurveDisplay` draws these curves.
"""

# %%
# The data
# --------
# The 8x8 images of handwritten digits, scaled to [0, 1], with a quarter of the rows
# kept aside as a test set that no model below sees during training.

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sktanhnet import TanhMLPClassifier, TrainingCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
print(f"{len(X_train)} training rows, {len(X_test)} test rows")

# %%
# Accuracy or log-loss?
# ---------------------
# The default validation score is the accuracy, as in ``MLPClassifier``. On 135
# validation rows it moves in steps of 1/135 and soon stops improving, even while the
# network still gets better. The log-loss keeps improving for longer, so
# ``scoring="loss"`` trains for more epochs, here to a better test accuracy.

params = dict(early_stopping=True, learning_rate_init=0.01, random_state=0)
by_accuracy = TanhMLPClassifier(**params).fit(X_train, y_train)
by_loss = TanhMLPClassifier(scoring="loss", **params).fit(X_train, y_train)

for name, clf in [("None", by_accuracy), ("'loss'", by_loss)]:
    print(
        f"scoring={name:6s} epochs: {clf.n_iter_:3d}  "
        f"best validation score: {clf.best_validation_score_:.4f}  "
        f"test accuracy: {clf.score(X_test, y_test):.3f}"
    )

# %%
# The training loss and the validation loss share the left axis; the validation score,
# on another scale, has its own axis on the right. With ``scoring="loss"`` the score is
# the negated log-loss, so that higher is better, as for every scikit-learn scorer.

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
for ax, clf, name in [
    (axes[0], by_accuracy, "scoring=None (accuracy)"),
    (axes[1], by_loss, 'scoring="loss"'),
]:
    display = TrainingCurveDisplay.from_estimator(clf, ax=ax, name=name)
    display.ax_.legend(
        handles=display.lines_, loc="center right"
    )  # away from the curves
fig.suptitle("Early stopping on 10% of the training rows")
plt.show()

# %%
# A validation set of your own
# ----------------------------
# Instead of a random 10% of the training rows, ``fit`` takes the validation rows as
# ``X_val`` and ``y_val``: for instance data from a later period, or another source,
# than the training rows. Every row of ``X`` is then used for training: none is held out
# of it.

X_fit, X_val, y_fit, y_val = train_test_split(
    X_train, y_train, test_size=0.2, random_state=0
)
given = TanhMLPClassifier(scoring="loss", **params).fit(
    X_fit, y_fit, X_val=X_val, y_val=y_val
)
print(
    f"X_val given ({len(X_val)} rows): epochs: {given.n_iter_}\n"
    f"    best validation score: {given.best_validation_score_:.4f}, "
    f"last validation loss: {given.validation_loss_curve_[-1]:.4f}\n"
    f"    test accuracy: {given.score(X_test, y_test):.3f}"
)

# %%
# Watching without stopping
# -------------------------
# With ``early_stopping=False``, a given validation set is scored after each epoch but
# does not stop training: a way to see what early stopping saves. We train this one for
# a fixed budget of 150 epochs on purpose (``tol=0`` and a large ``n_iter_no_change``
# turn off the convergence test), so we silence the ``ConvergenceWarning`` that says the
# optimizer would have gone on. The training loss keeps falling towards zero, but the
# validation loss levels off: its lowest value, some epochs after the point where early
# stopping stopped, is only slightly below the early-stopped run's best, and the test
# accuracy barely moves (the numbers are printed below). Early stopping trained for half
# of these 150 epochs, to about the same model.

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    watched = TanhMLPClassifier(
        max_iter=150,
        tol=0,
        n_iter_no_change=1000,
        learning_rate_init=0.01,
        scoring="loss",
        random_state=0,
    ).fit(X_fit, y_fit, X_val=X_val, y_val=y_val)

val_loss = watched.validation_loss_curve_
best_epoch = min(range(len(val_loss)), key=val_loss.__getitem__) + 1
print(
    f"Watched for {watched.n_iter_} epochs: "
    f"training loss {watched.loss_curve_[-1]:.4f}\n"
    f"    validation loss {val_loss[given.n_iter_ - 1]:.4f} at epoch {given.n_iter_}, "
    f"lowest {min(val_loss):.4f} at epoch {best_epoch}, last {val_loss[-1]:.4f}\n"
    f"    test accuracy: {watched.score(X_test, y_test):.3f}"
)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained", sharey=True)
for ax, clf, name in [
    (axes[0], given, "early_stopping=True, X_val given"),
    (axes[1], watched, "early_stopping=False, X_val given"),
]:
    display = TrainingCurveDisplay.from_estimator(clf, ax=ax, name=name)
    display.ax_.legend(handles=display.lines_, loc="center right")
axes[1].axvline(given.n_iter_, color="gray", linestyle=":")
axes[1].annotate(
    "early stop",
    (given.n_iter_, 0.45),
    xytext=(4, 0),
    textcoords="offset points",
    color="gray",
)
axes[0].set_ylim(0, 0.5)  # shared by both panels' loss axes
fig.suptitle(f"A given validation set of {len(X_val)} rows (losses below 0.5 shown)")
plt.show()
