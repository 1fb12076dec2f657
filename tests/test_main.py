"""The command line: ``python -m sktanhnet``."""

import os
import re
import subprocess
import sys

import pytest

from sktanhnet.__main__ import main


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


def _csv(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


def test_user_csv_with_string_labels(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}" for i in range(60))
    path = _csv(tmp_path, "a,b,answer\n" + rows + "\n")
    assert main(["--data", path, "--target", "answer", "--quiet", "--solver", "lbfgs"]) == 0
    assert "accuracy" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, target, message",
    [
        (None, "label", "cannot read"),
        ("a,b,label\n1,2,x\n3,4,y\n", "missing", "column 'missing' not found"),
        ("a,b,label\n1,oops,x\n3,4,y\n", "label", "non-numeric value 'oops'"),
        ("a,label\n1,x\n2,x\n", "label", "at least two classes"),
        ("a,b,label\n", "label", "header row and at least one data row"),
    ],
)
def test_bad_input_gives_one_line_and_exit_status_2(tmp_path, capsys, content, target, message):
    path = str(tmp_path / "absent.csv") if content is None else _csv(tmp_path, content)
    assert main(["--data", path, "--target", target]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hidden", "10,x"], "--hidden must be comma-separated positive integers, got '10,x'"),
        (["--batch-size", "0"], "--batch-size must be 'auto' or >= 1, got '0'"),
        (["--solver", "newton"], "argument --solver: invalid choice: 'newton'"),
    ],
)
def test_bad_option_values_exit_2_naming_the_option(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def _digits_csv(tmp_path, with_target=True):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    names = [f"f{i}" for i in range(X.shape[1])]
    lines = [",".join(names + (["label"] if with_target else []))]
    for row, label in zip(X[:40], y[:40]):
        lines.append(",".join([f"{v:g}" for v in row] + ([str(label)] if with_target else [])))
    return _csv(tmp_path, "\n".join(lines) + "\n")


def test_cross_validated_accuracy(capsys):
    assert main(["--cv", "3", "--solver", "lbfgs", "--max-iter", "50", "--hidden", "20"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "cross-validated accuracy" in x)
    assert float(line.split()[2]) > 0.9


def test_save_then_predict_with_the_saved_model(tmp_path, capsys):
    pytest.importorskip("skops")
    model_path = str(tmp_path / "model.skops")
    args = ["--solver", "lbfgs", "--max-iter", "50", "--hidden", "20", "--quiet"]
    assert main([*args, "--save", model_path]) == 0
    capsys.readouterr()
    assert main(["--model", model_path, "--data", _digits_csv(tmp_path), "--target", "label"]) == 0
    assert float(capsys.readouterr().out.split()[-1]) > 0.8
    assert main(["--model", model_path, "--data", _digits_csv(tmp_path, with_target=False)]) == 0
    assert len(capsys.readouterr().out.split()) == 40


@pytest.mark.parametrize("content", [None, "not a zip file\n"])
def test_bad_model_file_gives_one_line_and_exit_status_2(tmp_path, capsys, content):
    pytest.importorskip("skops")
    model_path = tmp_path / "model.skops"
    if content is not None:
        model_path.write_text(content)
    assert main(["--model", str(model_path), "--data", _digits_csv(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "model.skops" in err and len(err.strip().splitlines()) == 1


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    assert main(["--quiet", "--max-iter", "5", "--hidden", "10", "--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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


@pytest.fixture
def iris_model(tmp_path, capsys):
    """A model trained and saved from iris.csv with the command line."""
    pytest.importorskip("skops")
    path = str(tmp_path / "iris.skops")
    columns = ["sl", "sw", "pl", "pw", "species"]
    assert (
        main(
            ["--data", _iris_csv(tmp_path, columns), "--target", "species", *QUICK, "--save", path]
        )
        == 0
    )
    capsys.readouterr()
    return path


def test_a_model_from_a_csv_records_its_feature_names_and_nothing_else_to_trust(iris_model):
    import skops.io

    assert skops.io.get_untrusted_types(file=iris_model) == [
        "sktanhnet._classifier.TanhMLPClassifier"
    ]
    model = skops.io.load(iris_model, trusted=["sktanhnet._classifier.TanhMLPClassifier"])
    assert list(model.feature_names_in_) == ["sl", "sw", "pl", "pw"]


def test_model_picks_columns_by_name_in_any_order(tmp_path, capsys, iris_model):
    in_order = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"], "same.csv")
    reordered = _iris_csv(tmp_path, ["species", "pw", "id", "sl", "pl", "sw"], "reordered.csv")
    assert main(["--model", iris_model, "--data", in_order, "--target", "species"]) == 0
    expected = capsys.readouterr().out
    assert float(expected.split()[-1]) > 0.9
    assert main(["--model", iris_model, "--data", reordered, "--target", "species"]) == 0
    captured = capsys.readouterr()
    assert captured.out == expected
    assert captured.err.strip() == (
        f"note: {reordered}: ignoring columns the model does not use: 'id'"
    )
    # Without --target, the target column is one more column the model does not use.
    assert main(["--model", iris_model, "--data", reordered]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.split()) == 150 and "setosa" in captured.out
    assert captured.err.strip().endswith("ignoring columns the model does not use: 'species', 'id'")


def test_model_names_the_missing_columns(tmp_path, capsys, iris_model):
    path = _iris_csv(tmp_path, ["species", "pw", "sl"], "missing.csv")
    assert main(["--model", iris_model, "--data", path, "--target", "species"]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {path} lacks feature columns the model needs: 'sw', 'pl'\n"


def test_model_saved_from_python_on_arrays_works_by_position_and_says_so(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    from sklearn.datasets import load_iris
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sktanhnet import TanhMLPClassifier

    X, y = load_iris(return_X_y=True)
    model = make_pipeline(
        StandardScaler(), TanhMLPClassifier((10,), solver="lbfgs", random_state=0)
    )
    path = str(tmp_path / "arrays.skops")
    skops_io.dump(model.fit(X, y), path)
    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"])
    species = ["setosa", "versicolor", "virginica"]
    data_text = open(data).read()
    for name, number in zip(species, range(3)):
        data_text = data_text.replace(name, str(number))
    open(data, "w").write(data_text)
    assert main(["--model", path, "--data", data, "--target", "species"]) == 0
    captured = capsys.readouterr()
    assert float(captured.out.split()[-1]) > 0.9
    assert captured.err == (
        f"note: {path} has no feature names (it was fitted on arrays): using the columns of "
        f"{data} by position: 'sl', 'sw', 'pl', 'pw'\n"
    )


def test_model_uses_the_names_of_a_pipeline_fitted_on_a_dataframe(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    skops_io = pytest.importorskip("skops.io")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sktanhnet import TanhMLPClassifier

    frame = pd.read_csv(_iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"]))
    model = make_pipeline(
        StandardScaler(), TanhMLPClassifier((10,), solver="lbfgs", random_state=0)
    )
    model.fit(frame[["pw", "pl", "sw", "sl"]], frame["species"])
    path = str(tmp_path / "frame.skops")
    skops_io.dump(model, path)
    reordered = _iris_csv(tmp_path, ["sl", "species", "sw", "pl", "pw"], "reordered.csv")
    assert main(["--model", path, "--data", reordered, "--target", "species"]) == 0
    captured = capsys.readouterr()
    assert float(captured.out.split()[-1]) > 0.9 and captured.err == ""


def test_model_refuses_types_it_does_not_trust(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    import sktanhnet.__main__
    from sktanhnet import TanhMLPClassifier

    # A function of sktanhnet itself is not trusted: skops may call what it loads.
    step = FunctionTransformer(sktanhnet.__main__._names)
    model = make_pipeline(step, TanhMLPClassifier((3,), solver="lbfgs", max_iter=5))
    path = str(tmp_path / "odd.skops")
    skops_io.dump(model, path)
    assert main(["--model", path, "--data", _iris_csv(tmp_path, ["sl", "sw", "pl", "pw"])]) == 2
    err = capsys.readouterr().err
    assert "does not trust: sktanhnet.__main__._names" in err and len(err.splitlines()) == 1


def test_repeated_column_names_are_refused(tmp_path, capsys):
    path = _csv(tmp_path, "a,b,a,label\n1,2,3,x\n4,5,6,y\n")
    assert main(["--data", path, "--target", "label"]) == 2
    assert capsys.readouterr().err == f"error: {path}: column names must differ; repeated: 'a'\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--model", "m.skops"], "--model needs --data"),
        (["--output", "p.csv"], "--output needs --model"),
        (["--target", "label"], "--target needs --data"),
        (["--data", "d.csv"], "--data needs --target"),
        (["--cv", "3", "--test-size", "0.3"], "--cv cannot go with --test-size"),
        (["--solver", "lbfgs", "--batch-size", "10"], "--batch-size cannot go with --solver lbfgs"),
        (
            ["--solver", "lbfgs", "--learning-rate-init", "0.1"],
            "--learning-rate-init cannot go with --solver lbfgs",
        ),
        (
            ["--solver", "lbfgs", "--early-stopping"],
            "--early-stopping cannot go with --solver lbfgs",
        ),
        (["--max-iter", "0"], "--max-iter must be >= 1"),
        (["--test-size", "1"], "--test-size must be in (0, 1)"),
        (["--cv", "1"], "--cv must be >= 2"),
        (["--alpha", "-1"], "--alpha must be a number >= 0"),
        (["--alpha", "nan"], "--alpha must be a number >= 0"),
        (["--learning-rate-init", "0"], "--learning-rate-init must be a number > 0"),
        (["--save", "no/such/folder/m.skops"], "cannot write no/such/folder/m.skops: no folder"),
        (["--plot", "curves.foo"], "--plot curves.foo: matplotlib cannot write foo"),
        (["--save", "."], "cannot write .: it is a folder"),
    ],
)
def test_options_that_cannot_apply_are_refused_in_one_line(capsys, argv, message):
    if "--plot" in argv:
        pytest.importorskip("matplotlib")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}") and len(err.splitlines()) == 1


TRAINING_OPTION_VALUES = {
    "--task": "regression",
    "--hidden": "5",
    "--solver": "sgd",
    "--alpha": "0.1",
    "--batch-size": "10",
    "--learning-rate-init": "0.1",
    "--max-iter": "5",
    "--early-stopping": None,
    "--random-state": "1",
    "--test-size": "0.5",
    "--cv": "3",
    "--quiet": None,
    "--save": "again.skops",
    "--plot": "curves.png",
}


@pytest.mark.parametrize("option", list(TRAINING_OPTION_VALUES))
def test_model_refuses_every_training_option(tmp_path, capsys, option):
    value = TRAINING_OPTION_VALUES[option]
    argv = ["--model", "m.skops", "--data", "d.csv", option] + ([value] if value else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --model cannot go with {option}: ")
    assert len(err.splitlines()) == 1


def test_model_names_every_training_option_given(capsys):
    assert main(["--model", "m.skops", "--data", "d.csv", "--hidden", "5", "--cv", "3"]) == 2
    assert "--model cannot go with --hidden, --cv: " in capsys.readouterr().err


@pytest.mark.parametrize("output", ["--save", "--output"])
def test_an_output_never_overwrites_an_input(tmp_path, capsys, output):
    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"])
    before = open(data).read()
    argv = ["--data", data] + (["--target", "species"] if output == "--save" else ["--model", "m"])
    assert main([*argv, output, data]) == 2
    assert capsys.readouterr().err == f"error: {output} and --data name the same file, {data}\n"
    assert open(data).read() == before


def test_version(capsys):
    from sktanhnet import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"sktanhnet {__version__}\n"


def test_help_shows_every_option_and_its_default(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    blocks = {
        block.split()[0]: " ".join(block.split())
        for block in re.split(r"\n  (?=-)", text)
        if block.startswith("--") and not block.startswith(("--help", "--version"))
    }
    assert set(blocks) == {*TRAINING_OPTION_VALUES, "--data", "--target", "--model", "--output"}
    for option, block in blocks.items():
        assert "(default: " in block, option
    assert "--solver {adam,sgd,lbfgs} the optimizer (default: adam)" in blocks["--solver"]
    assert "(default: 200)" in blocks["--max-iter"] and "(default: 0)" in blocks["--random-state"]


def test_training_options_reach_the_saved_model(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    path = str(tmp_path / "m.skops")
    argv = ["--quiet", "--max-iter", "5", "--hidden", "8,4", "--solver", "sgd", "--save", path]
    argv += ["--alpha", "0.01", "--batch-size", "32", "--learning-rate-init", "0.05"]
    assert main([*argv, "--early-stopping", "--random-state", "3"]) == 0
    capsys.readouterr()
    model = skops_io.load(path, trusted=["sktanhnet._classifier.TanhMLPClassifier"])[-1]
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
    model = skops_io.load(path, trusted=["sktanhnet._classifier.TanhMLPClassifier"])
    assert list(model.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    assert model[-1].n_iter_ > 0 and model[0].n_samples_seen_ == 150


def _saved_figures(monkeypatch):
    """The figures the command line saves, kept for the test instead of written."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    figures = []
    monkeypatch.setattr(Figure, "savefig", lambda figure, *args, **kwargs: figures.append(figure))
    return figures


def test_cv_plot_draws_one_curve_per_fold(tmp_path, capsys, monkeypatch):
    figures = _saved_figures(monkeypatch)
    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"])
    argv = ["--data", data, "--target", "species", "--quiet", "--max-iter", "20", "--hidden", "5"]
    assert main([*argv, "--cv", "3", "--plot", str(tmp_path / "cv.png")]) == 0
    assert "training curves of the 3 folds" in capsys.readouterr().out
    (figure,) = figures
    loss_ax, score_ax = figure.axes
    assert len(loss_ax.lines) == 6 and len(score_ax.lines) == 3  # training and held-out per fold
    assert [len(line.get_xdata()) for line in score_ax.lines] == [20, 20, 20]
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["training loss", "held-out loss", "fold 1", "fold 2", "fold 3"]


def test_plot_draws_the_held_out_curves_without_changing_training(tmp_path, capsys, monkeypatch):
    argv = ["--quiet", "--max-iter", "15", "--hidden", "10"]
    assert main(argv) == 0
    without_plot = capsys.readouterr().out
    figures = _saved_figures(monkeypatch)
    assert main([*argv, "--plot", str(tmp_path / "curves.png")]) == 0
    with_plot = capsys.readouterr().out
    report = [line for line in without_plot.splitlines() if "time" not in line]
    assert report == [line for line in with_plot.splitlines() if "time" not in line][:-1]
    (figure,) = figures
    loss_ax, score_ax = figure.axes
    assert len(loss_ax.lines) == 2 and len(score_ax.lines) == 1
    assert loss_ax.get_xlabel() == "epoch" and score_ax.get_ylabel() == "accuracy"
    held_out_accuracy = float(next(x for x in report if "accuracy" in x).split()[-1])
    assert score_ax.lines[0].get_ydata()[-1] == pytest.approx(held_out_accuracy, abs=1e-4)
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["training loss", "held-out loss", "held-out accuracy"]


def test_output_writes_labels_and_probabilities(tmp_path, capsys, iris_model):
    import csv

    data = _iris_csv(tmp_path, ["id", "pw", "pl", "sw", "sl"], "new.csv")
    output = tmp_path / "predictions.csv"
    assert main(["--model", iris_model, "--data", data, "--output", str(output)]) == 0
    assert capsys.readouterr().out == f"wrote 150 predictions to {output}\n"
    rows = list(csv.reader(output.open()))
    assert rows[0] == ["predicted", "proba_setosa", "proba_versicolor", "proba_virginica"]
    assert len(rows) == 151
    for row in rows[1:]:
        proba = [float(value) for value in row[1:]]
        assert sum(proba) == pytest.approx(1)
        assert row[0] == rows[0][1 + proba.index(max(proba))].removeprefix("proba_")


def test_refused_combination_through_a_real_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sktanhnet", "--model", "m.skops", "--data", "d.csv", "--cv", "3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: --model cannot go with --cv: it predicts with a model already trained\n"
    )


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
        notes += "1 held-out rows are of classes that no training row has" in captured.err
    assert notes > 0


def test_output_of_a_model_without_probabilities_holds_the_labels(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    from sklearn.datasets import load_iris
    from sklearn.linear_model import RidgeClassifier

    X, y = load_iris(return_X_y=True)
    path = str(tmp_path / "ridge.skops")
    skops_io.dump(RidgeClassifier().fit(X, y), path)
    output = tmp_path / "predictions.csv"
    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw"])
    assert main(["--model", path, "--data", data, "--output", str(output)]) == 0
    assert f"note: {path} has no predict_proba: {output} holds the labels only" in (
        capsys.readouterr().err
    )
    lines = output.read_text().splitlines()
    assert lines[0] == "predicted" and len(lines) == 151 and set(lines[1:]) <= {"0", "1", "2"}


def test_a_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path, capsys, iris_model):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + open(_iris_csv(tmp_path, ["sl", "sw", "pl", "pw"]), "rb").read()
    )
    assert main(["--model", iris_model, "--data", str(path)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.split()) == 150 and captured.err == ""


# ---------------------------------------------------------------- regression


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


def test_auto_trains_a_regressor_on_a_continuous_target_and_says_so(tmp_path, capsys):
    data = _regression_csv(tmp_path)
    assert main(["--data", data, "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "TanhMLPRegressor" in captured.out and _report(captured.out, "held-out R^2") > 0.9
    notes = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "training a TanhMLPRegressor" in notes[0]


def test_auto_keeps_integer_targets_as_classes(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{i % 3}" for i in range(60))
    assert main(["--data", _csv(tmp_path, "a,b,label\n" + rows + "\n"), "--target", "label"]) == 0
    captured = capsys.readouterr()
    assert "TanhMLPClassifier" in captured.out and "accuracy" in captured.out
    assert "TanhMLPRegressor" not in captured.err


@pytest.mark.parametrize(
    "content, task, message",
    [
        ("a,y\n1,0.5\n2,1.5\n3,2.5\n", "classification", "--task classification needs class"),
        ("a,y\n1,x\n2,1.5\n3,2.5\n", "regression", "--task regression needs numbers"),
        ("a,y\n1,nan\n2,1.5\n3,2.5\n", "regression", "'nan' is not a finite number"),
        ("a,y\n1,inf\n2,1.5\n3,2.5\n", "auto", "'inf' is not a finite number"),
    ],
)
def test_a_target_that_does_not_fit_the_task_is_refused(tmp_path, capsys, content, task, message):
    assert main(["--data", _csv(tmp_path, content), "--target", "y", "--task", task]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_regression_cross_validation_reports_r2(tmp_path, capsys):
    data = _regression_csv(tmp_path)
    assert main(["--data", data, "--target", "y", "--task", "regression", *QUICK, "--cv", "3"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("cross-validated R^2"))
    assert float(line.split()[2]) > 0.9


def test_a_saved_regressor_predicts_reports_and_writes_one_column(tmp_path, capsys):
    pytest.importorskip("skops")
    import numpy as np
    from sklearn.metrics import r2_score

    data, path = _regression_csv(tmp_path), str(tmp_path / "reg.skops")
    assert main(["--data", data, "--target", "y", *QUICK, "--save", path]) == 0
    capsys.readouterr()
    assert main(["--model", path, "--data", data, "--target", "y"]) == 0
    out = capsys.readouterr().out
    output = tmp_path / "predictions.csv"
    assert main(["--model", path, "--data", data, "--output", str(output)]) == 0
    header, *rows = output.read_text().splitlines()
    assert header == "prediction" and len(rows) == 120
    table = np.loadtxt(data, delimiter=",", skiprows=1)
    predicted = np.array([float(row) for row in rows])
    assert _report(out, "R^2") == pytest.approx(r2_score(table[:, -1], predicted), abs=1e-4)
    capsys.readouterr()
    assert main(["--model", path, "--data", data]) == 0
    printed = capsys.readouterr().out.split()
    np.testing.assert_array_equal([float(value) for value in printed], predicted)


def test_a_saved_regressor_of_several_targets_writes_a_column_per_target(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    import numpy as np

    from sktanhnet import TanhMLPRegressor

    X = np.random.RandomState(0).normal(size=(50, 4))
    model = TanhMLPRegressor((5,), solver="lbfgs", max_iter=20, random_state=0)
    model.fit(X, np.c_[X[:, 0], -X[:, 1], X[:, 2]])
    path = str(tmp_path / "three.skops")
    sio.dump(model, path)
    data = _csv(tmp_path, "a,b,c,d\n" + "\n".join(",".join(map(str, row)) for row in X) + "\n")
    output = tmp_path / "out.csv"
    assert main(["--model", path, "--data", data, "--output", str(output)]) == 0
    header, *rows = output.read_text().splitlines()
    assert header == "prediction_0,prediction_1,prediction_2" and len(rows) == 50
    assert (
        main(["--model", path, "--data", _regression_csv(tmp_path, n_rows=50), "--target", "y"])
        == 2
    )
    assert "predicts 3 targets" in capsys.readouterr().err


def test_regression_plot_draws_loss_and_r2(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    titles = []
    monkeypatch.setattr(
        plt.Figure,
        "savefig",
        lambda figure, *args, **kwargs: titles.extend(ax.get_title() for ax in figure.axes),
    )
    data = _regression_csv(tmp_path)
    argv = ["--data", data, "--target", "y", "--quiet", "--max-iter", "20"]
    assert main([*argv, "--plot", str(tmp_path / "curves.png")]) == 0
    assert titles[1] == "R^2 on the held-out rows" and "squared error" in titles[0].lower()


# ---------------------------------------------------------------- hostile input (issue 18)


def test_an_unnamed_leading_column_of_pandas_is_left_out_and_said(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True).frame.sort_values("target")  # the index leaks the label
    path = tmp_path / "frame.csv"
    iris.to_csv(path)
    assert main(["--data", str(path), "--target", "target", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "leaving out the unnamed first column" in captured.err
    assert "4 features" in captured.out
    assert pd.read_csv(path).columns[0].startswith("Unnamed")


def test_labels_that_look_numeric_round_trip_as_written(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{['10', '010', '7'][i % 3]}" for i in range(60))
    data = _csv(tmp_path, "a,b,label\n" + rows + "\n")
    assert main(["--data", data, "--target", "label", *QUICK]) == 0
    assert "3 classes" in capsys.readouterr().out  # '10' and '010' are two classes


def test_labels_beyond_int64_are_kept_as_written(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{'9' * 30 if i % 2 else '1'}" for i in range(60))
    data = _csv(tmp_path, "a,b,label\n" + rows + "\n")
    assert main(["--data", data, "--target", "label", *QUICK]) == 0
    assert "2 classes" in capsys.readouterr().out


def test_bool_labels_are_scored_as_python_scores_them(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    from sklearn.datasets import load_iris

    from sktanhnet import TanhMLPClassifier

    X, y = load_iris(return_X_y=True)
    model = TanhMLPClassifier((5,), solver="lbfgs", max_iter=100, random_state=0).fit(X, y == 1)
    path = str(tmp_path / "bool.skops")
    sio.dump(model, path)
    lines = ["a,b,c,d,label"] + [
        ",".join([*map(str, row), str(label)]) for row, label in zip(X, y == 1)
    ]
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    assert main(["--model", path, "--data", data, "--target", "label"]) == 0
    accuracy = _report(capsys.readouterr().out, "accuracy")
    assert accuracy == pytest.approx(model.score(X, y == 1), abs=1e-4)


@pytest.mark.parametrize("labels", [["cat", "dog", "emu"], ["1.5", "2.5", "3.5"]])
def test_any_text_is_a_label_of_a_model_of_text_classes(tmp_path, capsys, iris_model, labels):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    lines = ["sl,sw,pl,pw,species"] + [
        ",".join([*map(str, row), labels[label]]) for row, label in zip(X, y)
    ]
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    # the iris model's classes are strings: any text is a label (counted wrong if unknown)
    assert main(["--model", iris_model, "--data", data, "--target", "species"]) == 0
    assert _report(capsys.readouterr().out, "accuracy") == 0.0


def test_integer_classes_refuse_a_text_target_in_one_line(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    from sklearn.datasets import load_iris

    from sktanhnet import TanhMLPClassifier

    X, y = load_iris(return_X_y=True)
    path = str(tmp_path / "int.skops")
    sio.dump(TanhMLPClassifier((5,), solver="lbfgs", max_iter=20, random_state=0).fit(X, y), path)
    lines = ["a,b,c,d,label"] + [",".join([*map(str, row), "cat"]) for row in X]
    assert (
        main(["--model", path, "--data", _csv(tmp_path, "\n".join(lines)), "--target", "label"])
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: --target 'label' holds 'cat', which is not a label")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hidden", ""], "--hidden needs at least one layer size"),
        (["--solver", "newton"], "invalid choice: 'newton'"),
        (["--max-iter", "x"], "invalid int value: 'x'"),
        (["--nope"], "unrecognized arguments: --nope"),
        (["--random-state", "-1"], "--random-state must be in [0, 2**32 - 1]"),
        (["--random-state", str(2**32), "--cv", "3"], "--random-state must be in"),
    ],
)
def test_every_usage_error_is_one_line_and_exit_2(capsys, argv, message):
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's errors exit from inside parse_args
        status = exit.code
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_blank_data_file_after_its_header_is_one_line(tmp_path, capsys):
    assert main(["--data", _csv(tmp_path, "a,b,label\n\n\n"), "--target", "label"]) == 2
    assert "at least one data row" in capsys.readouterr().err


def test_a_feature_too_large_to_standardize_is_named(tmp_path, capsys):
    rows = "\n".join(f"{(i % 7) * 1e300},{i % 5},{i % 2}" for i in range(40))
    assert main(["--data", _csv(tmp_path, "a,b,label\n" + rows + "\n"), "--target", "label"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'a' holds values too large to standardize" in err[0]


def test_a_failing_fold_of_cv_is_one_line(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i % 5},{i % 2}" for i in range(12))
    data = _csv(tmp_path, "a,b,label\n" + rows + "\n")
    assert main(["--data", data, "--target", "label", "--cv", "3", "--early-stopping"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot train a fold of --cv")


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


def test_an_output_that_is_an_input_under_another_name_is_refused(tmp_path, capsys):
    data = _csv(tmp_path, "a,label\n1,x\n2,y\n")
    link = tmp_path / "hard.csv"
    os.link(data, link)
    assert main(["--data", data, "--target", "label", "--save", str(link)]) == 2
    assert "name the same file" in capsys.readouterr().err


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


# ---------------------------------------------------------------- found by an adversarial pass


@pytest.mark.parametrize("values", ["1.2345e200", "12345678901234567890123.5"])
def test_large_non_integer_numbers_are_a_continuous_target(tmp_path, capsys, values):
    rows = "\n".join(f"{i % 7},{i % 5},{float(values) * (1 + i / 100)!r}" for i in range(40))
    data = _csv(tmp_path, "a,b,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", "--task", "classification"]) == 2
    assert "non-integer numbers" in capsys.readouterr().err


def test_an_empty_target_cell_is_refused_naming_its_line(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i % 5},{'' if i == 3 else i / 3}" for i in range(20))
    assert main(["--data", _csv(tmp_path, "a,b,y\n" + rows + "\n"), "--target", "y"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "line 5: empty value in target column 'y'" in err[0]


def test_a_skops_file_without_a_model_is_one_line(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    path = str(tmp_path / "dict.skops")
    sio.dump({"a": 1}, path)
    data = _csv(tmp_path, "a,b\n1,2\n")
    assert main(["--model", path, "--data", data]) == 2
    assert "holds a dict, not a fitted model with predict" in capsys.readouterr().err


def test_a_multilabel_model_with_target_is_one_line(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    import numpy as np

    from sktanhnet import TanhMLPClassifier

    X = np.random.RandomState(0).normal(size=(40, 2))
    Y = np.c_[X[:, 0] > 0, X[:, 1] > 0].astype(int)
    path = str(tmp_path / "multilabel.skops")
    sio.dump(TanhMLPClassifier((3,), solver="lbfgs", max_iter=10).fit(X, Y), path)
    data = _csv(tmp_path, "a,b,y\n" + "\n".join(f"{a},{b},1" for a, b in X) + "\n")
    assert main(["--model", path, "--data", data, "--target", "y"]) == 2
    assert "predicts 2 labels per row (multilabel)" in capsys.readouterr().err


def test_an_integer_label_beyond_the_models_type_is_one_line(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    import numpy as np

    from sktanhnet import TanhMLPClassifier

    X = np.random.RandomState(0).normal(size=(40, 2))
    path = str(tmp_path / "int.skops")
    model = TanhMLPClassifier((3,), solver="lbfgs", max_iter=10)
    sio.dump(model.fit(X, (X[:, 0] > 0).astype(int)), path)
    data = _csv(tmp_path, "a,b,y\n1,2,99999999999999999999\n")
    assert main(["--model", path, "--data", data, "--target", "y"]) == 2
    assert "'99999999999999999999', which is not a label" in capsys.readouterr().err


def test_a_regression_target_too_large_to_standardize_is_named(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i % 5},{1.5e200 * (i + 1)!r}" for i in range(20))
    data = _csv(tmp_path, "a,b,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y"]) == 2
    assert "target column 'y' holds values too large" in capsys.readouterr().err


def test_regression_cv_needs_two_rows_per_fold(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i / 3}" for i in range(5))
    data = _csv(tmp_path, "a,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", "--cv", "3"]) == 2
    assert "R^2 needs 2 rows per fold" in capsys.readouterr().err


def test_a_diverging_run_is_one_line_with_the_command_lines_advice(tmp_path, capsys):
    data = _regression_csv(tmp_path, n_rows=300)
    argv = ["--data", data, "--target", "y", "--solver", "sgd", "--learning-rate-init", "1e6"]
    assert main([*argv, "--quiet"]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("note:")]
    assert len(err) == 1 and "lower --learning-rate-init" in err[0]


def test_a_multilabel_models_predictions_print_as_indicator_rows(tmp_path, capsys):
    sio = pytest.importorskip("skops.io")
    import numpy as np

    from sktanhnet import TanhMLPClassifier

    X = np.random.RandomState(0).normal(size=(40, 2))
    Y = np.c_[X[:, 0] > 0, X[:, 1] > 0].astype(int)
    path = str(tmp_path / "multilabel.skops")
    model = TanhMLPClassifier((3,), solver="lbfgs", max_iter=50, random_state=0).fit(X, Y)
    sio.dump(model, path)
    data = _csv(tmp_path, "a,b\n" + "\n".join(f"{float(a)!r},{float(b)!r}" for a, b in X))
    assert main(["--model", path, "--data", data]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines()]
    assert printed == [",".join(map(str, row)) for row in model.predict(X)]
