"""How close the same seed's model is to scikit-learn's, and how close scikit-learn is to itself.

Not a timing: the README's and the documentation's "same seed, same model" claim, measured as a
user meets it. Each case fits ``TanhMLPClassifier`` (or ``TanhMLPRegressor``) and
``MLPClassifier(activation="tanh")`` (``MLPRegressor``) with the same settings on 75% of a
bundled data set (standardised features, a stratified split), and compares the probabilities (or
predictions) on the other 25%:

- ``ours vs sklearn``: the two estimators on this machine, float64;
- ``sklearn vs sklearn, other kind``: scikit-learn here against scikit-learn on this machine's
  other kind (emulated in a subprocess with ``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL"
  OPENBLAS_CORETYPE=Haswell NUMBA_CPU_NAME=haswell`` where this machine has AVX-512; elsewhere
  that column is left out): what rounding alone does to scikit-learn's own model;
- the held-out accuracy (R^2) of both, and ``n_iter_``.

L-BFGS's line search amplifies rounding (a difference of 2e-16 in one gradient grows by orders of
magnitude over iterations), so a long L-BFGS run agrees with scikit-learn only about as well as
scikit-learn agrees with itself on another machine; the growth table shows it iteration by
iteration. Adam and SGD on scaled data do not amplify it. Usage::

    python benchmarks/parity.py          # about a minute on 2 cores

It writes ``benchmarks/RESULTS_parity.md``.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
OTHER_KIND = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL",
    "OPENBLAS_CORETYPE": "Haswell",
    "NUMBA_CPU_NAME": "haswell",
}
LOADERS = {"iris": load_iris, "digits": load_digits, "breast cancer": load_breast_cancer}
SEEDS = (0, 1, 2)
HIDDEN = (16, 8)
# (name, estimator settings): the classifier cases, each on every data set and seed
SOLVERS = {
    "lbfgs": dict(solver="lbfgs", max_iter=200),
    "adam": dict(solver="adam", max_iter=200),
    "sgd": dict(solver="sgd", max_iter=200),
}
GROWTH = ("digits", 1, (10, 20, 50, 100, 150, 200))  # data, seed, L-BFGS max_iter


def split(name):
    X, y = LOADERS[name](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def quietly(call, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call(*args)


def classifier_fits():
    """{key: (probabilities on the test rows, n_iter_, accuracy)} for both estimators."""
    results = {}
    for data in LOADERS:
        X_train, X_test, y_train, y_test = split(data)
        for solver, settings in SOLVERS.items():
            for seed in SEEDS:
                for who, estimator in (("ours", TanhMLPClassifier), ("sklearn", MLPClassifier)):
                    extra = {} if who == "ours" else {"activation": "tanh"}
                    model = estimator(
                        hidden_layer_sizes=HIDDEN, random_state=seed, **extra, **settings
                    )
                    quietly(model.fit, X_train, y_train)
                    results[(who, data, solver, seed)] = (
                        model.predict_proba(X_test),
                        model.n_iter_,
                        model.score(X_test, y_test),
                    )
    data, seed, checkpoints = GROWTH
    X_train, X_test, y_train, _ = split(data)
    for max_iter in checkpoints:
        for who, estimator in (("ours", TanhMLPClassifier), ("sklearn", MLPClassifier)):
            extra = {} if who == "ours" else {"activation": "tanh"}
            model = estimator(
                hidden_layer_sizes=HIDDEN,
                solver="lbfgs",
                max_iter=max_iter,
                random_state=seed,
                **extra,
            )
            quietly(model.fit, X_train, y_train)
            results[(who, "growth", max_iter)] = (model.predict_proba(X_test), model.n_iter_, 0.0)
    return results


def regressor_fits():
    """Adam on diabetes with the raw target (25 to 346) and with a standardised one."""
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    mean, scale = y_train.mean(), y_train.std()
    results = {}
    for target in ("raw", "standardised"):
        fit_y = y_train if target == "raw" else (y_train - mean) / scale
        for who, estimator in (("ours", TanhMLPRegressor), ("sklearn", MLPRegressor)):
            extra = {} if who == "ours" else {"activation": "tanh"}
            model = estimator(hidden_layer_sizes=HIDDEN, random_state=0, max_iter=500, **extra)
            quietly(model.fit, X_train, fit_y)
            prediction = model.predict(X_test)
            if target == "standardised":
                prediction = prediction * scale + mean
            results[(who, "regressor", target)] = (
                prediction,
                model.n_iter_,
                1 - ((y_test - prediction) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum(),
            )
    return results


def all_fits():
    return {**classifier_fits(), **regressor_fits()}


def emit(path):
    """Run in the other kind's subprocess: every fit, saved for the parent."""
    results = all_fits()
    np.savez(
        path,
        keys=np.array([repr(key) for key in results]),
        **{f"a{i}": value[0] for i, value in enumerate(results.values())},
        n_iter=np.array([value[1] for value in results.values()]),
        score=np.array([value[2] for value in results.values()]),
    )


