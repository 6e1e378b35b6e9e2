"""Markdown for the reports: table cells over recorded runs (see ``_runs.py``), and
generated blocks that one script owns inside a report another script writes."""

import re

import numpy as np

_BLOCK = re.compile(r"<!-- (\S+): start -->.*?<!-- \1: end -->", re.DOTALL)


def metric_cells(records, metrics, *, scale=1, digits=1):
    """The cells "mean ± sd" of each metric over ``records``, then the mean ``fit_s``.

    Returned joined, ending the row: ``"m1 ± s1 | m2 ± s2 | fit |"``. A single
    record gives its value alone (a sample sd needs two); fit seconds are rounded.
    """
    cells = []
    for metric in metrics:
        values = scale * np.array([r[metric] for r in records])
        sd = f" ± {values.std(ddof=1):.{digits}f}" if len(values) > 1 else ""
        cells.append(f"{values.mean():.{digits}f}{sd}")
    cells.append(f"{np.mean([r['fit_s'] for r in records]):.0f}")
    return " | ".join(cells) + " |"


def write_block(path, name, lines):
    """Put ``lines`` between ``name``'s start and end markers in ``path``.

    The block replaces the one already there, or is appended; the rest of the
    file is left as it is.
    """
    start, end = f"<!-- {name}: start -->", f"<!-- {name}: end -->"
    block = "\n".join([start, "", *lines, "", end])
    text = path.read_text() if path.exists() else ""
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def generated_blocks(path):
    """The blocks of ``path`` written by :func:`write_block`, to keep on rewriting it."""
    if not path.exists():
        return []
    return [match.group(0) for match in _BLOCK.finditer(path.read_text())]
