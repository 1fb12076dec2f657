"""The gallery's figures: their text a size larger than matplotlib's default.

At 1,400 px the article's column is about 800 px wide, and most of the gallery's figures are 10
to 12 inches wide (1,000 to 1,200 px at matplotlib's 100 dpi), so at matplotlib's 10 points their
tick labels would show at about 9 px. sphinx-gallery calls ``larger_text`` before each example,
after resetting matplotlib; it takes it by name (``"gallery_style.larger_text"`` in ``conf.py``),
so that the configuration stays picklable. The scripts themselves, as downloaded, are unchanged.
"""


def larger_text(gallery_conf, fname):
    """Draw the next example's figures with 12-point text (matplotlib's default: 10)."""
    import matplotlib

    matplotlib.rcParams["font.size"] = 12
