"""The main job, ``python -m sktanhnet``, timed as a whole process with each kernel set.

Each round runs, one after the other (the order reversed every other round):

- ``numpy``: ``SKTANHNET_KERNELS=numpy python -m sktanhnet --quiet``;
- ``auto``: ``SKTANHNET_KERNELS`` unset, numba installed, as a user of the ``fast`` extra runs it:
  the command line takes NumPy's kernels for a job too short to repay numba's start-up
  (``_compiled.SHORT_JOB_WORK``), which the main job is;
- ``cold``: the compiled kernels forced (``SKTANHNET_KERNELS=numba``) with an empty numba cache
  (``NUMBA_CACHE_DIR`` pointing at a new folder): compilation included, as the first run after
  ``pip install ".[fast]"`` of a job long enough for them;
- ``warm``: the compiled kernels forced again, with the cache the cold run filled.

The table gives the median wall-clock seconds of each and the medians of the per-round
differences and ratios against ``numpy`` (issue 23's targets: cold at most 10 s more, warm at
most 0.9 times). Usage::

    python benchmarks/bench_main.py                # 3 rounds: about a minute on 2 cores
    python benchmarks/bench_main.py --rounds 5

It writes ``benchmarks/RESULTS_main.md``.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402


def run(environment):
    """Wall-clock seconds of one ``python -m sktanhnet --quiet`` with ``environment`` added."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sktanhnet", "--quiet"],
        env={**os.environ, **environment},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output-dir", default=HERE, help="where RESULTS_main.md goes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    times = {"numpy": [], "auto": [], "cold": [], "warm": []}
    for round_ in range(args.rounds):
        with tempfile.TemporaryDirectory() as cache:
            compiled = {"SKTANHNET_KERNELS": "numba", "NUMBA_CACHE_DIR": cache}
            steps = [
                ("numpy", {"SKTANHNET_KERNELS": "numpy"}),
                ("auto", {"SKTANHNET_KERNELS": "auto"}),
                ("compiled", compiled),
            ]
            for key, environment in steps if round_ % 2 == 0 else steps[::-1]:
                if key == "compiled":
                    times["cold"].append(run(environment))
                    times["warm"].append(run(environment))
                else:
                    times[key].append(run(environment))
        print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    numpy_times = np.array(times["numpy"])
    auto = np.array(times["auto"])
    cold, warm = np.array(times["cold"]), np.array(times["warm"])
    lines = [
        "| kernels | median seconds | against numpy |",
        "|---|---:|---:|",
        f"| numpy | {np.median(numpy_times):.2f} | |",
        f"| auto (numba installed; NumPy's for this short job) | {np.median(auto):.2f} "
        f"| {np.median(auto / numpy_times):.2f} x |",
        f"| compiled forced, cold (empty cache) | {np.median(cold):.2f} "
        f"| +{np.median(cold - numpy_times):.2f} s |",
        f"| compiled forced, warm | {np.median(warm):.2f} "
        f"| {np.median(warm / numpy_times):.2f} x |",
    ]
    elapsed = time.perf_counter() - started
    command = "python benchmarks/bench_main.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    machine = bench.machine_description()
    results = [
        *bench.results_header("# The main job as a whole process", command, elapsed, machine),
        f"`python -m sktanhnet --quiet`, {args.rounds} alternated rounds:",
        "",
        *lines,
        "",
    ]
    print("\n".join(lines))
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "RESULTS_main.md"), "w") as out:
        out.write("\n".join(results))


if __name__ == "__main__":
    main()
