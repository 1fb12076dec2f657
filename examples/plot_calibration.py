"""
==========================================
Calibration of the predicted probabilities
==========================================

A classifier is *calibrated* when, among the rows to which it gives a probability of
about 0.8, about 80% are positive. :class:`~sktanhnet.TanhMLPClassifier` minimizes the
log-loss, a proper scoring rule, so a network that does not overfit tends to predict
calibrated probabilities. This example compares its calibration curve with those of
:class:`~sklearn.linear_model.LogisticRegression` (also trained on the log-loss) and
:class:`~sklearn.naive_bayes.GaussianNB` (whose independence assumption makes it
overconfident on correlated features), with
:class:`~sklearn.calibration.CalibrationDisplay`, and shows what overfitting does to a
large network's probabilities.
"""

# %%
# The data
# --------
# A binary problem of 20 features: 2 informative, 10 linear combinations of those
# (redundant, and therefore correlated) and 8 of noise. Only 1,000 rows train; 9,000
# rows test, so that each bin of the calibration curves holds many rows.

import matplotlib.pyplot as plt
from matplotlib.gridspec import GridSpec
from sklearn.calibration import CalibrationDisplay
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

from sktanhnet import TanhMLPClassifier

X, y = make_classification(
    n_samples=10_000, n_features=20, n_informative=2, n_redundant=10, random_state=42
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.9, random_state=42
)

# %%
# Four classifiers
# ----------------
# A small network with a strong L2 penalty (``alpha=1``), and a large one with the
# default, almost no penalty, which can fit the 1,000 training rows much more closely.

classifiers = {
    "Logistic regression": LogisticRegression(),
    "Gaussian naive Bayes": GaussianNB(),
    "TanhMLPClassifier (32,), alpha=1": TanhMLPClassifier(
        (32,), alpha=1.0, max_iter=500, random_state=0
    ),
    "TanhMLPClassifier (128, 128), alpha=1e-4": TanhMLPClassifier(
        (128, 128), max_iter=500, random_state=0
    ),
}
print(f"{'':42s}{'Brier score':>12s}{'log-loss':>10s}{'accuracy':>10s}")
for name, clf in classifiers.items():
    clf.fit(X_train, y_train)
    proba = clf.predict_proba(X_test)[:, 1]
    print(
        f"{name:42s}{brier_score_loss(y_test, proba):12.4f}"
        f"{log_loss(y_test, proba):10.4f}"
        f"{accuracy_score(y_test, proba > 0.5):10.4f}"
    )

# %%
# The Brier score (the mean squared difference between the probability and the 0/1
# label) and the log-loss both reward calibrated *and* sharp probabilities; lower is
# better. The small penalized network scores best on both. The large network's accuracy
# is close to it, but its log-loss is much worse: it is often confidently wrong.
#
# Calibration curves
# ------------------
# Each point is one bin of predicted probabilities: the mean predicted probability on
# the horizontal axis, the fraction of positive rows among them on the vertical one. The
# diagonal is perfect calibration. Below the curves, how many test rows fall in each
# bin.

fig = plt.figure(figsize=(11, 9), layout="constrained")
grid = GridSpec(3, 4, figure=fig)
ax_curves = fig.add_subplot(grid[:2, :])
for i, (name, clf) in enumerate(classifiers.items()):
    CalibrationDisplay.from_estimator(
        clf, X_test, y_test, n_bins=10, name=name, ax=ax_curves, color=f"C{i}"
    )
    ax = fig.add_subplot(grid[2, i])
    ax.hist(clf.predict_proba(X_test)[:, 1], range=(0, 1), bins=10, color=f"C{i}")
    ax.set_title(name.replace("Classifier ", "Classifier\n"), fontsize=11)
    ax.set_xlabel("Predicted probability")
    if i == 0:
        ax.set_ylabel("Count")
ax_curves.set_title("Calibration curves on 9,000 test rows")
ax_curves.legend(loc="upper left")
plt.show()

# %%
# Logistic regression stays close to the diagonal. The penalized network is, if
# anything, slightly underconfident: its curve is S-shaped, below the diagonal under 0.5
# and above it over 0.5, the mark of a strong penalty. Both put more rows in the middle
# bins than the two models below, though most rows of every model sit in the extreme
# bins. Naive Bayes is overconfident: it counts the redundant features as independent
# evidence, puts almost every row in the two extreme bins, and its curve is flatter than
# the diagonal (above it at low probabilities, below it at high ones). The large network
# with almost no penalty does the same: in its extreme bins fewer rows are of the
# predicted class than it claims. (The middle bins of these two hold few rows, so their
# points are noisy.) A larger ``alpha``, early stopping on the validation log-loss
# (``early_stopping=True, scoring="loss"``) or
# :class:`~sklearn.calibration.CalibratedClassifierCV` are ways to correct it.
