"""TanhMLPClassifier on PyTorch tensors (array API dispatch), its NumPy path and plain PyTorch.

Run through ``bench.py``: ``python benchmarks/bench.py --namespace torch [--device cuda]``.

For each workload of ``bench.py``, dtype and solver, it times one epoch of ``fit``, alternated
in one process after a warm-up, for:

- numpy: ``TanhMLPClassifier`` on NumPy arrays, on the CPU (the path every other table measures);
- ours: the same estimator on torch tensors on ``--device``, under
  ``sklearn.config_context(array_api_dispatch=True)``: the same hand-written network and
  optimizer, computed by PyTorch on that device;
- plain torch: the same network written the usual PyTorch way on the same device
  (``torch.nn.Linear`` layers, ``torch.nn.Tanh``, cross-entropy with the same L2 term, autograd,
  ``torch.optim.Adam`` or ``SGD`` with Nesterov momentum), as in ``bench.py --torch``.

Then ``predict_proba`` throughput: ours on torch on ``--predict-rows`` random rows (default
10,000,000 on cuda, 1,000,000 on the CPU, whose memory would not hold 10 million rows of the large
workload), against the NumPy path on at most 1,000,000 rows (the large workload: 100,000; its rate
does not depend on the number of rows), with the peak device memory a call allocates beyond its
input and output (cuda only: ``torch.cuda.max_memory_allocated``).
"""

import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning

from sktanhnet import TanhMLPClassifier


def _synchronize(torch, device):
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def _fit_on(torch, device, X, y, params):
    """Per-epoch seconds of a fit on tensors under dispatch, and the model."""
    model = TanhMLPClassifier(**params)
    with sklearn.config_context(array_api_dispatch=True):
        _synchronize(torch, device)
        start = time.perf_counter()
        model.fit(X, y)
        _synchronize(torch, device)
    return (time.perf_counter() - start) / model.n_iter_, model


def time_training(bench, name, dtype, solver, repeat, device):
    import torch

    X, y = bench.load_workload(name, dtype)
    params = bench.settings(name, solver, bench.WORKLOADS[name][2])
    warm = bench.settings(name, solver, 1)
    X_device, y_device = torch.asarray(X, device=device), torch.asarray(y, device=device)
    plain = bench.TorchNet(X, y, params, device=device)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        bench.fit_ours(X[:2000], y[:2000], warm)
        _fit_on(torch, device, X_device[:2000], y_device[:2000], warm)
        bench.TorchNet(X[:2000], y[:2000], warm, device=device).fit()
        contenders = {
            "numpy": lambda: bench.fit_ours(X, y, params),
            "ours": lambda: _fit_on(torch, device, X_device, y_device, params),
            "plain torch": plain.fit,
        }
        times = {key: [] for key in contenders}
        accuracy = {}
        for round_ in range(repeat):
            order = list(contenders) if round_ % 2 == 0 else list(contenders)[::-1]
            for key in order:
                seconds, result = contenders[key]()
                times[key].append(seconds)
                if key == "plain torch":
                    accuracy[key] = result
                elif key == "ours":
                    with sklearn.config_context(array_api_dispatch=True):
                        accuracy[key] = result.score(X_device, y_device)
                else:
                    accuracy[key] = result.score(X, y)
    times = {key: np.array(value) for key, value in times.items()}
    return {
        "workload": name,
        "dtype": np.dtype(dtype).name,
        "solver": solver,
        "ms": {key: 1e3 * float(np.median(value)) for key, value in times.items()},
        "numpy/ours": float(np.median(times["numpy"] / times["ours"])),
        "ours/plain": float(np.median(times["ours"] / times["plain torch"])),
        "accuracy": accuracy,
    }


