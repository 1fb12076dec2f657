"""Deselect, by name, the tests that a test module lists in its ``DESELECTED`` dict.

A name is a test function's (every case of it) or one case's (``test_x[param]``). Names that
match nothing are ignored: a module can list tests that only some scikit-learn versions have.
"""


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        names = getattr(getattr(item, "module", None), "DESELECTED", {})
        if item.name in names or getattr(item, "originalname", None) in names:
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