def other_kind_fits():
    """The same fits on the emulated other kind, or None where this machine has no AVX-512."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features
    if not features.get("AVX512F") or os.environ.get("NPY_DISABLE_CPU_FEATURES"):
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fits.npz")
        subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--emit", path],
            env={**os.environ, **OTHER_KIND},
            check=True,
        )
        saved = np.load(path)
        return {
            eval(key): (saved[f"a{i}"], int(saved["n_iter"][i]), float(saved["score"][i]))
            for i, key in enumerate(saved["keys"])
        }


def gap(a, b):
    return float(np.max(np.abs(a - b)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emit", help=argparse.SUPPRESS)
    parser.add_argument("--output-dir", default=HERE, help="where RESULTS_parity.md goes")
    args = parser.parse_args(argv)
    if args.emit:
        emit(args.emit)
        return
    sys.path.insert(0, HERE)
    import bench

    started = time.perf_counter()
    here = all_fits()
    other = other_kind_fits()
    lines = [
        "Classifiers, hidden_layer_sizes=(16, 8), max_iter=200, default tol, standardised "
        "features; largest difference of a held-out probability, n_iter_, held-out accuracy:",
        "",
        "| solver | data | seed | ours vs sklearn | sklearn vs sklearn, other kind "
        "| n_iter_ ours / sklearn | accuracy ours / sklearn / sklearn other kind |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for solver in SOLVERS:
        for data in LOADERS:
            for seed in SEEDS:
                ours, theirs = (
                    here[("ours", data, solver, seed)],
                    here[("sklearn", data, solver, seed)],
                )
                across, score = "", ""
                if other is not None:
                    elsewhere = other[("sklearn", data, solver, seed)]
                    across, score = f"{gap(theirs[0], elsewhere[0]):.1e}", f" / {elsewhere[2]:.4f}"
                lines.append(
                    f"| {solver} | {data} | {seed} | {gap(ours[0], theirs[0]):.1e} | {across} "
                    f"| {ours[1]} / {theirs[1]} | {ours[2]:.4f} / {theirs[2]:.4f}{score} |"
                )
    data, seed, checkpoints = GROWTH
    lines += [
        "",
        f"L-BFGS on {data}, seed {seed}, stopped after max_iter iterations: how the difference "
        "grows.",
        "",
        "| max_iter | ours vs sklearn | sklearn vs sklearn, other kind | n_iter_ ours / sklearn |",
        "|---:|---:|---:|---:|",
    ]
    for max_iter in checkpoints:
        ours, theirs = here[("ours", "growth", max_iter)], here[("sklearn", "growth", max_iter)]
        across = (
            ""
            if other is None
            else f"{gap(theirs[0], other[('sklearn', 'growth', max_iter)][0]):.1e}"
        )
        lines.append(
            f"| {max_iter} | {gap(ours[0], theirs[0]):.1e} | {across} | {ours[1]} / {theirs[1]} |"
        )
    lines += [
        "",
        "Regressor, adam, (16, 8), max_iter=500, diabetes: largest difference of a held-out "
        "prediction relative to the target's range, n_iter_, held-out R^2:",
        "",
        "| target | ours vs sklearn | sklearn vs sklearn, other kind | n_iter_ ours / sklearn "
        "| R^2 ours / sklearn |",
        "|---|---:|---:|---:|---:|",
    ]
    span = float(np.ptp(load_diabetes(return_X_y=True)[1]))
    for target in ("raw", "standardised"):
        ours, theirs = here[("ours", "regressor", target)], here[("sklearn", "regressor", target)]
        across = (
            ""
            if other is None
            else f"{gap(theirs[0], other[('sklearn', 'regressor', target)][0]) / span:.1e}"
        )
        lines.append(
            f"| {target} | {gap(ours[0], theirs[0]) / span:.1e} | {across} "
            f"| {ours[1]} / {theirs[1]} | {ours[2]:.4f} / {theirs[2]:.4f} |"
        )
    if other is None:
        lines += ["", "(No AVX-512 here: the other kind cannot be emulated, its column is empty.)"]
    elapsed = time.perf_counter() - started
    command = "python benchmarks/parity.py " + " ".join(argv if argv is not None else sys.argv[1:])
    machine = bench.machine_description()
    title = "# Same seed, same model: how close, and how close scikit-learn is to itself"
    results = [*bench.results_header(title, command, elapsed, machine), *lines, ""]
    print("\n".join(lines))
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "RESULTS_parity.md"), "w") as out:
        out.write("\n".join(results))


if __name__ == "__main__":
    main()
