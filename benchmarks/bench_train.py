"""Training and inference throughput of AttnGen vs the Genomic Benchmarks CNN, and fit memory.

Part 1 runs, in this one process, on the same generated sequences:
AttnGenClassifier with mask_fraction 0 and 0.2 (masking from the first batch,
so every step pays for it) and CNNBaselineClassifier (GB CNN), each for
``--epochs`` epochs with default settings, then ``predict_proba`` over the same
data. It prints sequences per second and ratios against GB CNN and against
unmasked AttnGen.

Part 2 measures peak resident memory of ``fit`` on ``--memory-samples``
generated strings in a fresh child process (one epoch, a tiny network so the
run takes minutes: the memory of fit is the data pipeline's, since one batch
of activations is a few MB). It prints the RSS of the Python list of strings
alone and the peak RSS during fit.

    python benchmarks/bench_train.py                       # 75,000 x 200 nt, 1 epoch
    python benchmarks/bench_train.py --n-samples 20000     # quicker
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import torch

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier


def random_sequences(n_samples, length, seed=0, chunk=50_000):
    """Random ACGT strings and binary labels, generated in chunks of uint8 (small temporaries)."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    X = []
    for start in range(0, n_samples, chunk):
        rows = letters[rng.integers(0, 4, (min(chunk, n_samples - start), length), dtype=np.uint8)]
        X.extend(row.tobytes().decode() for row in rows)
    return X, rng.integers(0, 2, n_samples)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def throughput(args):
    X, y = random_sequences(args.n_samples, args.length)
    models = {
        "GB CNN (CNNBaselineClassifier)": CNNBaselineClassifier(
            max_epochs=args.epochs, random_state=0
        ),
        "AttnGen mask_fraction=0": AttnGenClassifier(max_epochs=args.epochs, random_state=0),
        "AttnGen mask_fraction=0.2": AttnGenClassifier(
            max_epochs=args.epochs, mask_fraction=0.2, mask_warmup=0, mask_ramp=0, random_state=0
        ),
    }
    rows = []
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X, y)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        model.predict_proba(X)
        predict_seconds = time.perf_counter() - start
        rows.append(
            (name, args.n_samples * args.epochs / fit_seconds, args.n_samples / predict_seconds)
        )
        print(
            f"  done: {name} (fit {fit_seconds:.0f} s, predict {predict_seconds:.0f} s)", flush=True
        )
    gb_train, gb_predict = rows[0][1], rows[0][2]
    attn_train = rows[1][1]
    print(
        f"\n{args.n_samples:,} x {args.length} nt, {args.epochs} epoch(s), "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    )
    columns = ["model", "train seq/s", "predict seq/s", "train vs GB CNN", "predict vs GB CNN"]
    print("| " + " | ".join([*columns, "train time vs unmasked"]) + " |")
    print("|---|---|---|---|---|---|")
    for name, train, predict in rows:
        print(
            f"| {name} | {train:,.0f} | {predict:,.0f} | {train / gb_train:.2f}x | "
            f"{predict / gb_predict:.2f}x | {attn_train / train:.2f}x |"
        )


def memory_child(n_samples, length):
    X, y = random_sequences(n_samples, length)
    data_mb = peak_rss_mb()
    AttnGenClassifier(
        n_filters=4,
        n_blocks=0,
        attention_size=4,
        n_heads=1,
        max_epochs=1,
        batch_size=512,
        random_state=0,
    ).fit(X, y)
    print(json.dumps({"data_mb": data_mb, "peak_mb": peak_rss_mb()}))


def memory(args):
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(args.memory_samples), str(args.length)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"\nPeak RSS of fit on {args.memory_samples:,} x {args.length}-nt strings (child process):"
    )
    print("| what | peak RSS |")
    print("|---|---|")
    print(f"| Python list of strings, before fit | {result['data_mb']:,.0f} MB |")
    print(f"| during fit (1 epoch) | {result['peak_mb']:,.0f} MB |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--memory-child":
        memory_child(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=75_000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--memory-samples", type=int, default=1_000_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    if not args.skip_throughput:
        throughput(args)
    if not args.skip_memory:
        memory(args)
