"""The command line, --model: predicting with a saved pipeline (sktanhnet/_cli/predicting.py)."""

import pytest

from sktanhnet.__main__ import main


def _csv(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _digits_csv(tmp_path, with_target=True):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    names = [f"f{i}" for i in range(X.shape[1])]
    lines = [",".join(names + (["label"] if with_target else []))]
    for row, label in zip(X[:40], y[:40]):
        lines.append(",".join([f"{v:g}" for v in row] + ([str(label)] if with_target else [])))
    return _csv(tmp_path, "\n".join(lines) + "\n")


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


def _saved_model(tmp_path, capsys, data, target, name="model.skops"):
    """Train on ``data`` (QUICK) with --save: the model's path, and the training's report."""
    pytest.importorskip("skops")
    model = str(tmp_path / name)
    assert main(["--data", data, "--target", target, *QUICK, "--save", model]) == 0
    return model, capsys.readouterr().out


def _report(out, name):
    return float(next(line for line in out.splitlines() if line.startswith(name)).split()[-1])


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


@pytest.mark.parametrize("name", ["model.pkl", "model.SKOPS"])
def test_a_model_saved_under_another_extension_says_it_is_a_skops_file(tmp_path, capsys, name):
    pytest.importorskip("skops")
    path = str(tmp_path / name)
    assert main(["--solver", "lbfgs", "--max-iter", "5", "--hidden", "4", "--save", path]) == 0
    err = capsys.readouterr().err
    skops_name = name.endswith("SKOPS")
    assert (f"note: {path} is a skops file, whatever its name" in err) != skops_name
    assert main(["--model", path, "--data", _digits_csv(tmp_path), "--target", "label"]) == 0


@pytest.mark.parametrize("content", [None, "not a zip file\n"])
def test_bad_model_file_gives_one_line_and_exit_status_2(tmp_path, capsys, content):
    pytest.importorskip("skops")
    model_path = tmp_path / "model.skops"
    if content is not None:
        model_path.write_text(content)
    assert main(["--model", str(model_path), "--data", _digits_csv(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "model.skops" in err and len(err.strip().splitlines()) == 1


def test_a_model_from_a_csv_records_its_feature_names_and_nothing_else_to_trust(iris_model):
    import skops.io

    from sktanhnet._cli.predicting import TRUSTED_TYPES

    untrusted = skops.io.get_untrusted_types(file=iris_model)
    assert untrusted == ["numpy.dtype", "sktanhnet._classifier.TanhMLPClassifier"]
    assert set(untrusted) <= set(TRUSTED_TYPES)
    model = skops.io.load(iris_model, trusted=untrusted)
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
    # a column renamed in case or spacing is named as the likely one
    path = _iris_csv(tmp_path, ["species", "pw", "sl", "sw", "pl"], "renamed.csv")
    with open(path) as file:
        text = file.read().replace("sw,pl", "SW,p l", 1)
    with open(path, "w") as file:
        file.write(text)
    assert main(["--model", iris_model, "--data", path]) == 2
    assert capsys.readouterr().err == (
        f"error: {path} lacks feature columns the model needs: 'sw' (did you mean 'SW'?), "
        "'pl' (did you mean 'p l'?)\n"
    )


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


@pytest.mark.parametrize("encoded", [["species_like"], slice("pw", "species_like")])
def test_model_of_a_column_transformer_picking_columns_by_name(tmp_path, capsys, encoded):
    """A pipeline built in Python whose ColumnTransformer selects by name (it needs a DataFrame)
    predicts as in Python, whatever the table's column order; its encoded columns read as text."""
    pd = pytest.importorskip("pandas")
    skops_io = pytest.importorskip("skops.io")
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from sktanhnet import TanhMLPClassifier

    frame = pd.read_csv(_iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"]))
    frame["species_like"] = frame["pl"].gt(4).map({True: "1", False: "2"})  # written as numbers
    columns = make_column_transformer(
        (StandardScaler(), ["sl", "sw", "pl"]), (OneHotEncoder(), encoded)
    )
    model = make_pipeline(columns, TanhMLPClassifier((10,), solver="lbfgs", random_state=0))
    features = ["sl", "sw", "pl", "pw", "species_like"]
    model.fit(frame[features], frame["species"])
    path = str(tmp_path / "by_name.skops")
    skops_io.dump(model, path)
    data = tmp_path / "reordered.csv"
    frame[["species_like", "pw", "species", "pl", "sw", "sl"]].to_csv(data, index=False)
    assert main(["--model", path, "--data", str(data)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == list(model.predict(frame[features]))
    assert captured.err == f"note: {data}: ignoring columns the model does not use: 'species'\n"


def test_model_refuses_types_it_does_not_trust(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    import sktanhnet._cli.messages
    from sktanhnet import TanhMLPClassifier

    # A function of sktanhnet itself is not trusted: skops may call what it loads.
    step = FunctionTransformer(sktanhnet._cli.messages.names)
    model = make_pipeline(step, TanhMLPClassifier((3,), solver="lbfgs", max_iter=5))
    path = str(tmp_path / "odd.skops")
    skops_io.dump(model, path)
    assert main(["--model", path, "--data", _iris_csv(tmp_path, ["sl", "sw", "pl", "pw"])]) == 2
    err = capsys.readouterr().err
    assert "does not trust: sktanhnet._cli.messages.names" in err and len(err.splitlines()) == 1


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


@pytest.mark.parametrize(
    "labels, message",
    [
        (["cat", "dog", "emu"], "holds none of the model's classes ('setosa', 'versicolor', "),
        (["1.5", "2.5", "3.5"], "holds numbers (such as '1.5'), but the model's classes are text"),
        (["0", "1", "2"], "holds numbers (such as '0'), but the model's classes are text"),
    ],
)
def test_labels_of_another_kind_than_the_models_are_one_line(
    tmp_path, capsys, iris_model, labels, message
):
    # once printed as accuracy 0.0000: a string-label model scored on a column of numbers
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    lines = ["sl,sw,pl,pw,species"] + [
        ",".join([*map(str, row), labels[label]]) for row, label in zip(X, y)
    ]
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    assert main(["--model", iris_model, "--data", data, "--target", "species"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err and "--task" not in err


def test_a_few_unknown_labels_are_counted_wrong_with_a_note(tmp_path, capsys, iris_model):
    from sklearn.datasets import load_iris

    iris = load_iris()
    names = [str(iris.target_names[t]) for t in iris.target]
    names[:3] = ["dodo"] * 3
    lines = ["sl,sw,pl,pw,species"] + [
        ",".join([*map(str, row), name]) for row, name in zip(iris.data, names)
    ]
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    assert main(["--model", iris_model, "--data", data, "--target", "species"]) == 0
    captured = capsys.readouterr()
    assert "3 rows of --target 'species' hold labels the model does not know ('dodo')" in (
        captured.err
    )
    assert 0.8 < _report(captured.out, "accuracy") <= 147 / 150


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


# ---------------------------------------------------------------- tables with text and gaps


def _penguins(tmp_path, name, rows, island=None):
    lines = ["species,island,bill_mm,sex"]
    for i in range(rows):
        species = ["Adelie", "Gentoo", "Chinstrap"][i % 3]
        bill = "" if i % 11 == 4 else f"{[38.8, 47.5, 48.8][i % 3] + (i % 5) / 5:.1f}"
        where = island or ("Biscoe" if species == "Gentoo" else ["Dream", "Torgersen"][i % 2])
        lines.append(",".join([species, where, bill, "NA" if i % 13 == 2 else "fm"[i % 2]]))
    return _csv(tmp_path, "\n".join(lines) + "\n", name)


def test_a_saved_pipeline_encodes_and_fills_in_as_it_did_in_training(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    from sktanhnet._cli.predicting import TRUSTED_TYPES

    model = str(tmp_path / "penguins.skops")
    data = _penguins(tmp_path, "train.csv", 90)
    assert main(["--data", data, "--target", "species", *QUICK, "--save", model]) == 0
    capsys.readouterr()
    pipeline = skops_io.load(model, trusted=TRUSTED_TYPES)
    assert [name for name, _ in pipeline.steps] == ["columns", "network"]
    assert list(pipeline.feature_names_in_) == ["island", "bill_mm", "sex"]
    encoder = pipeline[0].named_transformers_["text"][-1]
    assert encoder.handle_unknown == "ignore"
    # new rows: an island never seen, missing values in both kinds of column
    new = _penguins(tmp_path, "new.csv", 12, island="Atlantis")
    assert main(["--model", model, "--data", new]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.split()) == 12
    assert captured.err == (
        f"note: {new}: ignoring columns the model does not use: 'species'\n"
        f"note: {new}: values not seen in training, counted as none: 'island' (Atlantis)\n"
        f"note: {new}: 2 missing values, which {model} fills in as in training (its "
        "SimpleImputer): bill_mm 1, sex 1; read as missing: 'NA'\n"
    )


def test_text_where_the_model_reads_numbers_is_one_line(tmp_path, capsys):
    pytest.importorskip("skops")
    model = str(tmp_path / "penguins.skops")
    assert (
        main(
            [
                "--data",
                _penguins(tmp_path, "a.csv", 60),
                "--target",
                "species",
                *QUICK,
                "--save",
                model,
            ]
        )
        == 0
    )
    bad = _csv(tmp_path, "island,bill_mm,sex\nDream,long,f\n", "bad.csv")
    assert main(["--model", model, "--data", bad]) == 2
    assert capsys.readouterr().err.endswith(
        "line 2: 'long' in column 'bill_mm' is not a number, and the model reads numbers there\n"
    )


def test_advice_after_an_error_on_model_never_names_a_training_option(tmp_path, capsys):
    pytest.importorskip("skops")
    model = str(tmp_path / "reg.skops")
    data = _regression_csv(tmp_path)
    assert main(["--data", data, "--target", "y", *QUICK, "--save", model]) == 0
    capsys.readouterr()
    lines = open(data).read().splitlines()
    lines[1] = ",".join(lines[1].split(",")[:-1] + ["cat"])
    bad = _csv(tmp_path, "\n".join(lines) + "\n", "bad.csv")
    assert main(["--model", model, "--data", bad, "--target", "y"]) == 2
    err = capsys.readouterr().err
    message = f"--target 'y' holds 'cat', not a number: {model} is a regressor, it predicts"
    assert err == f"error: {message} numbers\n"
    assert "--task" not in err


def test_a_row_of_empty_cells_gets_its_prediction_in_its_place(tmp_path, capsys, iris_model):
    """One output row per input row: a row of empty cells is predicted from imputed values."""
    import csv

    rows = ["sl,sw,pl,pw", "5.1,3.5,1.4,0.2", ",,,", "6.7,3.0,5.2,2.3", "5.0,3.4,1.5,0.2"]
    data = _csv(tmp_path, "\n".join(rows) + "\n", "new.csv")
    output = tmp_path / "predictions.csv"
    args = ["--model", iris_model, "--data", data, "--output", str(output), "--quiet"]
    assert main(args) == 0
    assert capsys.readouterr().out == f"wrote 4 predictions to {output}\n"
    predicted = [row[0] for row in csv.reader(output.open())][1:]
    assert predicted[0] == predicted[3] == "setosa" and predicted[2] == "virginica"


def test_a_saved_model_whose_weights_do_not_fit_gives_one_line(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    import numpy as np
    from sklearn.datasets import load_iris

    from sktanhnet import TanhMLPClassifier

    X, y = load_iris(return_X_y=True)
    model = TanhMLPClassifier((10,), solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    model.coefs_[0] = np.zeros(40)  # changed by hand, then saved
    path = str(tmp_path / "broken.skops")
    skops_io.dump(model, path)
    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw"])
    assert main(["--model", path, "--data", data]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert f"cannot predict with {path}: " in err
    assert r"coefs_[0] has shape (40,), where 4 inputs to the layer" in err


def test_a_multilabel_models_output_has_a_column_per_label(tmp_path, capsys):
    # a model fitted in Python on a multilabel target: each label's 0/1, then its probability
    import numpy as np

    from sktanhnet import TanhMLPClassifier

    sio = pytest.importorskip("skops.io", reason="--model needs the skops extra")
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    Y = np.c_[X[:, 0] > 0, X[:, 1] > 0].astype(int)
    model_path = str(tmp_path / "multi.skops")
    model = TanhMLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0).fit(X, Y)
    sio.dump(model, model_path)
    data = _csv(tmp_path, "p,q\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in X[:10]))
    output = str(tmp_path / "out.csv")
    assert main(["--model", model_path, "--data", data, "--output", output]) == 0
    lines = open(output).read().splitlines()
    assert lines[0] == "predicted_0,predicted_1,proba_0,proba_1"
    table = np.array([line.split(",") for line in lines[1:]], dtype=float)
    np.testing.assert_array_equal(table[:, :2], model.predict(X[:10]))
    np.testing.assert_allclose(table[:, 2:], model.predict_proba(X[:10]), rtol=1e-15)
    capsys.readouterr()
    assert main(["--model", model_path, "--data", data]) == 0  # printed: one CSV line per row
    printed = capsys.readouterr().out.splitlines()
    assert printed == [",".join(map(str, row)) for row in model.predict(X[:10])]


def test_printed_labels_with_commas_or_line_breaks_are_quoted_one_record_per_row(tmp_path, capsys):
    import csv
    import io

    pytest.importorskip("skops", reason="--save and --model need the skops extra")
    labels = ["A,1", "B\n2"]
    rows = [[f"{i % 7}", f"{(i * 3) % 5}", labels[i % 7 > 3]] for i in range(40)]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([["a", "b", "y"], *rows])
    data = _csv(tmp_path, text.getvalue())
    model = str(tmp_path / "m.skops")
    assert main(["--data", data, "--target", "y", *QUICK, "--save", model]) == 0
    capsys.readouterr()
    assert main(["--model", model, "--data", data]) == 0
    records = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(records) == 40 and {record[0] for record in records} <= set(labels)


def test_a_number_with_a_thousands_separator_is_named_so_at_prediction(tmp_path, capsys):
    rows = "".join(f"{300 * i},{i % 5},{'ny'[i > 20]}\n" for i in range(40))
    model, _ = _saved_model(tmp_path, capsys, _csv(tmp_path, "income,age,buys\n" + rows), "buys")
    new = _csv(tmp_path, 'income,age\n950,3\n"1,200",4\n', name="new.csv")
    assert main(["--model", model, "--data", new]) == 2
    assert capsys.readouterr().err == (
        f"error: {new}, line 3: '1,200' in column 'income' is a number written with a thousands "
        "separator: write numbers plainly (1234.5, 0.124, -2), as a spreadsheet exports them "
        "unformatted\n"
    )
    # tab-separated, where 1,200 may also be a decimal comma: refused, not read as 1.2
    new = _csv(tmp_path, "income\tage\n950\t3\n1,200\t4\n4,800\t1\n", name="new.tsv")
    assert main(["--model", model, "--data", new]) == 2
    assert "'1,200' in column 'income' may be 1200" in capsys.readouterr().err


def test_r2_of_a_constant_target_is_undefined_not_zero(tmp_path, capsys):
    model, _ = _saved_model(tmp_path, capsys, _regression_csv(tmp_path), "y")
    rows = "".join(f"{i / 10},{-i / 10},{i % 3},{i % 2},7\n" for i in range(5))
    new = _csv(tmp_path, "a,b,c,d,y\n" + rows, name="const.csv")
    assert main(["--model", model, "--data", new, "--target", "y"]) == 0
    captured = capsys.readouterr()
    assert "R^2: nan" in captured.out
    assert "warning: R^2 is undefined where every target is the same (7)" in captured.err


def test_a_warning_at_prediction_is_one_line(tmp_path, capsys, monkeypatch):
    import sktanhnet._compiled as compiled

    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species"])
    model, _ = _saved_model(tmp_path, capsys, data, "species")
    monkeypatch.setattr(compiled, "_HAS_NUMBA", False)
    monkeypatch.setenv("SKTANHNET_KERNELS", "numba")
    assert main(["--model", model, "--data", data, "--target", "species"]) == 0
    err = capsys.readouterr().err
    assert "warning: SKTANHNET_KERNELS=numba, but numba is not installed: NumPy's kernels" in err
    assert "UserWarning" not in err and "_compiled.py" not in err


def test_an_unnamed_0_column_the_model_uses_is_kept(tmp_path, capsys):
    # repeated labels (an index after pandas.concat): a feature when training
    rows = "".join(f"{i % 20},{i % 7},{'ab'[i % 20 < 10]}\n" for i in range(40))
    model, out = _saved_model(tmp_path, capsys, _csv(tmp_path, "Unnamed: 0,a,y\n" + rows), "y")
    assert "2 features" in out
    rows = "".join(f"{i},{i % 7}\n" for i in range(5))  # distinct labels: still the feature
    assert main(["--model", model, "--data", _csv(tmp_path, "Unnamed: 0,a\n" + rows, "n.csv")]) == 0
    assert len(capsys.readouterr().out.split()) == 5


def test_a_text_column_and_text_labels_are_read_as_written_whatever_the_other_rows(
    tmp_path, capsys
):
    # grade 1,5 is a category in training (beside A and B): it was read as the number 1.5 in a
    # file of predictions without A or B, a value unseen in training, so accuracy 0.5 for 1.0
    grades = ["1,5", "2,5", "A", "B"]
    label = {"1,5": "1,0", "2,5": "lo", "A": "1,0", "B": "lo"}  # labels as text, 1,0 among them
    rows = "".join(f"{i % 9},{i % 4};{grades[i % 4]};{label[grades[i % 4]]}\n" for i in range(80))
    model, _ = _saved_model(tmp_path, capsys, _csv(tmp_path, "a;grade;y\n" + rows), "y")
    rows = "".join(f"{i % 9},5;{grades[i % 2]};{label[grades[i % 2]]}\n" for i in range(10))
    data = _csv(tmp_path, "a;grade;y\n" + rows, "new.csv")
    assert main(["--model", model, "--data", data, "--target", "y"]) == 0
    captured = capsys.readouterr()
    assert _report(captured.out, "accuracy") == 1.0
    assert "not seen in training" not in captured.err and "does not know" not in captured.err
    # labels all 1,0: the label, not the number 1.0 that no class is
    rows = "".join(f"{i % 9},5;1,5;1,0\n" for i in range(10))
    data = _csv(tmp_path, "a;grade;y\n" + rows, "ones.csv")
    assert main(["--model", model, "--data", data, "--target", "y"]) == 0
    assert _report(capsys.readouterr().out, "accuracy") == 1.0


def test_numbers_among_text_classes_are_labels_of_the_model(tmp_path, capsys):
    # classes '10' and 'A1': rows labelled 10 alone were refused as "numbers, but the model's
    # classes are text ('10', 'A1')"
    rows = "".join(f"{i % 7},{i % 5},{['10', 'A1'][i % 2]}\n" for i in range(60))
    model, _ = _saved_model(tmp_path, capsys, _csv(tmp_path, "a,b,y\n" + rows), "y")
    tens = "".join(f"{i % 7},{i % 5},10\n" for i in range(0, 60, 2))
    data = _csv(tmp_path, "a,b,y\n" + tens, "tens.csv")
    assert main(["--model", model, "--data", data, "--target", "y"]) == 0
    assert 0 <= _report(capsys.readouterr().out, "accuracy") <= 1


def test_a_stray_word_among_decimal_commas_where_the_model_reads_numbers_is_named(tmp_path, capsys):
    # it named '0,1' on line 2, a number, rather than the '-' on line 6
    rows = "".join(f"{i % 7},{i % 3};{i % 5};{'xy'[i % 2]}\n" for i in range(60))
    model, _ = _saved_model(tmp_path, capsys, _csv(tmp_path, "a;b;y\n" + rows), "y")
    rows = "0,1;1\n0,2;2\n0,3;3\n0,4;4\n-;5\n0,6;6\n"
    data = _csv(tmp_path, "a;b\n" + rows, "new.csv")
    assert main(["--model", model, "--data", data]) == 2
    assert capsys.readouterr().err.endswith(
        "line 6: '-' in column 'a' is not a number, and the model reads numbers there\n"
    )


def test_decimal_comma_labels_read_in_training_are_read_again_for_text_classes(tmp_path, capsys):
    # 1,0 and 2,0 beside 007 in training: read as 1 and 2 there, the classes text ('007', '1',
    # '2'); --model read the labels as written, none of them a class but 007
    labels = ["1,0", "2,0", "007"]
    rows = "".join(f"{i % 9},{i % 4};{labels[i % 3]}\n" for i in range(60))
    model, _ = _saved_model(tmp_path, capsys, _csv(tmp_path, "x;y\n" + rows), "y")
    data = _csv(tmp_path, "x;y\n" + rows, "again.csv")
    assert main(["--model", model, "--data", data, "--target", "y"]) == 0
    captured = capsys.readouterr()
    assert "does not know" not in captured.err


def test_missing_values_filled_in_at_prediction_are_said(tmp_path, capsys, iris_model):
    path = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw"], "gaps.csv")
    lines = open(path).read().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[1], "", 1)  # sw of the first row: empty
    lines[2] = ",".join(["NA", *lines[2].split(",")[1:]])  # sl of the second: NA
    open(path, "w").write("\n".join(lines) + "\n")
    assert main(["--model", iris_model, "--data", path]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.split()) == 150
    assert captured.err == (
        f"note: {path}: 2 missing values, which {iris_model} fills in as in training (its "
        "SimpleImputer): sl 1, sw 1; read as missing: 'NA'\n"
    )


def test_an_unfitted_model_is_refused_as_such(tmp_path, capsys):
    skops_io = pytest.importorskip("skops.io")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sktanhnet import TanhMLPClassifier

    data = _iris_csv(tmp_path, ["sl", "sw", "pl", "pw"])
    for model in (TanhMLPClassifier(), make_pipeline(StandardScaler(), TanhMLPClassifier())):
        path = str(tmp_path / "unfitted.skops")
        skops_io.dump(model, path)
        assert main(["--model", path, "--data", data]) == 2
        assert capsys.readouterr().err == (
            f"error: {path} holds an unfitted {type(model).__name__}: fit it before saving it, "
            "or save the trained pipeline (python -m sktanhnet ... --save FILE.skops)\n"
        )


def test_a_models_text_column_is_read_as_written_even_like_a_formatted_number(tmp_path, capsys):
    # '$10' where the model encodes text is a category (here unseen), not a number to refuse
    rows = "".join(f"{i / 10},{'AB'[i % 2]},{'ny'[i % 3 == 0]}\n" for i in range(40))
    model, _ = _saved_model(tmp_path, capsys, _csv(tmp_path, "a,tier,y\n" + rows), "y")
    new = _csv(tmp_path, "a,tier\n0.5,$10\n0.7,A\n", name="new.csv")
    assert main(["--model", model, "--data", new]) == 0
    assert "counted as none: 'tier' ($10)" in capsys.readouterr().err


def test_model_of_a_column_transformer_dropping_a_text_column_and_encoding_bools(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    skops_io = pytest.importorskip("skops.io")
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from sktanhnet import TanhMLPClassifier

    frame = pd.read_csv(_iris_csv(tmp_path, ["sl", "sw", "pl", "pw", "species", "id"]))
    frame["long"] = frame["pl"] > 4  # bools
    columns = make_column_transformer(
        (StandardScaler(), ["sl", "sw"]), (OneHotEncoder(), ["long"])
    )  # 'pw' and the text column 'id' dropped
    model = make_pipeline(columns, TanhMLPClassifier((10,), solver="lbfgs", random_state=0))
    features = ["sl", "sw", "pw", "id", "long"]
    model.fit(frame[features], frame["species"])
    path = str(tmp_path / "bools.skops")
    skops_io.dump(model, path)
    data = tmp_path / "new.csv"
    frame[features].to_csv(data, index=False)
    assert main(["--model", path, "--data", str(data)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == list(model.predict(frame[features]))
    assert captured.err == ""
