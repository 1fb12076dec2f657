"""The command line, the plots of --plot (sktanhnet/_cli/report.py)."""

import io

import pytest

from sktanhnet.__main__ import main


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


def _saved_figures(monkeypatch):
    """The figures the command line saves to the --plot file, kept for the test instead of
    written (not its trial of the format before training, into memory)."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    figures = []
    trial = Figure.savefig

    def savefig(figure, target, *args, **kwargs):
        if isinstance(target, io.BytesIO):
            return trial(figure, target, *args, **kwargs)
        figures.append(figure)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return figures


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    assert main(["--quiet", "--max-iter", "5", "--hidden", "10", "--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
