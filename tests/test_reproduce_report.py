"""Statistics of the reproduction report (benchmarks/_reproduce_report.py), on fabricated runs."""

import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, matthews_corrcoef, roc_auc_score

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _reproduce_report as report  # noqa: E402
import reproduce  # noqa: E402

N_TEST = 1000
Y_TEST = np.repeat(["neg", "pos"], N_TEST // 2)


def _run(model, seed, correct, dataset="gue/tf/0", mask_fraction=0.0, per_sequence=True):
    """An accuracy record whose scores follow from which test sequences it gets right."""
    rng = np.random.RandomState(1000 * seed + len(model))
    classes = np.array(["neg", "pos"])
    truth = (Y_TEST == "pos").astype(int)
    predicted = np.where(correct, truth, 1 - truth)
    # probability of "pos": on the predicted side of 0.5, farther when right
    confidence = np.where(correct, 0.3, 0.1) + 0.2 * rng.rand(N_TEST)
    p_pos = 0.5 + np.where(predicted == 1, confidence, -confidence)
    proba = np.column_stack([1 - p_pos, p_pos])
    record = dict(
        analysis="accuracy",
        dataset=dataset,
        model=model,
        seed=seed,
        mask_fraction=mask_fraction,
        n_train=100000,
        max_epochs=8,
        n_fit=98000,
        n_test=N_TEST,
        accuracy=accuracy_score(truth, predicted),
        mcc=matthews_corrcoef(truth, predicted),
        roc_auc=roc_auc_score(truth, p_pos),
        wall_seconds=1.0,
    )
    if per_sequence:
        record["per_sequence"] = report.pack_predictions(classes, Y_TEST, proba)
    if model == "attngen":  # the deletion test's fields, which the reading needs
        record.update(
            n_holdout=N_TEST,
            majority_rate=0.5,
            deletion_fractions=[0.0, 0.1, 0.2],
            deletion_accuracy=[record["accuracy"], 0.7, 0.6],
            random_deletion_accuracy=[record["accuracy"], 0.8, 0.75],
            deletion_auc=0.3,
            random_deletion_auc=0.35,
        )
    record["job_keys"] = sorted(k for k in record if k in reproduce._JOB_KEYS)
    return record


def _right(n_right, rng):
    correct = np.zeros(N_TEST, bool)
    correct[rng.choice(N_TEST, n_right, replace=False)] = True
    return correct


def _tf0_like(per_sequence=True):
    """AttnGen 81.4-81.9 % over 3 seeds against a 6-mer at 79.9 %, errors independent."""
    rng = np.random.RandomState(0)
    runs = [_run("kmer", 0, _right(799, rng), per_sequence=per_sequence)]
    runs += [
        _run("attngen", s, _right(n, rng), per_sequence=per_sequence)
        for s, n in enumerate((814, 817, 819))
    ]
    return runs


@pytest.mark.parametrize("n_classes", [2, 3])
def test_pack_predictions_round_trip(n_classes):
    rng = np.random.RandomState(n_classes)
    classes = np.array(["a", "b", "c"][:n_classes])
    y = rng.choice(classes, 200)
    proba = rng.dirichlet(np.ones(n_classes), size=200)
    packed = report.pack_predictions(classes, y, proba)
    unpacked = report.unpack_predictions({"per_sequence": packed})
    assert unpacked.classes == classes.tolist()
    np.testing.assert_array_equal(classes[unpacked.y_true], y)
    np.testing.assert_array_equal(unpacked.y_pred, proba.argmax(1))
    kept = proba[:, 1] if n_classes == 2 else proba
    np.testing.assert_allclose(unpacked.y_score, kept, atol=0.5 / report.PROBA_SCALE)
    # compact: a few characters per sequence, not a JSON list of floats
    # (a JSON list of rounded floats takes about 7 characters a value)
    assert sum(len(v) for v in packed.values() if isinstance(v, str)) < 200 * (3 * n_classes + 2)


def test_seed_test_alone_is_not_read_as_evidence():
    """The tf/0 case: p < 0.01 over seeds, but 1.8 points on 1,000 sequences is noise."""
    rec = report.Records(_tf0_like())
    c = rec.compare("gue/tf/0", ("attngen", 0.0), ("kmer", 0.0))
    assert c.accuracy.difference == pytest.approx(0.8167 - 0.799, abs=1e-4)
    assert c.accuracy.p_seeds < 0.01  # one-sample t-test over 3 seeds
    assert c.accuracy.p_sequences > 0.05  # paired bootstrap over the 1,000 sequences
    low, high = c.accuracy.ci
    assert low < 0 < high
    assert c.mcnemar > 0.05
    assert report._verdict(c.accuracy) == "not significant"
    table = "\n".join(report.accuracy_table(rec, ["gue/tf/0"], "accuracy"))
    assert "p AttnGen vs 6-mer: sequences / seeds" in table
    assert f"{report._p(c.accuracy.p_sequences)} / {report._p(c.accuracy.p_seeds)}" in table
    sequences = "\n".join(report.sequence_table(rec, ["gue/tf/0"]))
    assert "p bootstrap" in sequences and "p McNemar (largest)" in sequences
    assert "| not significant |" in sequences
    text = "\n".join(report.reading(rec, ["gue/tf/0"]))
    assert "not significantly different on 1 of 1 data sets: gue/tf/0" in text


def test_a_difference_in_both_tests_is_held():
    rng = np.random.RandomState(1)
    kmer = _right(700, rng)
    runs = [_run("kmer", 0, kmer)]
    for seed, extra in enumerate((120, 125, 130)):
        better = kmer.copy()  # right wherever the 6-mer is, and on more
        better[rng.choice(np.flatnonzero(~kmer), extra, replace=False)] = True
        runs.append(_run("attngen", seed, better))
    for seed, n_right in enumerate((690, 697, 701)):
        runs.append(_run("cnn", seed, _right(n_right, rng)))
    rec = report.Records(runs)
    for baseline in ("kmer", "cnn"):
        c = rec.compare("gue/tf/0", ("attngen", 0.0), (baseline, 0.0))
        assert c.accuracy.p_sequences < 0.01 and c.accuracy.p_seeds < 0.05
        assert report._verdict(c.accuracy) == "higher"
    assert rec.compare("gue/tf/0", ("attngen", 0.0), ("kmer", 0.0)).mcnemar < 1e-10
    text = "\n".join(report.reading(rec, ["gue/tf/0"]))
    assert "Held (p < 0.05 over test sequences and over seeds) on 1 of 1 data sets" in text
    assert "significantly more accurate on 1 of 1 data sets: gue/tf/0" in text


def test_runs_without_per_sequence_predictions_are_not_tested():
    rec = report.Records(_tf0_like(per_sequence=False))
    c = rec.compare("gue/tf/0", ("attngen", 0.0), ("kmer", 0.0))
    assert c.accuracy.p_sequences is None and c.accuracy.p_seeds < 0.01
    assert report._verdict(c.accuracy) == "not tested over sequences"
    assert rec.missing_sequences() == 4
    assert "| - / " in "\n".join(report.accuracy_table(rec, ["gue/tf/0"], "accuracy"))


def test_n_train_column_prints_the_rows_trained_on():
    run = _tf0_like()[1]
    assert report._n_fit(run) == "98,000"
    del run["n_fit"]
    assert report._n_fit(run) == "≤ 100,000 (not recorded)"


def test_fill_n_fit_uses_the_training_file_size():
    from sklearn_attngen.datasets import load_splice_junction

    n_rows = len(load_splice_junction(split="train", return_X_y=True)[0])
    old = dict(analysis="accuracy", dataset="bundled_splice", n_train=100000)
    capped = dict(old, n_train=100)
    reproduce.fill_n_fit([old, capped])
    assert old["n_fit"] == n_rows - n_rows // 10  # less the validation rows
    assert capped["n_fit"] == 100


def test_latest_record_of_a_run_wins_and_stale_runs_are_redone():
    old, new = _tf0_like(per_sequence=False)[1], _tf0_like()[1]
    new["accuracy"] = 0.5
    latest = reproduce.latest_records([old, new])
    assert latest == [new]
    assert not reproduce._is_complete(old)
    # AttnGen's deletion curves of 0.1 ranked the attention, not today's saliency
    assert not reproduce._is_complete(new)
    assert reproduce._is_complete(dict(new, deletion_map=reproduce.DELETION_MAP))
    assert reproduce._is_complete(_tf0_like()[0])  # the k-mer run has no saliency
    motif = {"analysis": "motif_overlap", "model": "attngen", "auroc attention": 0.8}
    assert not reproduce._is_complete(motif)
    assert reproduce._is_complete(dict(motif, **{"auroc abs saliency": 0.9}))


def test_write_report_states_the_rule_and_the_tuning(tmp_path):
    runs = _tf0_like()
    path = tmp_path / "report.md"
    cfg = dict(reproduce.MODES["full"], n_train=100000)
    report.write_report(runs, ["gue/tf/0"], cfg, path, command="test", results="x")
    text = path.read_text()
    assert "no test split was used for tuning" not in text
    assert "The test splits were not kept blind" in text
    assert "only where p < 0.05 both in the bootstrap over test sequences" in text
    assert "## AttnGen against the baselines over test sequences" in text
    assert "| gue/tf/0 | 98,000 | 1000 |" in text
