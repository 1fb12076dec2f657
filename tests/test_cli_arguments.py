"""The command line: its options, their help and what goes together (_cli/arguments.py)."""

import os
import re
import subprocess
import sys

import pytest

from sktanhnet.__main__ import main


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


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hidden", "10,x"], "--hidden must be comma-separated positive integers, got '10,x'"),
        (["--hidden", "10,,5"], "--hidden must be comma-separated positive integers, got '10,,5'"),
        (["--batch-size", "0"], "--batch-size must be 'auto' or >= 1, got '0'"),
        (["--solver", "newton"], "argument --solver: invalid choice: 'newton'"),
    ],
)
def test_bad_option_values_exit_2_naming_the_option(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


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
        (["--save", ""], "--save needs a file name; got an empty one"),
        (["--plot", " "], "--plot needs a file name; got an empty one"),
        (["--model", "", "--data", "d.csv"], "--model needs a file name; got an empty one"),
        (["--data", "", "--target", "y"], "--data needs a file name; got an empty one"),
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
    "--loss": "poisson",
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
    assert set(blocks) == {
        *TRAINING_OPTION_VALUES,
        "--data",
        "--target",
        "--model",
        "--output",
        "--quiet",
    }
    for option, block in blocks.items():
        assert "(default: " in block, option
    assert "--solver {adam,sgd,lbfgs} the optimizer (default: adam)" in blocks["--solver"]
    assert "(default: 200)" in blocks["--max-iter"] and "(default: 0)" in blocks["--random-state"]


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


def test_an_output_that_is_an_input_under_another_name_is_refused(tmp_path, capsys):
    data = _csv(tmp_path, "a,label\n1,x\n2,y\n")
    link = tmp_path / "hard.csv"
    os.link(data, link)
    assert main(["--data", data, "--target", "label", "--save", str(link)]) == 2
    assert "name the same file" in capsys.readouterr().err


def test_an_unwritable_output_is_refused_before_training_and_leaves_nothing(
    tmp_path, capsys, monkeypatch
):
    # once found only after the whole training, the model then lost
    from sktanhnet._cli import training

    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc, where no file can be made")

    def never(*args, **kwargs):
        raise AssertionError("trained before the output was checked")

    monkeypatch.setattr(training, "train", never)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("a,y\n1,x\n2,z\n3,x\n4,z\n")
    assert main(["--data", "d.csv", "--target", "y", "--save", "/proc/m.skops"]) == 2
    assert capsys.readouterr().err.startswith("error: cannot write /proc/m.skops")
    # a writable one is checked by making it, then removing it: training is reached, and no
    # file is left behind
    with pytest.raises(AssertionError, match="trained before"):
        main(["--data", "d.csv", "--target", "y", "--save", "m.skops"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]
