"""Time and peak memory of the out-of-core path as the data grows: 100k, 1M, 5M sequences.

For each size, a CSV of random 200-nt sequences with 0/1 labels is generated
(not timed), then three fresh child processes measure, one each:

1. ``encode_to_memmap(csv, folder)``: streaming the file into ``uint8`` codes;
2. ``predict_proba`` over every sequence of the resulting ``SequenceMemmap``
   (batches of ``--predict-batch``);
3. a streamed training epoch over the whole file (shuffled, so every batch is
   a random gather from the memory-mapped codes), stopped after
   ``--train-batches`` batches of ``--train-batch`` sequences.

The model is a tiny ``AttnGenClassifier`` (4 filters, no residual block, one
attention head), fitted beforehand on 2,048 sequences, so that the data path,
not the network, is what is timed; on this CPU the default network would
predict about 1,400 sequences/s, and 5M sequences would take an hour.

Memory: each child samples ``RssAnon`` (its private, anonymous resident memory)
from ``/proc/self/status`` every 20 ms and reports the peak of its phase over
its baseline after imports and fitting the tiny model (the training child: over
its baseline after opening the files; the phase includes mapping the labels to
class indices, as ``fit`` does), and also ``ru_maxrss``, the peak resident set, which
also counts pages of the memory-mapped file that the kernel keeps mapped (page
cache, reclaimed under memory pressure). As a peer, a child reads the same CSV
into a Python list with ``read_sequences`` and runs ``predict_proba`` on it,
for sizes up to ``--peer-max``.

    OMP_NUM_THREADS=1 python benchmarks/bench_scale.py                  # 100k, 1M, 5M
    OMP_NUM_THREADS=1 python benchmarks/bench_scale.py --sizes 100000   # quick
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np


def write_csv(path, n_samples, length, seed=0, chunk=50_000):
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    with open(path, "w") as handle:
        handle.write("sequence,label\n")
        for start in range(0, n_samples, chunk):
            size = min(chunk, n_samples - start)
            rows = letters[rng.integers(0, 4, (size, length), dtype=np.uint8)]
            labels = rng.integers(0, 2, size)
            lines = np.char.add(rows.view(f"S{length}")[:, 0], b",")
            lines = np.char.add(lines, labels.astype("S1"))
            handle.write(b"\n".join(lines).decode() + "\n")


class _AnonPeak:
    """Peak RssAnon (MB) of this process, sampled in a thread."""

    def __init__(self, interval=0.02):
        self.interval, self.peak, self._stop = interval, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now():
        try:
            with open("/proc/self/status") as handle:
                for line in handle:
                    if line.startswith("RssAnon:"):
                        return int(line.split()[1]) / 1024
        except OSError:  # not Linux
            pass
        return float("nan")

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            self._stop.wait(self.interval)

    def __enter__(self):
        self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode, csv_path, folder, args):
    import torch

    from sklearn_attngen import AttnGenClassifier
    from sklearn_attngen.datasets import SequenceMemmap, encode_to_memmap, read_sequences

    torch.set_num_threads(1)
    rng = np.random.default_rng(1)
    warm = ["".join(rng.choice(list("ACGT"), args.length)) for _ in range(2048)]
    tiny = {
        "n_filters": 4,
        "n_blocks": 0,
        "attention_size": 4,
        "n_heads": 1,
        "max_epochs": 1,
        "verbose": 0,
        "random_state": 0,
    }
    clf = AttnGenClassifier(**tiny, batch_size=args.predict_batch)
    clf.fit(warm, rng.integers(0, 2, 2048))
    clf.predict_proba(warm[:10])
    base = _AnonPeak.now()
    result = {"baseline_anon_mb": base}

    def phase(name, fn):
        start = time.perf_counter()
        with _AnonPeak() as peak:
            out = fn()
        result[f"{name}_s"] = time.perf_counter() - start
        result[f"{name}_anon_mb"] = peak.peak - base
        result[f"{name}_maxrss_mb"] = _maxrss_mb()
        return out

    if mode == "encode":
        data = phase("encode", lambda: encode_to_memmap(csv_path, folder, chunk_size=32768))
        result["n"] = len(data)
    elif mode == "predict":
        data = SequenceMemmap(folder)
        proba = phase("predict", lambda: clf.predict_proba(data))
        assert proba.shape == (len(data), 2)
    elif mode == "train":
        data = SequenceMemmap(folder)
        net = AttnGenClassifier(**tiny, batch_size=args.train_batch)
        net.fit(warm, rng.integers(0, 2, 2048))
        base = result["baseline_anon_mb"] = _AnonPeak.now()

        def train():
            y_index = np.searchsorted(net.classes_, data.target)  # as fit(data) does
            dataset = net._as_dataset(data.codes, data.lengths, y_index)
            for i, batch in enumerate(net.get_iterator(dataset, training=True)):
                net.train_step(batch)
                if i + 1 == args.train_batches:
                    break
            return i + 1

        result["train_batches"] = phase("train", train)
    else:
        X, _ = phase("read", lambda: read_sequences(csv_path, return_X_y=True))
        proba = phase("predict", lambda: clf.predict_proba(X))
        result["n"] = len(proba)
    print(json.dumps(result))


def run_child(mode, csv_path, folder, args):
    command = [sys.executable, __file__, "--child", mode, str(csv_path), str(folder)]
    for key in ("length", "predict_batch", "train_batch", "train_batches"):
        command += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(args):
    work = Path(tempfile.mkdtemp(prefix="bench_scale_", dir=args.tmp))
    rows = []
    try:
        for n in args.sizes:
            csv_path = work / f"seqs_{n}.csv"
            start = time.perf_counter()
            write_csv(csv_path, n, args.length)
            size_mb = csv_path.stat().st_size / 2**20
            print(f"  {n:,}: wrote {size_mb:,.0f} MB CSV in {time.perf_counter() - start:.0f} s")
            result = {}
            for mode in ("encode", "predict", "train"):  # each in a fresh process
                result.update(run_child(mode, csv_path, work / f"memmap_{n}", args))
            print(f"  {n:,} memmap: {json.dumps(result)}", flush=True)
            peer = None
            if n <= args.peer_max:
                peer = run_child("memory", csv_path, work / "unused", args)
                print(f"  {n:,} in-memory peer: {json.dumps(peer)}", flush=True)
            codes_mb = (work / f"memmap_{n}" / "codes.npy").stat().st_size / 2**20
            rows.append((n, size_mb, codes_mb, result, peer))
            shutil.rmtree(work / f"memmap_{n}")
            csv_path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\n{args.length}-nt random sequences; tiny AttnGenClassifier (4 filters, no residual "
        f"block); predict batch {args.predict_batch}; training: first {args.train_batches} "
        f"batches of {args.train_batch} of a shuffled epoch; python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )
    print(
        "| sequences | CSV MB | codes.npy MB | encode s | encode seq/s | encode peak private MB "
        "| predict_proba s | predict seq/s | predict peak private MB | train batches/s "
        "| train peak private MB | peak RSS incl. mapped file MB "
        "| in-memory peer: read + predict s | peer peak private MB |"
    )
    print("|" + "---:|" * 14)
    for n, size_mb, codes_mb, r, peer in rows:
        peer_cells = "| - | - |"
        if peer is not None:
            peer_cells = (
                f"| {peer['read_s'] + peer['predict_s']:,.1f} "
                f"| {max(peer['read_anon_mb'], peer['predict_anon_mb']):,.0f} |"
            )
        print(
            f"| {n:,} | {size_mb:,.0f} | {codes_mb:,.0f} | {r['encode_s']:,.1f} "
            f"| {n / r['encode_s']:,.0f} | {r['encode_anon_mb']:,.0f} | {r['predict_s']:,.1f} "
            f"| {n / r['predict_s']:,.0f} | {r['predict_anon_mb']:,.0f} "
            f"| {r['train_batches'] / r['train_s']:,.1f} | {r['train_anon_mb']:,.0f} "
            f"| {max(r['predict_maxrss_mb'], r['train_maxrss_mb']):,.0f} " + peer_cells
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--predict-batch", type=int, default=4096)
    parser.add_argument("--train-batch", type=int, default=512)
    parser.add_argument("--train-batches", type=int, default=200)
    parser.add_argument("--peer-max", type=int, default=1_000_000)
    parser.add_argument("--tmp", default=None, help="folder for the generated files")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CSV", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2], args)
    else:
        main(args)