def time_prediction(bench, name, dtype, n_rows, device):
    import torch

    X, y = bench.load_workload(name, dtype)
    params = bench.settings(name, "adam", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, ours = bench.fit_ours(X, y, params)
        torch_dtype = getattr(torch, np.dtype(dtype).name)
        with sklearn.config_context(array_api_dispatch=True):
            _, on_device = _fit_on(
                torch, device, torch.asarray(X, device=device), torch.asarray(y), params
            )
    numpy_rows = min(n_rows, 100_000 if name == "large" else 1_000_000)
    rows = np.random.RandomState(1).normal(size=(numpy_rows, X.shape[1])).astype(dtype)
    start = time.perf_counter()
    ours.predict_proba(rows)
    numpy_rate = numpy_rows / (time.perf_counter() - start)
    del rows
    generator = torch.Generator(device=device).manual_seed(1)
    rows = torch.randn(n_rows, X.shape[1], generator=generator, dtype=torch_dtype, device=device)
    cuda = str(device).startswith("cuda")
    with sklearn.config_context(array_api_dispatch=True):
        on_device.predict_proba(rows[:1000])  # warm-up
        rates = []
        for _ in range(2):
            if cuda:
                torch.cuda.reset_peak_memory_stats()
                before = torch.cuda.memory_allocated()
            _synchronize(torch, device)
            start = time.perf_counter()
            proba = on_device.predict_proba(rows)
            _synchronize(torch, device)
            rates.append(n_rows / (time.perf_counter() - start))
            extra = None
            if cuda:
                peak = torch.cuda.max_memory_allocated() - before
                extra = (peak - proba.element_size() * proba.numel()) / 2**20
            del proba
    rate = float(np.median(rates))
    return {
        "workload": name,
        "dtype": np.dtype(dtype).name,
        "rows": n_rows,
        "numpy rows": numpy_rows,
        "ours rows/s": rate,
        "numpy rows/s": numpy_rate,
        "ours/numpy": rate / numpy_rate,
        "extra MiB": extra,
    }


def training_table(rows, device):
    header = [
        "workload",
        "dtype",
        "solver",
        "numpy ms/epoch",
        f"ours on {device} ms/epoch",
        f"plain torch on {device} ms/epoch",
        "numpy / ours",
        "ours / plain torch",
        "accuracy numpy",
        "accuracy ours",
        "accuracy plain torch",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 3 + "---:|" * (len(header) - 3)]
    for row in rows:
        cells = [row["workload"], row["dtype"], row["solver"]]
        cells += [f"{row['ms'][key]:.1f}" for key in ("numpy", "ours", "plain torch")]
        cells += [f"{row['numpy/ours']:.2f}", f"{row['ours/plain']:.2f}"]
        cells += [f"{row['accuracy'][key]:.3f}" for key in ("numpy", "ours", "plain torch")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def prediction_table(rows, device):
    header = [
        "workload",
        "dtype",
        f"rows on {device}",
        f"ours on {device} rows/s",
        "rows on numpy",
        "numpy rows/s",
        "ours / numpy",
        "device extra MiB",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 2 + "---:|" * (len(header) - 2)]
    for row in rows:
        extra = "n/a" if row["extra MiB"] is None else f"{row['extra MiB']:.1f}"
        cells = [
            row["workload"],
            row["dtype"],
            f"{row['rows']:,}",
            f"{row['ours rows/s']:,.0f}",
            f"{row['numpy rows']:,}",
            f"{row['numpy rows/s']:,.0f}",
            f"{row['ours/numpy']:.2f}",
            extra,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(bench, args, workloads, dtypes, solvers):
    """The tables of ``--namespace torch``, printed row by row; returns the Markdown body."""
    if args.namespace != "torch":
        raise SystemExit(f"--namespace {args.namespace!r}: only 'torch' is benchmarked")
    import torch

    device = torch.device(args.device)
    training, prediction = [], []
    for name in workloads:
        for dtype in dtypes:
            for solver in solvers:
                rounds = args.repeat or bench.WORKLOADS[name][4]
                row = time_training(bench, name, dtype, solver, rounds, device)
                training.append(row)
                print(training_table([row], device).splitlines()[-1], flush=True)
            if not args.no_predict:
                default = 10_000_000 if device.type == "cuda" else 1_000_000
                n_rows = args.predict_rows or default
                if name == "large" and device.type == "cpu" and not args.predict_rows:
                    n_rows = 100_000
                row = time_prediction(bench, name, dtype, n_rows, device)
                prediction.append(row)
                print(prediction_table([row], device).splitlines()[-1], flush=True)
    body = []
    if training:
        body += [
            f"Per-epoch `fit` time on PyTorch tensors on {device} (array API dispatch), "
            "against the NumPy path on the CPU and a plain PyTorch loop on the same device "
            "(median of alternated rounds, after a warm-up).",
            "",
            training_table(training, device),
        ]
    if prediction:
        body += [
            "",
            f"`predict_proba` throughput on {device} against the NumPy path on the CPU.",
            "",
            prediction_table(prediction, device),
        ]
    return body
