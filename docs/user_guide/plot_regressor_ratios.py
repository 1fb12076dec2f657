"""The regressor's benchmark ratios, drawn from benchmarks/RESULTS_regressor.md.

Run by matplotlib's plot directive when the documentation is built (working directory: docs/),
so that the chart always shows the recorded figures.
"""

import matplotlib.pyplot as plt
import numpy as np

RESULTS = "../benchmarks/RESULTS_regressor.md"


def tables(path):
    """The Markdown tables of ``path``, in order, each as a list of {column: cell} rows."""
    found, rows, header = [], None, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("|"):
            if rows:
                found.append(rows)
            rows, header = None, None
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if header is None:
            header, rows = cells, []
        elif not set(line) <= set("|-: "):
            rows.append(dict(zip(header, cells)))
    if rows:
        found.append(rows)
    return found


avx512, emulated = tables(RESULTS)[:2]
names = [f"{r['workload']}\n{r['dtype']}\n{r['solver']}" for r in avx512]
x = np.arange(len(names))
# text at 11 points: the chart is shown about 1,000 px wide on the Performance page
fig, ax = plt.subplots(figsize=(10, 4.8), layout="constrained")
for offset, rows, label in [
    (-0.2, avx512, "AVX-512 kind"),
    (0.2, emulated, "other kind, emulated"),
]:
    ax.bar(x + offset, [float(r["sklearn / ours"]) for r in rows], width=0.4, label=label)
ax.axhline(1.0, color="black", linewidth=0.8)
ax.set_xticks(x, names, fontsize=11)
ax.tick_params(axis="y", labelsize=11)
ax.set_ylabel("MLPRegressor time / ours", fontsize=11)
ax.set_title(
    "TanhMLPRegressor: speed-up per epoch over MLPRegressor(activation='tanh')", fontsize=13
)
fig.legend(loc="outside lower center", ncols=2, fontsize=11, frameon=False)
