"""The command line, the target and the task it asks for (sktanhnet/_cli/task.py)."""

import pytest

from sktanhnet.__main__ import main


def _csv(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
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
        ("a,y\n1,x\n2,z\n3,2.5\n", "regression", "--task regression needs numbers"),
        ("a,y\n1,nan\n2,nan\n3,?\n", "regression", "target column 'y' of "),
        ("a,y\n1,-1\n2,3\n3,4\n", "poisson", "--loss poisson needs a target >= 0"),
        (
            "a,y\n1,x\n2,y\n3,x\n",
            "poisson",
            "--loss poisson needs numbers in --target 'y'; it holds 'x': leave out --loss poisson",
        ),
        ("a,y\n1,x\n2,z\n3,2.5\n", "regression", "use --task classification (or auto)"),
        ("a,y\n1,x\n2,1.5\n3,2.5\n", "regression", "line 2: 'x' in target column 'y', a column of"),
        (
            "a,y\n1,x\n2,y\n3,x\n",
            "regression-poisson",
            "use --task classification for class labels, without --loss poisson",
        ),
        ("a,y\n1,inf\n2,1.5\n3,2.5\n", "auto", "'inf' is not a finite number"),
    ],
)
def test_a_target_that_does_not_fit_the_task_is_refused(tmp_path, capsys, content, task, message):
    option = ["--loss", "poisson"] if task == "poisson" else ["--task", task]
    if task == "regression-poisson":
        option = ["--task", "regression", "--loss", "poisson"]
    assert main(["--data", _csv(tmp_path, content), "--target", "y", *option]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("values", ["1.2345e200", "12345678901234567890123.5"])
def test_large_non_integer_numbers_are_a_continuous_target(tmp_path, capsys, values):
    rows = "\n".join(f"{i % 7},{i % 5},{float(values) * (1 + i / 100)!r}" for i in range(40))
    data = _csv(tmp_path, "a,b,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", "--task", "classification"]) == 2
    assert "non-integer numbers" in capsys.readouterr().err


@pytest.mark.parametrize("token", ["", "NA", "N/A", "nan", "NaN", "NAN", "-nAn", "null", "?"])
def test_rows_without_a_target_are_left_out_never_a_class(tmp_path, capsys, token):
    # once: one NA in a float target trained a classifier with 80 classes
    rows = "\n".join(f"{i % 7},{i % 5},{token if i in (3, 9) else i / 3}" for i in range(40))
    data = _csv(tmp_path, "a,b,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "TanhMLPRegressor" in captured.out and "38 features" not in captured.out
    # a token other than an empty cell is named (NaN's other spellings are numbers' NaN)
    written = f"; read as missing: {token!r}" if token not in ("", "NAN", "-nAn") else ""
    assert (
        f"{data}: leaving out 2 rows without a value in target column 'y' (the first on line "
        f"5{written})" in (captured.err)
    )
    assert "28 training rows, 10 held-out rows" in captured.out


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


def test_a_regression_target_too_large_to_standardize_is_named(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},{i % 5},{1.5e200 * (i + 1)!r}" for i in range(20))
    data = _csv(tmp_path, "a,b,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y"]) == 2
    assert "target column 'y' holds values too large" in capsys.readouterr().err


# ---------------------------------------------------------------- the rule of --task auto


def _table(tmp_path, targets, name="t.csv"):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{target}" for i, target in enumerate(targets))
    return _csv(tmp_path, "a,b,y\n" + rows + "\n")


