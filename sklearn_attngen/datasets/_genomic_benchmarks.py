"""Genomic Benchmarks (Gresova et al. 2023) through the genomic-benchmarks package."""

import os
import re
from numbers import Integral
from pathlib import Path

import numpy as np

from ..utils._docstring import fill_doc
from ..utils._param_validation import StrOptions, validate_params
from ._base import OUTPUT_PARAMETERS_DOC, SPLITS, _finish, _load_descr, _validate_alphabet

__all__ = ["list_genomic_benchmarks", "load_genomic_benchmark"]

_DIGITS = re.compile(r"(\d+)")


def _cloud_cache():
    """``{name: version}`` of the data sets genomic-benchmarks can download."""
    from genomic_benchmarks.loc2seq.cloud_caching import CLOUD_CACHE

    return {name: version for name, version in CLOUD_CACHE}


def list_genomic_benchmarks():
    """Names of the Genomic Benchmarks data sets, as listed by genomic-benchmarks.

    The list comes from the installed ``genomic-benchmarks`` package
    (``genomic_benchmarks.data_check.list_datasets``) and needs no network.

    Returns
    -------
    names : list of str
        Sorted data set names, each valid for :func:`load_genomic_benchmark`.

    See Also
    --------
    load_genomic_benchmark : Load one of them.

    Examples
    --------
    >>> from sklearn_attngen.datasets import list_genomic_benchmarks
    >>> names = list_genomic_benchmarks()
    >>> "demo_human_or_worm" in names
    True
    """
    from genomic_benchmarks.data_check import list_datasets

    return sorted(list_datasets())


def _default_data_home():
    from genomic_benchmarks.utils.paths import CACHE_PATH

    return Path(CACHE_PATH)


def _natural_key(name):
    """Sort key putting ``2.txt`` before ``10.txt``.

    ``re.split`` with a group alternates text (even places) and digits (odd
    places), so keys of two names always compare str with str and int with int.
    """
    return [int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(name))]


def _split_dirs(dataset_dir, split):
    return [dataset_dir / s for s in (("train", "test") if split == "all" else (split,))]


def _is_complete(dataset_dir, split):
    return all(d.is_dir() for d in _split_dirs(dataset_dir, split))


def _missing_error(name, dataset_dir, split, reason):
    return FileNotFoundError(
        f"Genomic Benchmarks data set {name!r} (split {split!r}) is not in {str(dataset_dir)!r} "
        f"and {reason}. To use it offline, download it on a machine with internet access, "
        'e.g. `python -c "from genomic_benchmarks.loc2seq import download_dataset; '
        f"download_dataset('{name}', version={_cloud_cache().get(name, 0)})\"` (it lands in "
        f"~/.genomic_benchmarks/{name}), and copy that folder to {str(dataset_dir)!r} so that "
        "it holds train/<class>/<id>.txt and test/<class>/<id>.txt, or pass the folder "
        "that holds it as data_home."
    )


def _download(name, version, data_home):
    """Download ``name`` into ``data_home`` with genomic-benchmarks."""
    from genomic_benchmarks.loc2seq import download_dataset

    data_home.mkdir(parents=True, exist_ok=True)
    download_dataset(name, version=version, dest_path=data_home)


def _read_split(split_dir):
    """Sequences, class names and ids of ``<split_dir>/<class>/<id>.txt``."""
    data, labels, ids, paths = [], [], [], []
    classes = sorted(entry.name for entry in os.scandir(split_dir) if entry.is_dir())
    for label in classes:
        entries = [
            entry
            for entry in os.scandir(os.path.join(split_dir, label))
            if entry.name.endswith(".txt") and entry.is_file()
        ]
        entries.sort(key=lambda entry: _natural_key(entry.name))
        for entry in entries:
            with open(entry.path, "rb") as handle:  # bytes: no text-layer overhead
                data.append(handle.read().strip().decode("ascii", errors="replace"))
        labels += [label] * len(entries)
        ids += [entry.name[: -len(".txt")] for entry in entries]
        paths += [entry.path for entry in entries]
    if not data:
        raise FileNotFoundError(
            f"{str(split_dir)!r} holds no <class>/<id>.txt sequence files; the download may "
            "have been interrupted. Delete the folder and load again."
        )
    _validate_alphabet(data, lambda i, pos: paths[i])
    return data, labels, ids


