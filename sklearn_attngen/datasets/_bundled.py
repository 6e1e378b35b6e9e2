"""Loaders for the small real data sets shipped inside the package."""

import numpy as np

from ..utils._docstring import fill_doc
from ..utils._param_validation import StrOptions, validate_params
from ._base import OUTPUT_PARAMETERS_DOC, SPLITS, _finish, _load_descr, _read_bundled_csv

__all__ = ["load_promoter", "load_splice_junction", "load_yeast_promoters"]

_RETURNS_DOC = """\
Returns
-------
data : :class:`~sklearn.utils.Bunch`
    With attributes

    data : list of str, or Series
        Upper-case sequences.
    target : ndarray of shape (n_samples,), or Series
        The target in the table above: the int64 class index into
        ``target_names``, or the float64 value of a regression data set.
    target_names : ndarray of str
        Class names in the order of their index (classification only).
    frame : DataFrame or None
        Only with ``as_frame=True``.
    DESCR : str
        Description of the data: source, licence, how the rows were chosen
        and split, known quirks.
    filename : str
        Name of the data file inside ``data_module``.

(data, target) : tuple
    If ``return_X_y`` is True."""
_validate = validate_params(
    {"split": [StrOptions(set(SPLITS))], "return_X_y": ["boolean"], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
_fill_doc = fill_doc(output_parameters=OUTPUT_PARAMETERS_DOC, returns=_RETURNS_DOC)


def _bundled_loader(load):
    """Decorator of the three loaders: their one signature's checks and shared doc text."""
    return _validate(_fill_doc(load))


def _load(csv_name, descr_name, split, return_X_y, as_frame, target_names=None):
    rows = _read_bundled_csv(csv_name, split)
    data = [row["sequence"] for row in rows]
    labels = [row["label"] for row in rows]
    if target_names is None:  # string labels: classes are the sorted label values
        target_names = np.unique(labels)
        target = np.searchsorted(target_names, labels).astype(np.int64)
    else:  # integer labels indexing target_names
        target = np.array(labels, dtype=np.int64)
    return _finish(
        data,
        target,
        return_X_y=return_X_y,
        as_frame=as_frame,
        target_names=np.asarray(target_names),
        DESCR=_load_descr(descr_name),
        filename=csv_name,
        data_module="sklearn_attngen.datasets.data",
    )


@_bundled_loader
def load_splice_junction(*, split="train", return_X_y=False, as_frame=False):
    """Load the UCI primate splice-junction data set (3-class classification).

    60-nt windows of primate genes centred on an exon/intron boundary (``EI``,
    donor site), an intron/exon boundary (``IE``, acceptor site), or neither
    (``N``). Real data, CC BY 4.0; see ``DESCR`` for the source and quirks
    (ambiguity codes, duplicates across splits).

    =================   =====================================
    Classes             3 (``EI``, ``IE``, ``N``)
    Samples             2,420 train / 770 test (3,190 in all)
    Sequence length     60
    Alphabet            A, C, G, T; 15 sequences with N, D, R, S
    =================   =====================================

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which rows to load; ``"all"`` is the training rows followed by the
        test rows. The split is a deterministic one stored in the
        file (there is no official split).
    {output_parameters}

    {returns}

    See Also
    --------
    load_promoter : Core promoter detection (GUE, 70 nt).

    Examples
    --------
    >>> from sklearn_attngen.datasets import load_splice_junction
    >>> bunch = load_splice_junction()
    >>> len(bunch.data), len(bunch.data[0]), bunch.target_names.tolist()
    (2420, 60, ['EI', 'IE', 'N'])
    >>> X_test, y_test = load_splice_junction(split="test", return_X_y=True)
    >>> len(X_test)
    770
    """
    return _load("splice_junction.csv.gz", "splice_junction.rst", split, return_X_y, as_frame)


@_bundled_loader
def load_promoter(*, split="train", return_X_y=False, as_frame=False):
    """Load a subsample of the GUE core-promoter detection task (binary).

    70-nt human sequences around a transcription start site (promoter, label
    1) or not (label 0), from the GUE benchmark task ``prom_core_all``
    (DNABERT-2), Apache-2.0. The test split is the complete official test
    split, so scores compare with published ones; the training split is a
    class-balanced random subsample of the official one, small enough to fit a
    model on a laptop CPU in about a minute. See ``DESCR``.

    =================   =====================================
    Classes             2 (0 = non-promoter, 1 = promoter)
    Samples             8,000 train / 5,920 test
    Sequence length     70
    Alphabet            A, C, G, T (upper case)
    =================   =====================================

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which rows to load; ``"all"`` is the training rows followed by the
        test rows.
    {output_parameters}

    {returns}

    See Also
    --------
    load_splice_junction : Splice-junction classification (UCI, 60 nt).

    Examples
    --------
    >>> from sklearn_attngen.datasets import load_promoter
    >>> X, y = load_promoter(return_X_y=True)
    >>> len(X), len(X[0]), float(y.mean())
    (8000, 70, 0.5)
    >>> load_promoter(split="test", as_frame=True).frame.shape
    (5920, 2)
    """
    return _load(
        "promoter.csv.gz",
        "promoter.rst",
        split,
        return_X_y,
        as_frame,
        target_names=["non-promoter", "promoter"],
    )


@_bundled_loader
def load_yeast_promoters(*, split="train", return_X_y=False, as_frame=False):
    """Load yeast promoter expression measurements (regression).

    Random 80-nt promoter sequences in fixed flanks (110 nt in all), measured
    in *S. cerevisiae* grown in defined medium (SD-Ura) by sort-seq: the
    target is the mean fluorescence bin, a real number of about 0 to 17
    (Vaishnav et al., Nature 2022; MIT licence). See ``DESCR``.

    =================   =====================================
    Target              expression, float (mean 9.3, sd 3.0)
    Samples             4,232 train / 1,057 test
    Sequence length     110
    Alphabet            A, C, G, T (upper case)
    =================   =====================================

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which rows to load; the test rows are a random 20 % (seed 0), stored
        in the file. ``"all"`` is the training rows followed by the test rows.
    {output_parameters}

    {returns}

    See Also
    --------
    sklearn_attngen.AttnGenRegressor : A regressor for such data.

    Examples
    --------
    >>> from sklearn_attngen.datasets import load_yeast_promoters
    >>> X, y = load_yeast_promoters(return_X_y=True)
    >>> len(X), len(X[0]), y.dtype
    (4232, 110, dtype('float64'))
    """
    rows = _read_bundled_csv("yeast_promoters.csv.gz", split)
    return _finish(
        [row["sequence"] for row in rows],
        np.array([float(row["expression"]) for row in rows]),
        return_X_y=return_X_y,
        as_frame=as_frame,
        DESCR=_load_descr("yeast_promoters.rst"),
        filename="yeast_promoters.csv.gz",
        data_module="sklearn_attngen.datasets.data",
    )
