"""Collection rules for the whole repository (tests/ has its own fixtures).

The doctests of ``sklearn_attngen.motifs`` need its optional extra
(``pip install "sklearn-attngen[motifs]"``); without memelite or tangermeme
they are not collected. ``tests/test_motifs.py`` skips itself the same way.

Everything that runs memelite's numba kernels shares one pytest-xdist group,
so that with ``-n auto --dist loadgroup`` (the README's test command) a fresh
environment compiles them in one worker, not in each (about 100 s a worker).
"""

import importlib.util
from pathlib import Path

import pytest

MOTIF_TESTS = {"test_motifs.py"}
MOTIF_PACKAGE = Path(__file__).parent / "sklearn_attngen" / "motifs"

collect_ignore_glob = []
if any(importlib.util.find_spec(name) is None for name in ("memelite", "tangermeme")):
    collect_ignore_glob.append("sklearn_attngen/motifs/*.py")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in MOTIF_TESTS or item.path.parent == MOTIF_PACKAGE:
            item.add_marker(pytest.mark.xdist_group("motifs"))
