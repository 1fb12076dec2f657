"""
=====================================
Tuning the network with a grid search
=====================================

:class:`~sktanhnet.TanhMLPClassifier` is a scikit-learn estimator like any other: it
goes into a :class:`~sklearn.pipeline.Pipeline` and its parameters are searched with
:class:`~sklearn.model_selection.GridSearchCV`. Here we search the two parameters that
matter most for a small network: the width of its hidden layer (``hidden_layer_sizes``)
and the strength of its L2 penalty (``alpha``), on the handwritten digits.
"""

# %%
# A pipeline
# ----------
# Standardizing the features first (mean 0, variance 1) suits tanh units, whose slope is
# largest around 0. Inside the pipeline, the scaler is fitted on each training fold
# only.

from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

pipeline = make_pipeline(
    StandardScaler(),
    TanhMLPClassifier(learning_rate_init=0.01, max_iter=300, random_state=0),
)

# %%
# The search
# ----------
# Four penalties times three widths, each scored by 3-fold cross-validation: 36 fits,
# plus one refit of the best parameters on all the training rows. ``n_jobs=-1`` would
# run the fits on every core; one process is enough for a search this small.

alphas = [1e-3, 1e-1, 1.0, 10.0]
sizes = [(16,), (32,), (128,)]
search = GridSearchCV(
    pipeline,
    {
        "tanhmlpclassifier__alpha": alphas,
        "tanhmlpclassifier__hidden_layer_sizes": sizes,
    },
    cv=3,
    n_jobs=1,
)
start = perf_counter()
search.fit(X_train, y_train)
print(
    f"Search of {len(search.cv_results_['params'])} candidates: "
    f"{perf_counter() - start:.1f} s"
)
print("Best parameters:")
for name, value in search.best_params_.items():
    print(f"    {name} = {value}")
print(f"Best mean cross-validated accuracy: {search.best_score_:.3f}")
print(
    f"Test accuracy of the refitted best pipeline: {search.score(X_test, y_test):.3f}"
)

# %%
# The scores as a heat map
# ------------------------
# ``cv_results_`` lists the candidates in the order of the grid, the last parameter
# varying fastest: after sorting the keys, ``alpha`` comes first, so each row of the
# reshaped array is one penalty and each column one width.

mean_scores = search.cv_results_["mean_test_score"].reshape(len(alphas), len(sizes))
std_scores = search.cv_results_["std_test_score"].reshape(len(alphas), len(sizes))

fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
image = ax.imshow(mean_scores, cmap="viridis")
for i in range(len(alphas)):
    for j in range(len(sizes)):
        color = "black" if mean_scores[i, j] > mean_scores.mean() else "white"
        ax.text(
            j,
            i,
            f"{mean_scores[i, j]:.3f}\n± {std_scores[i, j]:.3f}",
            ha="center",
            va="center",
            color=color,
        )
ax.set_xticks(np.arange(len(sizes)), [str(size) for size in sizes])
ax.set_yticks(np.arange(len(alphas)), [f"{alpha:g}" for alpha in alphas])
ax.set_xlabel("hidden_layer_sizes")
ax.set_ylabel("alpha")
ax.set_title("Mean cross-validated accuracy (± std over 3 folds)")
fig.colorbar(image, ax=ax, label="accuracy")
plt.show()

# %%
# With little penalty, the wider the layer the better the score. A moderate penalty
# narrows the gap: with ``alpha=1`` the narrowest network scores about as well as the
# best candidate. With ``alpha=10`` the penalty dominates the loss and every width loses
# accuracy. The differences between the best few candidates are about the size of their
# standard deviations over the folds: on a dataset this small, several settings are
# equally good.
