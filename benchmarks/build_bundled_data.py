"""Rebuild the data files shipped in ``sklearn_attngen/datasets/data``.

Maintenance script, run by hand from the repository root::

    python benchmarks/build_bundled_data.py

It reads ``../shared/data`` (see ``_shared_data.py``) and writes, deterministically
(fixed seed, gzip without timestamps):

- ``splice_junction.csv.gz``: a byte-for-byte copy of
  ``uci_splice_junction/splice.csv.gz``.
- ``promoter.csv.gz``: GUE ``prom/prom_core_all``, the whole official test split
  plus a class-balanced random subsample of 8,000 official training rows (seed
  0), leaving out training rows whose sequence occurs in the official test
  split and repeated training sequences. Columns
  ``sequence,label,split,source_row``; ``source_row`` is the 0-based data row of
  the official file the row was taken from.
- ``jaspar2024_motifs.meme``: six JASPAR 2024 CORE matrices copied verbatim from
  ``jaspar2024/JASPAR2024_CORE_latest.meme``.
- ``yeast_promoters.csv.gz``: every row of
  ``yeast_promoters_vaishnav/random_defined_medium.csv.gz`` in file order, with a
  ``split`` column: a random 20 % (seed 0) is ``test``; and the source
  repository's MIT licence as ``LICENSE-MIT-vaishnav.txt``.
- ``jaspar2024_core_vertebrates.meme.gz`` and ``jaspar2024_core_vertebrates.tsv.gz``:
  the JASPAR 2024 CORE vertebrates non-redundant collection (the latest version of
  every vertebrate matrix, 879 matrices), MEME blocks copied verbatim, and their
  metadata rows (columns of ``JASPAR2024_CORE_metadata.tsv`` less ``is_latest_version``
  and ``tax_group``).
"""

import csv
import gzip
import io
import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared_data import load_shared, shared_data_dir

OUT = Path(__file__).resolve().parents[1] / "sklearn_attngen" / "datasets" / "data"
SEED = 0
N_TRAIN_PER_CLASS = 4000
MOTIF_IDS = ["MA0139.2", "MA0035.5", "MA0080.7", "MA0138.3", "MA0148.5", "MA0114.5"]


def _write_csv_gz(path, header, rows):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("ascii"))


def build_promoter():
    task = "gue/prom/prom_core_all"
    X_test, y_test = load_shared(task, "test")
    X_train, y_train = load_shared(task, "train")
    test_seqs = set(X_test)
    seen, keep = set(), []
    for i, seq in enumerate(X_train):
        if seq not in test_seqs and seq not in seen:
            keep.append(i)
        seen.add(seq)
    keep = np.array(keep)
    rng = np.random.default_rng(SEED)
    chosen = np.sort(
        np.concatenate(
            [rng.choice(keep[y_train[keep] == c], N_TRAIN_PER_CLASS, replace=False) for c in (0, 1)]
        )
    )
    rows = [(X_train[i], int(y_train[i]), "train", int(i)) for i in chosen]
    rows += [
        (seq, int(label), "test", i)
        for i, (seq, label) in enumerate(zip(X_test, y_test, strict=True))
    ]
    _write_csv_gz(OUT / "promoter.csv.gz", ["sequence", "label", "split", "source_row"], rows)
    n_dup_test = len(X_test) - len(test_seqs)
    print(
        f"promoter: train {len(chosen)} of {len(keep)} eligible ({len(X_train)} official), "
        f"test {len(X_test)} ({n_dup_test} repeated sequences within test)"
    )


def build_motifs():
    text = (shared_data_dir() / "jaspar2024" / "JASPAR2024_CORE_latest.meme").read_text()
    header, *blocks = text.split("\nMOTIF ")
    by_id = {block.split()[0]: block.rstrip("\n") for block in blocks}
    out = header.rstrip("\n") + "\n"
    for motif_id in MOTIF_IDS:
        out += "\nMOTIF " + by_id[motif_id] + "\n"
    (OUT / "jaspar2024_motifs.meme").write_text(out)
    print(f"motifs: {', '.join(MOTIF_IDS)}")


def build_yeast():
    source = shared_data_dir() / "yeast_promoters_vaishnav"
    with gzip.open(source / "random_defined_medium.csv.gz", "rt") as handle:
        rows = list(csv.DictReader(handle))
    test = np.zeros(len(rows), dtype=bool)
    test[np.random.default_rng(SEED).permutation(len(rows))[: len(rows) // 5]] = True
    _write_csv_gz(
        OUT / "yeast_promoters.csv.gz",
        ["sequence", "expression", "split"],
        [
            (row["sequence"], row["expression"], "test" if is_test else "train")
            for row, is_test in zip(rows, test, strict=True)
        ],
    )
    shutil.copyfile(source / "LICENSE.repo", OUT / "LICENSE-MIT-vaishnav.txt")
    print(f"yeast: {len(rows)} rows, {test.sum()} test")


def _write_gz(path, data):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(data)


def build_jaspar_vertebrates():
    root = shared_data_dir() / "jaspar2024"
    with open(root / "JASPAR2024_CORE_metadata.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    keep = [r for r in rows if r["tax_group"] == "vertebrates" and r["is_latest_version"] == "1"]
    ids = {r["matrix_id"] for r in keep}
    header, *blocks = (root / "JASPAR2024_CORE_latest.meme").read_text().split("\nMOTIF ")
    chosen = [block.rstrip("\n") for block in blocks if block.split()[0] in ids]
    if len(chosen) != len(ids):
        raise RuntimeError(f"{len(ids)} vertebrate matrices in the metadata, {len(chosen)} in MEME")
    text = header.rstrip("\n") + "\n" + "".join("\nMOTIF " + block + "\n" for block in chosen)
    name = "jaspar2024_core_vertebrates"
    _write_gz(OUT / f"{name}.meme.gz", text.encode("ascii"))
    columns = ["matrix_id", "name", "species", "class", "family", "type", "width", "n_sites"]
    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([r[c] for c in columns] for r in sorted(keep, key=lambda r: r["matrix_id"]))
    _write_gz(OUT / f"{name}.tsv.gz", text.getvalue().encode("utf-8"))
    print(f"jaspar vertebrates: {len(chosen)} matrices")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        shared_data_dir() / "uci_splice_junction" / "splice.csv.gz", OUT / "splice_junction.csv.gz"
    )
    build_promoter()
    build_motifs()
    build_yeast()
    build_jaspar_vertebrates()
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
