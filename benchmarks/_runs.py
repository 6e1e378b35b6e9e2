"""A resumable record of benchmark runs: one JSON object per line, keyed by its settings.

Benchmarks that fit many models append each finished run to
``benchmarks/results/<name>.jsonl`` (not committed); a rerun skips the runs
already recorded, so an interrupted benchmark resumes where it stopped.
"""

import json
import os
import platform
from pathlib import Path

import torch

RESULTS = Path(__file__).resolve().parent / "results"


class Runs:
    """Recorded runs of one benchmark."""

    def __init__(self, name):
        self.path = RESULTS / f"{name}.jsonl"
        self.records = []
        if self.path.exists():
            self.records = [json.loads(line) for line in self.path.read_text().splitlines()]

    def find(self, **key):
        for record in self.records:
            if all(record.get(k) == v for k, v in key.items()):
                return record
        return None

    def run(self, compute, **key):
        """The record of ``key``; computed by ``compute()`` (a dict) and appended if new."""
        record = self.find(**key)
        if record is None:
            record = {**key, **compute(), "load": os.getloadavg()[0]}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as handle:
                handle.write(json.dumps(record) + "\n")
            self.records.append(record)
            print(json.dumps({k: v for k, v in record.items() if not isinstance(v, list)}))
        return record


def machine():
    """One line naming the machine, torch and the load, for the head of a report."""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), load average {os.getloadavg()[0]:.1f} at report"
    )
