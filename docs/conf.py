"""Sphinx configuration of sktanhnet's documentation.

Build from the repository's root, warnings as errors::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no internet: no intersphinx (its inventories are downloaded), and the equations
are rendered by a MathJax copied into the site (sphinx-mathjax-offline), so that the pages show
them offline too. Every gallery example runs during the build.
"""

import os
import subprocess
import sys
import warnings

# scikit-learn's array API dispatch (the gallery's PyTorch example) needs this before scipy is
# first imported, and every example runs in this one process
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import sktanhnet  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # gallery_order

project = "sktanhnet"
author = "the sktanhnet developers"
copyright = "2026, the sktanhnet developers"
release = sktanhnet.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "sg_execution_times.rst"]
root_doc = "index"
default_role = "literal"

# -- The command line's options, as the installed version prints them (user_guide/cli.rst) ---
_generated = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")
os.makedirs(_generated, exist_ok=True)
with open(os.path.join(_generated, "cli_help.txt"), "w", encoding="utf-8") as _help:
    _help.write(
        subprocess.run(
            [sys.executable, "-m", "sktanhnet", "--help"],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, COLUMNS="88"),  # the code column's width
        ).stdout
    )

# -- API reference: one page per public name, from the numpydoc docstrings -------------------
autosummary_generate = True
numpydoc_show_class_members = False  # the class template lists the methods itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc's validation of every docstring it renders (the public API): a failed check is a
# warning, and -W makes it an error. Left out: SA01 (See Also on every method), EX01 (an
# Examples section on every method: the classes and functions have one), ES01 (an extended
# summary on every method), RT02 (a name for each return value is numpydoc's own option).
numpydoc_validation_checks = {"all", "SA01", "EX01", "ES01", "RT02"}
numpydoc_validation_exclude = {
    # scikit-learn's own methods, inherited; their docstrings are scikit-learn's
    r"\.get_params$",
    r"\.set_params$",
    r"\.get_metadata_routing$",
    r"\.set_\w+_request$",
    r"\.__init__$",
    # module constants, documented by a comment (#:) rather than a docstring
    r"^sktanhnet\.onnx\.(REGRESSOR_)?ALIAS$",
}

# -- The gallery: examples/plot_*.py, run at every build ------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "ignore_pattern": r"__init__\.py",
    "doc_module": ("sktanhnet",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "gallery_order.ExampleOrder",
    # matplotlib's defaults before each example, then its text a size larger (gallery_style)
    "reset_modules": ("matplotlib", "gallery_style.larger_text"),
    "min_reported_time": 0,
    # no page of execution times: sphinx-gallery's loads its table script from a CDN
    "write_computation_times": False,
}
# the examples run headless
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    message="Matplotlib is currently using agg, which is a non-GUI backend",
    category=UserWarning,
)

# -- HTML -------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sktanhnet {release}"
html_static_path = ["_static"]
html_css_files = ["sktanhnet.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # the performance page's tables need the width of the right-hand sidebar
    "secondary_sidebar_items": {"**": ["page-toc", "sourcelink"], "user_guide/performance": []},
}
# pages without sections of their own to list in the left-hand sidebar
html_sidebars = {"getting_started": []}
html_show_sourcelink = True

# -- Charts drawn from the benchmarks' records (matplotlib's plot directive) ------------------
extensions.append("matplotlib.sphinxext.plot_directive")
plot_working_directory = os.path.dirname(os.path.abspath(__file__))
plot_formats = [("png", 144)]
plot_html_show_formats = False
plot_html_show_source_link = False
toc_object_entries_show_parents = "hide"
