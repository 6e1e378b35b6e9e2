"""Markdown table cells summarising the recorded runs of one setting (see ``_runs.py``)."""

import numpy as np


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
