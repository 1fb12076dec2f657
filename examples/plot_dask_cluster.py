"""
==========================
Training on a dask cluster
==========================

:class:`~sktanhnet.dask.DaskTanhMLPClassifier` is
:class:`~sktanhnet.TanhMLPClassifier` fitted where the data is: on the workers of a
`dask.distributed <https://distributed.dask.org>`__ cluster, from dask arrays or
DataFrames that never come back to the client. With ``solver="lbfgs"`` each iteration
sends the weights to the workers, sums the loss and gradient of every partition there,
and steps L-BFGS on the client: the same model as the in-memory fit, to rounding. Here
a small cluster of two worker processes runs on this machine, every listener on
127.0.0.1 (``pip install "sktanhnet[distributed]"``).
"""

# %%
# A local cluster and data in partitions
# --------------------------------------
# The workers are new processes, which import the script: in a script of your own,
# put what follows under ``if __name__ == "__main__":``.

import warnings

import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from distributed import Client, LocalCluster
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier
from sktanhnet.dask import DaskTanhMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)  # short runs, on purpose

X, y = make_classification(
    n_samples=20_000, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X_train, X_test, y_train, y_test = X[:16_000], X[16_000:], y[:16_000], y[16_000:]

cluster = LocalCluster(
    n_workers=2,
    threads_per_worker=1,
    processes=True,
    host="127.0.0.1",
    dashboard_address="127.0.0.1:0",
)
client = Client(cluster)
# eight partitions of 2,000 rows, held by the two workers
X_dask = da.from_array(X_train, chunks=(2_000, 20)).persist()
y_dask = da.from_array(y_train, chunks=2_000).persist()
print(f"{X_dask.numblocks[0]} partitions on {len(client.nthreads())} workers")

# %%
# L-BFGS on the cluster, and in memory
# ------------------------------------
# The same parameters and seed: the same initial weights, the same iterations, and
# weights equal to rounding (the partitions' sums are added in another order).

params = dict(hidden_layer_sizes=(32,), solver="lbfgs", max_iter=60, random_state=0)
on_cluster = DaskTanhMLPClassifier(**params).fit(X_dask, y_dask)
in_memory = TanhMLPClassifier(**params).fit(X_train, y_train)
difference = max(
    np.abs(a - b).max()
    for a, b in zip(
        on_cluster.coefs_ + on_cluster.intercepts_,
        in_memory.coefs_ + in_memory.intercepts_,
    )
)
print(f"iterations: {on_cluster.n_iter_} on the cluster, {in_memory.n_iter_} in memory")
print(f"max |weight difference|: {difference:.1e}")

# %%
# Lazy predictions
# ----------------
# On dask input, ``predict_proba`` returns a lazy dask array, computed partition by
# partition on the workers; on NumPy input, it is the in-memory estimator's own.

proba = on_cluster.predict_proba(da.from_array(X_test, chunks=(1_000, 20)))
print(type(proba).__name__, proba.shape, proba.numblocks)
proba_difference = np.abs(proba.compute() - in_memory.predict_proba(X_test)).max()
print(f"max |proba difference|: {proba_difference:.1e}")
print(f"test accuracy: {on_cluster.score(X_test, y_test):.3f}")

# %%
# Adam over the partitions
# ------------------------
# With "adam" (and "sgd") the model visits the partitions, in a new order each
# epoch; early stopping holds out ``validation_fraction`` of each partition's rows.

adam = DaskTanhMLPClassifier(
    (32,), learning_rate_init=0.01, max_iter=20, early_stopping=True, random_state=0
).fit(X_dask, y_dask)
print(f"adam: {adam.n_iter_} epochs, test accuracy {adam.score(X_test, y_test):.3f}")

fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
ax.plot(in_memory.loss_curve_, lw=4, alpha=0.5, label="TanhMLPClassifier (in memory)")
ax.plot(on_cluster.loss_curve_, "k--", label="DaskTanhMLPClassifier (2 workers)")
ax.set(xlabel="L-BFGS iteration", ylabel="training loss", yscale="log")
ax.set(title="The same L-BFGS run, in memory and on a cluster")
ax.legend()
plt.show()

client.close()
cluster.close()
