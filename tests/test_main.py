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
