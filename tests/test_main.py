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