@pytest.mark.parametrize(
    "targets, task, said",
    [
        # scikit-learn's diabetes target as pandas writes it: whole numbers, many and spread
        ([f"{25 + (i * 37) % 300}.0" for i in range(60)], "TanhMLPRegressor", "distinct whole"),
        ([str(150000 + 700 * ((i * 13) % 50)) for i in range(60)], "TanhMLPRegressor", "(more"),
        ([f"{i % 2}.0" for i in range(60)], "TanhMLPClassifier", "2 distinct whole numbers"),
        ([str(i % 5 + 1) for i in range(60)], "TanhMLPClassifier", "--task regression takes"),
        ([["low", "high"][i % 2] for i in range(60)], "TanhMLPClassifier", "text labels (2"),
        ([f"{i / 7:.3f}" for i in range(60)], "TanhMLPRegressor", "not all whole"),
    ],
)
def test_auto_names_the_task_it_chose_and_the_option_for_the_other(
    tmp_path, capsys, targets, task, said
):
    assert main(["--data", _table(tmp_path, targets), "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"Training {task}")
    (line,) = [line for line in captured.err.splitlines() if "--task auto" in line]
    assert said in line and f"training a {task}" in line


def test_whole_numbers_written_with_a_point_are_integer_classes(tmp_path, capsys):
    pytest.importorskip("skops")
    model = str(tmp_path / "m.skops")
    data = _table(tmp_path, [f"{i % 3}.0" if i != 5 else "NA" for i in range(60)])
    assert main(["--data", data, "--target", "y", *QUICK, "--save", model]) == 0
    assert "3 classes" in capsys.readouterr().out
    assert main(["--model", model, "--data", data]) == 0
    assert set(capsys.readouterr().out.split()) <= {"0", "1", "2"}
    assert main(["--model", model, "--data", data, "--target", "y"]) == 0
    captured = capsys.readouterr()
    assert "scoring the 59 rows with a value in --target 'y'" in captured.err
    assert captured.out.startswith("accuracy: ")


def test_poisson_trains_a_regressor_on_counts_and_reports_the_deviance(tmp_path, capsys):
    counts = [str((i * 7) % 9) for i in range(60)]
    data = _table(tmp_path, counts)
    assert main(["--data", data, "--target", "y", *QUICK, "--loss", "poisson"]) == 0
    captured = capsys.readouterr()
    assert "TanhMLPRegressor(hidden_layer_sizes=(10,), solver='lbfgs', loss='poisson')" in (
        captured.out
    )
    assert "held-out mean Poisson deviance: " in captured.out
    assert "note: --loss poisson: training a TanhMLPRegressor" in captured.err


def test_poisson_on_the_bundled_data_trains_on_diabetes(capsys):
    assert main(["--loss", "poisson", *QUICK]) == 0
    assert "loss='poisson') on scikit-learn's diabetes data" in capsys.readouterr().out


def test_loss_refuses_classification_in_one_line(capsys):
    assert main(["--loss", "poisson", "--task", "classification"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: --loss poisson cannot go with --task classification: it is a regression loss\n"
    )


@pytest.mark.parametrize("values", ["fractions", "whole"])
def test_a_target_of_numbers_with_a_few_text_values_is_refused_under_auto(tmp_path, capsys, values):
    # once: every 15th value written '-' made a regression target 57 classes, said in a note
    rows = "\n".join(
        f"{i % 7},{'-' if i % 15 == 0 else (i / 4 if values == 'fractions' else i % 2)}"
        for i in range(60)
    )
    data = _csv(tmp_path, "a,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {data}, line 2: '-' in target column 'y', a column of numbers")
    assert "but for 4 values" in err and "--task classification" in err
    assert len(err.splitlines()) == 1
    if values == "whole":  # asked for, every value is a class
        argv = ["--data", data, "--target", "y", "--task", "classification", "--quiet"]
        assert main([*argv, "--max-iter", "5"]) == 0


@pytest.mark.parametrize(
    "labels, said, classes",
    [
        # '1', '1.0' and '+1' are one class; the note's count is the classes trained
        (["0", "1", "1.0", "+1"], "holds 2 distinct whole numbers", 2),
        # 7 and 007 are two, as written, and the note says why
        (["0", "1", "007", "7"], "not all written as integers (such as '007'): training a", 4),
        # beside 007, 1 and 1.0 are still one class (written 1)
        (["1", "1.0", "2", "007"], "7 and 007 are two, 1 and 1.0 one", 3),
    ],
)
def test_whole_numbers_are_classes_as_the_note_counts_them(tmp_path, capsys, labels, said, classes):
    rows = "\n".join(f"{i % 5},{labels[i % 4]}" for i in range(40))
    data = _csv(tmp_path, "a,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", "--solver", "lbfgs", "--max-iter", "5"]) == 0
    out, err = capsys.readouterr()
    assert said in err and f"{classes} classes" in out
    if classes == 4:
        assert "on 4 classes" in err
    if "007" in labels and classes == 3:  # scoring a saved model reads 1.0 as its class 1
        pytest.importorskip("skops", reason="--save and --model need the skops extra")
        model = str(tmp_path / "m.skops")
        argv = ["--data", data, "--target", "y", "--solver", "lbfgs", "--max-iter", "5"]
        assert main([*argv, "--save", model]) == 0
        capsys.readouterr()
        assert main(["--model", model, "--data", data, "--target", "y"]) == 0
        out, err = capsys.readouterr()
        assert "accuracy" in out and "does not know" not in err
