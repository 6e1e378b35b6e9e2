"""The strand test's answer against the number of epochs it trains, and its seed.

``AttnGenClassifier``'s strand test (the ``"auto"`` defaults, ``strand_symmetric_``)
trains 4 epochs, or ``max_epochs`` where that is fewer. This runs the test alone
for each of ``--epochs`` and ``--seeds`` on the bundled data, planted motifs and the
shared-data tasks named on the command line, and prints its answer with the relative
change of the held-out log loss when the two strands are averaged (strand-symmetric
below +2 %).

    python benchmarks/bench_strand_test.py gue/mouse/2 gue/tf/0 gue/prom/prom_300_tata
    python benchmarks/bench_strand_test.py --epochs 4 --seeds 1,2,3,4 gue/tf/1
"""

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tf_accuracy import splits

from sklearn_attngen import AttnGenClassifier
from sklearn_attngen.datasets import load_promoter, load_splice_junction, make_motif_sequences

losses = []
_loss = AttnGenClassifier._held_out_loss


def _recorded_loss(output, y):
    loss = _loss(output, y)
    losses.append(float(loss))
    return loss


AttnGenClassifier._held_out_loss = staticmethod(_recorded_loss)


def strand_test(X, y, epochs, seed):
    """The test's answer and averaging's relative change of the held-out loss."""
    est = AttnGenClassifier(max_epochs=epochs, random_state=seed, verbose=0)
    est._check_params()
    codes, lengths = est._validate_sequences(X, reset=True)
    targets = est._training_targets(est._check_targets(y, len(lengths), reset=True))
    est.n_positions_ = int(codes.shape[1])
    del losses[:]
    answer = est._test_strands(codes, lengths, targets)
    return answer, losses[1] / losses[0] - 1  # forward strand first, then averaged


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tasks", nargs="*", help="shared-data tasks, e.g. gue/tf/0")
    parser.add_argument("--epochs", default="3,5,8", help="comma-separated epoch counts")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    args = parser.parse_args()
    planted = make_motif_sequences(3000, 100, n_distractors=1, random_state=0)[:2]
    data = {
        "bundled promoters": load_promoter(split="train", return_X_y=True),
        "bundled splice junctions": load_splice_junction(split="train", return_X_y=True),
        "planted motifs (3,000)": planted,
    }
    for task in args.tasks:
        data[task] = splits(task)[:2]
    for name, (X, y) in data.items():
        for epochs, seed in itertools.product(_ints(args.epochs), _ints(args.seeds)):
            start = time.perf_counter()
            symmetric, change = strand_test(X, y, epochs, seed)
            record = {"data": name, "epochs": epochs, "seed": seed, "symmetric": symmetric}
            record |= {"loss_change": round(change, 4), "s": round(time.perf_counter() - start)}
            print(json.dumps(record), flush=True)


def _ints(text):
    return [int(value) for value in text.split(",")]


if __name__ == "__main__":
    main()
