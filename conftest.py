"""Collection rules for the whole repository (tests/ has its own fixtures).

The doctests of ``sklearn_attngen.motifs`` need its optional extra
(``pip install "sklearn-attngen[motifs]"``); without memelite or tangermeme
they are not collected. ``tests/test_motifs.py`` skips itself the same way.
"""

import importlib.util

collect_ignore_glob = []
if any(importlib.util.find_spec(name) is None for name in ("memelite", "tangermeme")):
    collect_ignore_glob.append("sklearn_attngen/motifs/*.py")
