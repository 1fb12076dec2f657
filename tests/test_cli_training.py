"""The command line, training and its report (sktanhnet/_cli/training.py, pipeline.py)."""

import os
import subprocess
import sys

import numpy as np
import pytest

from sktanhnet.__main__ import main

TRUSTED = ["numpy.dtype", "sktanhnet._classifier.TanhMLPClassifier"]


def _csv(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


def _iris_csv(tmp_path, columns, name="iris.csv"):
    """Iris as a CSV with the given columns, in that order: sl, sw, pl, pw, species and id."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    lines = [",".join(columns)]
    for i, (row, target) in enumerate(zip(iris.data, iris.target)):
        cells = dict(zip(["sl", "sw", "pl", "pw"], (f"{v:g}" for v in row)))
        cells.update(species=str(iris.target_names[target]), id=f"row{i}")
        lines.append(",".join(cells[column] for column in columns))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


QUICK = ["--quiet", "--solver", "lbfgs", "--max-iter", "100", "--hidden", "10"]


def _regression_csv(tmp_path, name="reg.csv", n_rows=120):
    """Four features and a continuous target 'y' (non-integer numbers), plus 'count' (integers)."""
    import numpy as np

    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_rows, 4))
    y = 3 * X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=n_rows) + 10
    lines = ["a,b,c,d,y"] + [",".join(repr(float(v)) for v in [*row, t]) for row, t in zip(X, y)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _report(out, name):
    return float(next(line for line in out.splitlines() if line.startswith(name)).split()[-1])


def test_default_run_trains_on_digits(capsys):
    assert main(["--max-iter", "40", "--hidden", "50"]) == 0
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out
    accuracy_line = next(line for line in out.splitlines() if "accuracy" in line)
    assert float(accuracy_line.split()[-1]) > 0.9
    assert "log-loss" in out and "epochs: " in out and "training time" in out


def test_module_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "sktanhnet", "--quiet", "--solver", "lbfgs", "--max-iter", "30"]
        + ["--hidden", "20"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "accuracy" in result.stdout


def test_user_csv_with_string_labels(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}" for i in range(60))
    path = _csv(tmp_path, "a,b,answer\n" + rows + "\n")
    assert main(["--data", path, "--target", "answer", "--quiet", "--solver", "lbfgs"]) == 0
    assert "accuracy" in capsys.readouterr().out


def test_cross_validated_accuracy(capsys):
    assert main(["--cv", "3", "--solver", "lbfgs", "--max-iter", "50", "--hidden", "20"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "cross-validated accuracy" in x)
    assert float(line.split()[2]) > 0.9


def test_training_options_reach_the_saved_model(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    path = str(tmp_path / "m.skops")
    argv = ["--quiet", "--max-iter", "5", "--hidden", "8,4", "--solver", "sgd", "--save", path]
    argv += ["--alpha", "0.01", "--batch-size", "32", "--learning-rate-init", "0.05"]
    assert main([*argv, "--early-stopping", "--random-state", "3"]) == 0
    capsys.readouterr()
    model = skops_io.load(path, trusted=TRUSTED)[-1]
    params = model.get_params()
    assert (params["hidden_layer_sizes"], params["solver"], params["max_iter"]) == (
        (8, 4),
        "sgd",
        5,
    )
    assert (params["alpha"], params["batch_size"], params["learning_rate_init"]) == (0.01, 32, 0.05)
    assert params["early_stopping"] is True and params["random_state"] == 3


def test_cv_then_save_trains_on_all_rows(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    path = str(tmp_path / "cv.skops")
    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"])
    assert main(["--data", data, "--target", "species", *QUICK, "--cv", "3", "--save", path]) == 0
    out = capsys.readouterr().out
    assert "cross-validated accuracy: " in out and "all 150 rows" in out
    assert out.index("cross-validated accuracy") < out.index(f"saved the pipeline to {path}")
    model = skops_io.load(path, trusted=TRUSTED)
    assert list(model.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    assert (
        model[-1].n_iter_ > 0 and model[0].named_transformers_["numbers"][-1].n_samples_seen_ == 150
    )


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_cv_says_which_kernels_its_folds_ran(monkeypatch, capsys, kernels):
    if kernels == "numba":
        pytest.importorskip("numba")
    monkeypatch.setenv("SKTANHNET_KERNELS", kernels)
    assert main(["--max-iter", "2", "--cv", "2"]) == 0
    out = capsys.readouterr().out
    expected = "numba (compiled)" if kernels == "numba" else "numpy (SKTANHNET_KERNELS=numpy)"
    assert f"Kernels: {expected}\n" in out
    assert out.index("Kernels:") < out.index("cross-validated accuracy")
    assert main(["--max-iter", "2", "--cv", "2", "--quiet"]) == 0
    assert "Kernels:" not in capsys.readouterr().out


def test_regression_on_the_bundled_diabetes_data(capsys):
    assert main(["--task", "regression", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "TanhMLPRegressor" in out and "diabetes" in out
    for name in ("held-out R^2: ", "held-out RMSE: ", "held-out MAE: "):
        assert name in out
    assert 0.2 < _report(out, "held-out R^2") < 1 and _report(out, "held-out RMSE") > 10
    assert "epochs: 200" in out


def test_lbfgs_reports_iterations_not_epochs(capsys):
    assert main(["--task", "regression", *QUICK]) == 0
    out = capsys.readouterr().out
    assert "iterations: " in out and "epochs: " not in out


def test_regression_cross_validation_reports_r2(tmp_path, capsys):
    data = _regression_csv(tmp_path)
    assert main(["--data", data, "--target", "y", "--task", "regression", *QUICK, "--cv", "3"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("cross-validated R^2"))
    assert float(line.split()[2]) > 0.9


def test_regression_cv_needs_two_rows_per_fold(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i / 3}" for i in range(5))
    data = _csv(tmp_path, "a,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", "--cv", "3"]) == 2
    assert "R^2 needs 2 rows per fold" in capsys.readouterr().err


def test_a_failing_fold_of_cv_is_one_line(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i % 5},{i % 2}" for i in range(12))
    data = _csv(tmp_path, "a,b,label\n" + rows + "\n")
    assert main(["--data", data, "--target", "label", "--cv", "3", "--early-stopping"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot train a fold of --cv")


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("folds", [[], ["--cv", "2"]])
def test_a_run_diverged_by_a_huge_alpha_is_told_to_lower_it(capsys, solver, folds):
    # its advice named --learning-rate-init (or --solver adam) alone
    argv = ["--alpha", "1e308", "--solver", solver, "--max-iter", "5", "--quiet", *folds]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].endswith("(--alpha 1e+308 is large: lower it first)")


def test_a_diverging_run_keeps_its_advice_with_a_usual_alpha(tmp_path, capsys):
    data = _regression_csv(tmp_path, n_rows=300)
    argv = ["--data", data, "--target", "y", "--solver", "sgd", "--learning-rate-init", "1e6"]
    assert main([*argv, "--alpha", "100", "--quiet"]) == 2
    assert "--alpha" not in capsys.readouterr().err


def test_a_diverging_run_is_one_line_with_the_command_lines_advice(tmp_path, capsys):
    data = _regression_csv(tmp_path, n_rows=300)
    argv = ["--data", data, "--target", "y", "--solver", "sgd", "--learning-rate-init", "1e6"]
    assert main([*argv, "--quiet"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("note:")]
    assert len(err) == 1 and "Lower --learning-rate-init, or rescale a huge target." in err[0]
    # the estimator's advice names its parameters: the command line's replaces it
    assert "learning_rate_init" not in err[0] and "StandardScaler" not in err[0]


def test_a_run_whose_loss_grows_but_stays_finite_warns_with_the_command_lines_advice(
    tmp_path, capsys
):
    data = _regression_csv(tmp_path, n_rows=300)
    argv = ["--data", data, "--target", "y", "--solver", "sgd", "--learning-rate-init", "10"]
    status = main([*argv, "--quiet", "--max-iter", "20"])
    err = capsys.readouterr().err
    if "grew from" not in err:  # this run diverged to inf instead: the test above covers it
        pytest.skip("the loss became non-finite")
    assert status == 0 and "Lower --learning-rate-init, or rescale a huge target." in err
    assert "learning_rate_init" not in err and "StandardScaler" not in err


def test_early_stopping_that_cannot_split_a_regression_table_advises_without_classes(
    tmp_path, capsys
):
    data = _regression_csv(tmp_path, n_rows=8)
    argv = ["--data", data, "--target", "y", "--early-stopping", "--test-size", "0.25"]
    assert main([*argv, "--quiet"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("note:")]
    assert len(err) == 1 and "give it more rows, or leave out --early-stopping" in err[0]
    assert "class" not in err[0]


def test_a_class_only_in_the_held_out_rows_is_left_out_of_the_log_loss(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    rows = [f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}" for i in range(40)]
    path = _csv(tmp_path, "a,b,label\n" + "\n".join([*rows, "9,9,rare"]) + "\n")
    notes = 0
    for seed in range(8):  # the one 'rare' row is held out for some seeds
        argv = ["--data", path, "--target", "label", "--quiet", "--max-iter", "5", "--hidden", "3"]
        argv += ["--random-state", str(seed), "--plot", str(tmp_path / "curves.png")]
        assert main(argv) == 0
        captured = capsys.readouterr()
        assert "held-out log-loss" in captured.out
        notes += "1 held-out row is of classes that no training row has" in captured.err
    assert notes > 0


def test_output_is_utf8_whatever_the_locale(tmp_path, capsys, monkeypatch):
    pytest.importorskip("skops")
    import locale

    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'été' if i % 2 else 'hiver'}" for i in range(40))
    data = _csv(tmp_path, "a,b,saison\n" + rows + "\n")
    model = str(tmp_path / "m.skops")
    assert main(["--data", data, "--target", "saison", *QUICK, "--save", model]) == 0
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "ascii")
    output = tmp_path / "out.csv"
    assert main(["--model", model, "--data", data, "--output", str(output)]) == 0
    assert "proba_été" in output.read_text(encoding="utf-8").splitlines()[0]


def test_a_label_the_terminal_cannot_encode_is_escaped_not_a_crash(tmp_path):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'été' if i % 2 else 'hiver'}" for i in range(40))
    data = _csv(tmp_path, "a,b,saison\n" + rows + "\n")
    command = [sys.executable, "-m", "sktanhnet", "--data", data, "--target", "saison"]
    result = subprocess.run(
        [*command, "--quiet", "--cv", "2", "--hidden", "3"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_a_regression_without_two_held_out_rows_is_refused_not_scored_nan(tmp_path, capsys):
    path = _csv(tmp_path, "x,y\n1,2.5\n2,3.7\n")
    assert main(["--data", path, "--target", "y", "--task", "regression"]) == 2
    err = capsys.readouterr().err
    assert "leaves 1 held-out row for R^2, which needs two at least" in err
    assert len(err.strip().splitlines()) == 1


def test_job_work_counts_multiply_adds_of_one_pass():
    from sktanhnet._cli.training import job_work

    assert job_work(10, [4, 3, 2]) == 10 * ((4 + 1) * 3 + (3 + 1) * 2)


needs_numba = pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("numba") is None,
    reason='needs numba (pip install ".[fast]")',
)


@needs_numba
def test_a_short_job_runs_numpys_kernels_without_importing_numba():
    """The main job is too short to repay numba's start-up: NumPy's kernels, numba not even
    imported, and the line naming the kernels says why and how to have numba anyway."""
    code = (
        "import sys; from sktanhnet.__main__ import main; "
        "status = main(['--max-iter', '3']); print('numba imported:', 'numba' in sys.modules); "
        "sys.exit(status)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "SKTANHNET_KERNELS"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    assert "Kernels: numpy (a short job:" in result.stdout
    assert "SKTANHNET_KERNELS=numba runs them" in result.stdout
    assert "numba imported: False" in result.stdout


@needs_numba
@pytest.mark.parametrize("how", ["SKTANHNET_KERNELS=numba", "a long job"])
def test_numba_asked_for_or_a_long_job_runs_the_compiled_kernels(monkeypatch, capsys, how):
    from sktanhnet import _compiled

    if how == "a long job":
        monkeypatch.delenv("SKTANHNET_KERNELS", raising=False)
        monkeypatch.setattr(_compiled, "SHORT_JOB_WORK", 1)
    else:
        monkeypatch.setenv("SKTANHNET_KERNELS", "numba")
    assert main(["--max-iter", "2"]) == 0
    assert "Kernels: numba (compiled)" in capsys.readouterr().out


def test_the_short_job_choice_ends_with_the_command(monkeypatch, capsys):
    """Tests (and programs) run the command line in-process: an estimator fitted after it gets
    the kernels it would have had without it."""
    from sktanhnet import TanhMLPClassifier, _compiled

    monkeypatch.delenv("SKTANHNET_KERNELS", raising=False)
    assert main(["--max-iter", "2", "--quiet"]) == 0
    assert not _compiled._short_job
    seen = []
    original = _compiled.short_job
    monkeypatch.setattr(_compiled, "short_job", lambda work: seen.append(original(work)))
    monkeypatch.setattr("sktanhnet._cli.training.short_job", _compiled.short_job)
    assert main(["--cv", "1000", "--max-iter", "1", "--hidden", "1", "--quiet"]) == 2  # refused
    assert seen == [True] and not _compiled._short_job
    capsys.readouterr()
    TanhMLPClassifier((5,), max_iter=1, verbose=True).fit([[0.0], [1.0]], [0, 1])
    assert "a short job" not in capsys.readouterr().out


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_early_stopping_on_too_few_rows_gives_the_command_lines_advice(tmp_path, capsys, task):
    # the estimator's advice names its parameters (validation_fraction, X_val): not options here
    labels = (lambda i: "ab"[i % 2]) if task == "classification" else (lambda i: i / 4 + 0.5)
    data = tmp_path / "tiny.csv"
    data.write_text("a,y\n" + "".join(f"{i},{labels(i)}\n" for i in range(8)))
    for cv, prefix in (([], "cannot train: "), (["--cv", "2"], "cannot train a fold of --cv: ")):
        argv = ["--data", str(data), "--target", "y", "--early-stopping", "--quiet", *cv]
        assert main(argv) == 2
        err = capsys.readouterr().err.splitlines()[-1]
        assert err.startswith("error: " + prefix)
        assert err.endswith("leave out --early-stopping)")
        for word in ["validation_fraction", "X_val", "early_stopping=False"]:
            assert word not in err


@pytest.mark.skipif(os.name != "posix", reason="a pipe closed early, as `| head -1` closes it")
def test_a_report_whose_reader_goes_away_still_saves_the_model(tmp_path):
    # `python -m sktanhnet ... --save m.skops | head -1`: the job goes on to its --save
    pytest.importorskip("skops", reason="--save needs the skops extra")
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}" for i in range(60))
    data = _csv(tmp_path, "a,b,answer\n" + rows + "\n")
    model = tmp_path / "m.skops"
    command = [sys.executable, "-m", "sktanhnet", "--data", data, "--target", "answer"]
    command += ["--solver", "lbfgs", "--hidden", "5", "--save", str(model)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader leaves before the first line
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert model.exists() and b"Traceback" not in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_report_that_cannot_be_written_is_one_line_and_status_2(tmp_path):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}" for i in range(60))
    data = _csv(tmp_path, "a,b,answer\n" + rows + "\n")
    command = [sys.executable, "-m", "sktanhnet", "--data", data, "--target", "answer"]
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*command, "--solver", "lbfgs", "--hidden", "5"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: cannot write the report to standard output: No space left on device"
    )


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_a_constant_regression_target_is_refused(tmp_path, capsys, loss):
    # scikit-learn's R^2 of a constant target is 0 (or 1): a score of nothing
    rows = "".join(f"{i},{i % 3},1.5\n" for i in range(40))
    path = _csv(tmp_path, "a,b,y\n" + rows)
    argv = ["--data", path, "--target", "y", "--task", "regression", "--loss", loss, *QUICK]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "error: --target 'y' holds one value only (1.5): a regressor needs targets that differ\n"
    )


def test_an_unknown_kernel_set_in_the_environment_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKTANHNET_KERNELS", "bogus")
    model = ["--model", str(tmp_path / "none.skops"), "--data", str(tmp_path / "none.csv")]
    for argv in (["--max-iter", "2"], model):
        assert main(argv) == 2
        assert capsys.readouterr().err == (
            "error: The environment variable SKTANHNET_KERNELS must be one of auto, numba, "
            "numpy (or unset); got 'bogus'\n"
        )


def test_warnings_name_the_options_not_the_parameters(tmp_path, capsys):
    # L-BFGS out of iterations: the command line scales the data already
    assert main(["--solver", "lbfgs", "--max-iter", "3", "--hidden", "5", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: lbfgs failed to converge after 3 iteration(s) (status=1): " in err
    assert err.rstrip().endswith("Increase --max-iter (3).") and "scikit-learn.org" not in err
    # adam out of epochs (a review: the regression demo's first run said nothing of --max-iter)
    assert main(["--task", "regression", "--max-iter", "2", "--hidden", "5", "--quiet"]) == 0
    assert (
        "warning: Stochastic Optimizer: Maximum iterations (2) reached and the optimization "
        "hasn't converged yet. Increase --max-iter (2).\n"
    ) in capsys.readouterr().err
    # a batch larger than the training rows
    path = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"])
    argv = ["--data", path, "--target", "species", "--quiet", "--max-iter", "2"]
    assert main([*argv, "--batch-size", "100000"]) == 0
    assert (
        "warning: --batch-size is larger than the training rows: each batch takes all of them."
        in capsys.readouterr().err
    )


def test_an_early_stopping_split_too_small_for_the_classes_says_so_in_options(tmp_path, capsys):
    rows = "".join(f"{i},{i % 3},{'ab'[i % 2]}\n" for i in range(12))
    argv = ["--data", _csv(tmp_path, "a,b,y\n" + rows), "--target", "y", "--early-stopping"]
    assert main([*argv, "--max-iter", "5"]) == 2
    err = capsys.readouterr().err
    assert "the early-stopping split would hold out 1 row(s), fewer than the 2 classes" in err
    assert "test_size" not in err and "--early-stopping holds out 10%" in err


def test_lbfgs_stopped_before_max_iter_is_advised_in_options():
    from sktanhnet._cli.training import _cli_advice

    message = (
        "lbfgs failed to converge after 7 iteration(s) (status=1): STOP: TOTAL NO. OF F,G "
        "EVALUATIONS EXCEEDS LIMIT You might also want to scale the data as shown in: "
        "https://scikit-learn.org/stable/modules/preprocessing.html"
    )
    assert _cli_advice(message).endswith("EXCEEDS LIMIT Try --solver adam.")


@pytest.mark.parametrize("cv", [[], ["--cv", "2"]], ids=["held-out", "cv"])
@pytest.mark.parametrize("quiet", [[], ["--quiet"]], ids=["verbose", "quiet"])
def test_numba_asked_for_by_name_that_fails_is_said_once(monkeypatch, capsys, cv, quiet):
    """Said with --cv too (its folds train with warnings off), and once: each fit and each
    prediction gives the warning."""
    from sktanhnet import _compiled

    def broken(kernels, dtype):
        raise RuntimeError("no LLVM here")

    monkeypatch.setattr(_compiled, "_warm_up", broken)
    monkeypatch.setattr(_compiled, "_COMPILED", None)
    monkeypatch.setattr(_compiled, "_HAS_NUMBA", True)  # without numba: its import fails instead
    monkeypatch.setenv("SKTANHNET_KERNELS", "numba")
    assert main(["--max-iter", "2", "--hidden", "5", *cv, *quiet]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: SKTANHNET_KERNELS=numba, but numba failed (") == 1, err


def test_outputs_overflowing_on_the_recorded_held_out_rows_name_options(tmp_path, capsys):
    # --plot records the held-out rows as X_val: the message names options, not X_val
    pytest.importorskip("matplotlib")
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = rng.poisson(np.exp(X[:, 0]))
    rows = "\n".join(",".join(f"{v:.6f}" for v in x) + f",{t}" for x, t in zip(X, y))
    data = _csv(tmp_path, "a,b,c,y\n" + rows + "\n")
    arguments = ["--data", data, "--target", "y", "--loss", "poisson", "--solver", "sgd"]
    arguments += ["--learning-rate-init", "1.0", "--hidden", "10", "--max-iter", "30", "--quiet"]
    assert main([*arguments, "--plot", str(tmp_path / "curves.png")]) == 2
    err = capsys.readouterr().err
    assert "(the held-out rows) became non-finite (inf or NaN). Lower --learning-rate-init" in err
    assert "X_val" not in err


@pytest.mark.parametrize("task", ["classification", "regression", "poisson"])
def test_the_saved_model_is_quiet_whatever_the_command_lines_progress(tmp_path, capsys, task):
    # verbose was the command line's progress (no --quiet): refitting the loaded model prints
    # nothing unless asked
    skops_io = pytest.importorskip("skops.io")
    path = str(tmp_path / "m.skops")
    options = {"classification": [], "regression": ["--task", "regression"]}
    options["poisson"] = ["--loss", "poisson"]
    data = ["--data", _counts_csv(tmp_path), "--target", "y"] if task != "classification" else []
    assert main([*data, *options[task], "--max-iter", "3", "--hidden", "4", "--save", path]) == 0
    assert "Iteration 1, loss = " in capsys.readouterr().out  # trained verbosely
    step = skops_io.load(path, trusted=skops_io.get_untrusted_types(file=path))[-1]
    networks = [step.regressor, step.regressor_] if hasattr(step, "regressor_") else [step]
    assert [network.verbose for network in networks] == [False] * len(networks)


def _counts_csv(tmp_path):
    rows = "".join(f"{i % 7},{i % 5},{(i % 7 + i % 5) // 2}\n" for i in range(60))
    path = tmp_path / "counts.csv"
    path.write_text("a,b,y\n" + rows)
    return str(path)