@validate_params(
    {
        "name": [str],
        "split": [StrOptions(set(SPLITS))],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "version": [Integral, None],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@fill_doc(output_parameters=OUTPUT_PARAMETERS_DOC)
def load_genomic_benchmark(
    name,
    split="train",
    *,
    data_home=None,
    download_if_missing=True,
    version=None,
    return_X_y=False,
    as_frame=False,
):
    """Load a Genomic Benchmarks data set, downloading it when needed.

    Genomic Benchmarks (Gresova et al., 2023) are DNA classification data sets
    (promoters, enhancers, open chromatin, species of origin...). The
    ``genomic-benchmarks`` package downloads them into a cache of one text file
    per sequence, ``<data_home>/<name>/{train,test}/<class>/<id>.txt``; this
    function reads that cache and returns the sequences unchanged.

    Parameters
    ----------
    name : str
        Data set name, one of :func:`list_genomic_benchmarks` (a folder of that
        name already in ``data_home`` is read as well).
    split : {"train", "test", "all"}, default="train"
        Which split to load; ``"all"`` is the training split followed by the
        test split.
    data_home : str or path-like, default=None
        Folder holding the data sets. None uses genomic-benchmarks' own cache,
        ``~/.genomic_benchmarks``, so data downloaded through either package is
        shared.
    download_if_missing : bool, default=True
        Download the data set with
        ``genomic_benchmarks.loc2seq.download_dataset`` when it is not in
        ``data_home``. If False, or if the download fails, raise
        :class:`FileNotFoundError`.
    version : int, default=None
        Data set version to download; None uses the version genomic-benchmarks
        lists for ``name``. The cache itself records no version: a data set
        already in ``data_home`` is read whatever its version.
    {output_parameters}

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With attributes

        data : list of str, or Series
            The sequences as stored (case unchanged): split by split (train
            first), class by class in the order of ``target_names``, files in
            natural order of their ids.
        target : ndarray of shape (n_samples,), or Series
            Class index into ``target_names``.
        target_names : ndarray of str
            The class folder names, sorted.
        ids : list of str
            File names without ``.txt`` (unique within a class).
        frame : DataFrame or None
            Only with ``as_frame=True``.
        DESCR : str
            Description of the data set and of the Genomic Benchmarks.
        filename : str
            The data set folder that was read.

    (data, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    ValueError
        If ``name`` is neither a known data set nor a folder in ``data_home``,
        or if a sequence file holds a character that is not a nucleotide.
    FileNotFoundError
        If the data set is not in ``data_home`` and cannot be downloaded
        (``download_if_missing=False``, no network, ...). The message names
        the folder that was searched and how to fill it by hand.

    See Also
    --------
    list_genomic_benchmarks : The names that can be loaded.

    Examples
    --------
    >>> from sklearn_attngen.datasets import load_genomic_benchmark
    >>> X, y = load_genomic_benchmark(
    ...     "demo_human_or_worm", split="train", return_X_y=True
    ... )  # doctest: +SKIP
    >>> len(X), len(X[0]), float(y.mean())  # doctest: +SKIP
    (75000, 200, 0.5)
    """
    if not name:
        raise ValueError("name must be a non-empty str, e.g. 'demo_human_or_worm'.")
    data_home = _default_data_home() if data_home is None else Path(data_home).expanduser()
    dataset_dir = data_home / name

    if not _is_complete(dataset_dir, split):
        known = _cloud_cache()
        if name not in known:
            raise ValueError(
                f"Unknown Genomic Benchmarks data set {name!r} (and no folder "
                f"{str(dataset_dir)!r}); known: {', '.join(list_genomic_benchmarks())}."
            )
        if not download_if_missing:
            raise _missing_error(name, dataset_dir, split, "download_if_missing=False")
        try:
            _download(name, known[name] if version is None else version, data_home)
        except Exception as exc:  # any failure (offline, disk, server) gets one clear error
            reason = f"downloading it failed ({type(exc).__name__}: {exc})"
            raise _missing_error(name, dataset_dir, split, reason) from exc
        if not _is_complete(dataset_dir, split):
            raise _missing_error(
                name, dataset_dir, split, "the download did not create the expected folders"
            )

    data, labels, ids = [], [], []
    for split_dir in _split_dirs(dataset_dir, split):
        split_data, split_labels, split_ids = _read_split(split_dir)
        data += split_data
        labels += split_labels
        ids += split_ids
    target_names, target = np.unique(np.asarray(labels), return_inverse=True)
    counts = ", ".join(
        f"{c}: {n:,}" for c, n in zip(target_names, np.bincount(target), strict=True)
    )
    descr = _load_descr("genomic_benchmarks.rst").format(
        name=name,
        split=split,
        n_samples=f"{len(data):,}",
        counts=counts,
        lengths=_length_summary(data),
        folder=dataset_dir,
    )
    return _finish(
        data,
        target.astype(np.int64),
        return_X_y=return_X_y,
        as_frame=as_frame,
        target_names=target_names,
        ids=ids,
        DESCR=descr,
        filename=str(dataset_dir),
    )


def _length_summary(data):
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    if lengths.min() == lengths.max():
        return f"{lengths[0]} nt"
    return f"{lengths.min()}-{lengths.max()} nt (median {np.median(lengths):g})"
