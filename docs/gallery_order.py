"""The order of the gallery's examples: first steps first, then features, speed, integrations.

sphinx-gallery takes it by name (``"gallery_order.ExampleOrder"`` in ``conf.py``), so that the
configuration stays picklable. An example not listed here comes last, by file name.
"""

ORDER = [
    "plot_first_classification.py",
    "plot_early_stopping.py",
    "plot_class_weight.py",
    "plot_grid_search.py",
    "plot_calibration.py",
    "plot_multilabel.py",
    "plot_partial_fit.py",
    "plot_regression.py",
    "plot_speed.py",
    "plot_onnx.py",
    "plot_array_api_torch.py",
    "plot_dask_cluster.py",
]


class ExampleOrder:
    """Sort key of sphinx-gallery's ``within_subsection_order``: the place in ``ORDER``."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        return (ORDER.index(filename) if filename in ORDER else len(ORDER), filename)

    def __repr__(self):
        return "ExampleOrder"
