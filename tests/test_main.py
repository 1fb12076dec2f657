"""The command line: ``python -m sktanhnet``."""

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
        [sys.executable, "-m", "sktanhnet", "--quiet", "--solver", "lbfgs", "--max-iter", "50"],
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


def test_bad_options_exit_2():
    with pytest.raises(SystemExit) as exit_info:
        main(["--hidden", "10,x"])
    assert exit_info.value.code == 2


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
