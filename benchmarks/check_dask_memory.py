"""Manual check: an ~800 MB data set trains with L-BFGS without the client's memory growing.

Not a test and not a timing: the data (``--rows`` x ``--features`` float64 values, 2,000,000 x
50 = 800 MB by default) is generated lazily on the workers with ``dask.array.random``, and the
client's resident memory (psutil) is read before and after a few L-BFGS iterations. Run alone::

    python benchmarks/check_dask_memory.py            # 800 MB, 2 workers, 3 iterations
    python benchmarks/check_dask_memory.py --rows 200000   # 80 MB, a quick run
"""

import argparse
import gc
import time
import warnings

import dask.array as da
import numpy as np
import psutil
from distributed import Client, LocalCluster
from sklearn.exceptions import ConvergenceWarning

from sktanhnet.dask import DaskTanhMLPClassifier


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    args = parser.parse_args()

    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        memory_limit=None,
    )
    client = Client(cluster)
    me = psutil.Process()
    X = da.random.RandomState(0).standard_normal(
        (args.rows, args.features), chunks=(args.chunk_rows, args.features)
    )
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
    print(f"data: {X.nbytes / 1e6:.0f} MB in {X.numblocks[0]} partitions, {args.workers} workers")
    gc.collect()
    before = me.memory_info().rss
    start = time.perf_counter()
    model = DaskTanhMLPClassifier((10,), solver="lbfgs", max_iter=args.iterations, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    seconds = time.perf_counter() - start
    gc.collect()
    after = me.memory_info().rss
    workers = client.run(lambda: psutil.Process().memory_info().rss)
    print(f"fit: {model.n_iter_} iterations in {seconds:.1f} s, loss {model.loss_:.4f}")
    print(f"client RSS before fit: {before / 2**20:.0f} MiB, after: {after / 2**20:.0f} MiB")
    print(f"client RSS growth: {(after - before) / 2**20:+.1f} MiB")
    print("worker RSS after fit: " + ", ".join(f"{v / 2**20:.0f} MiB" for v in workers.values()))
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
