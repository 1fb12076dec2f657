"""How far apart the host put this machine's two cores, and what that does to a training step.

On a virtual machine the host may move the two cores (virtual processors) closer together or
further apart from one minute to the next. This script repeats, for ``--rounds`` rounds:

- a probe: two threads, one pinned on each of the first two processors, pass a counter back and
  forth 100,000 times; the mean time of one round trip (a cache line from one core to the
  other and back);
- the same Adam kernel as training's, on one core, over 670,000 float64 weights that nothing
  else touches, after a 64 MB copy (so that they come from memory): milliseconds per step;
- one epoch of ``TanhMLPClassifier`` on the large workload's first 30,000 rows (784-512-512-10,
  float64, adam, batch 256: its products on BLAS's two threads), with the time of each optimizer
  step inside it (a gradient both cores wrote, weights both cores read).

It needs numba (``pip install ".[fast]"``) and two processors. Usage::

    python benchmarks/bench_cores.py --rounds 25

Each round prints one line: the clock, the probe's round trip, the lone kernel's step, the
epoch, and the median step inside it. See "What the slow phases are" on the documentation's
Performance page for what a run of it gave.
"""

import argparse
import os
import sys
import threading
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench  # noqa: E402

from sktanhnet import _optimizers  # noqa: E402
from sktanhnet._compiled import numpy_ops  # noqa: E402

_PLAY = []


def _play():
    """The compiled ping-pong (made once): role 0 writes 2k + 1 and waits for role 1's echo."""
    if _PLAY:
        return _PLAY[0]
    from numba import njit

    from sktanhnet._numba_epoch import _load_acquire, _store_release

    @njit(nogil=True)
    def play(flags, role, trips):
        for k in range(trips):
            if role == 0:
                _store_release(flags, 0, 2 * k + 1)
                while _load_acquire(flags, 8) < 2 * k + 1:
                    pass
            else:
                while _load_acquire(flags, 0) < 2 * k + 1:
                    pass
                _store_release(flags, 8, 2 * k + 1)
        return 0

    play(np.zeros(16, np.int64), 0, 0)  # compiled before any clock starts
    _PLAY.append(play)
    return play


def round_trip_ns(processors, trips=100_000):
    """Nanoseconds of one round trip of a counter between threads on two processors (the mean
    over ``trips``)."""
    play = _play()
    flags = np.zeros(16, np.int64)
    saved = os.sched_getaffinity(0)

    def other():
        os.sched_setaffinity(0, {processors[1]})
        play(flags, 1, trips)

    helper = threading.Thread(target=other)
    os.sched_setaffinity(0, {processors[0]})
    try:
        helper.start()
        start = time.perf_counter()
        play(flags, 0, trips)
        seconds = time.perf_counter() - start
        helper.join()
    finally:
        os.sched_setaffinity(0, saved)
    return seconds / trips * 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args(argv)
    processors = sorted(os.sched_getaffinity(0))[:2]
    if len(processors) < 2:
        sys.exit("needs two processors")
    warnings.simplefilter("ignore")
    X, y = bench.load_workload("large", np.float64)
    X, y = X[:30_000], y[:30_000]
    params = bench.settings("large", "adam", 1)
    steps, step = [], _optimizers.Adam.step

    def timed_step(self, *arguments):
        start = time.perf_counter()
        step(self, *arguments)
        steps.append(time.perf_counter() - start)

    _optimizers.Adam.step = timed_step
    kernel = numpy_ops().adam_kernel(np.dtype("float64"))
    rng = np.random.RandomState(0)
    size = 669_706
    weights, grad, first, second = (rng.uniform(0, 0.01, size) for _ in range(4))
    segments = np.array([[0, size, 1]], np.int64)
    source, target = np.ones(2**23), np.empty(2**23)

    def lone_step_ms():
        times = []
        for _ in range(20):
            np.copyto(target, source)
            start = time.perf_counter()
            kernel(weights, grad, first, second, segments, 1e-6, 0.9, 0.999, 1e-8, 1e-3)
            times.append(time.perf_counter() - start)
        return 1e3 * float(np.median(times))

    bench.fit_ours(X[:2000], y[:2000], params)  # compiles, warms up
    for _ in range(args.rounds):
        probe = round_trip_ns(processors)
        lone = lone_step_ms()
        steps.clear()
        epoch, _ = bench.fit_ours(X, y, params)
        print(
            f"{time.strftime('%H:%M:%S')}  round trip {probe:5.0f} ns  lone step {lone:.2f} ms  "
            f"epoch {epoch:.3f} s  step in training {1e3 * np.median(steps):.2f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
