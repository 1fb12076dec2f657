"""The package's layout: every module small enough to read whole (at most 500 lines)."""

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sktanhnet"
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_is_found():
    assert len(MODULES) > 10


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_has_at_most_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 500, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by job"
