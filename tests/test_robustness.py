"""Robustness: bad input at every public entry point, the caller's data left alone,
training faults, persistence and determinism.

Each parametrised test of the first part is one row of the bad-input table in
``docs/user_guide/robustness.rst``; its parameters are the entry points the row
applies to. Models are tiny (4 filters, 1-2 epochs, a few dozen 20-nt sequences)
and fitted once per module; a bad input fails before any training.
"""

import copy
import gzip
import io
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback, Checkpoint, LoadInitState

import sklearn_attngen
from sklearn_attngen import (
    AttnGenClassifier,
    CNNBaselineClassifier,
    KmerEncoder,
    SequenceEncoder,
)
from sklearn_attngen import _base as classifier_module
from sklearn_attngen.callbacks import ProgressiveMasking
from sklearn_attngen.datasets import (
    load_genomic_benchmark,
    make_motif_sequences,
    read_fasta,
    read_sequences,
)
from sklearn_attngen.evaluation import (
    compare_estimators,
    deletion_curve,
    insertion_curve,
    motif_overlap,
    randomization_sanity_check,
    remove_and_retrain,
)
from sklearn_attngen.exceptions import InconsistentVersionWarning, NonFiniteLossError
from sklearn_attngen.interpret import attribute
from sklearn_attngen.preprocessing import (
    codes_to_one_hot,
    decode_sequences,
    encode_sequences,
    one_hot_to_codes,
    reverse_complement,
)

ATTNGEN = dict(
    n_filters=4, n_blocks=1, attention_size=4, n_heads=1, max_epochs=1, batch_size=8, verbose=0
)
CNN = dict(embedding_dim=4, max_epochs=1, batch_size=8, verbose=0)
N, LENGTH = 24, 20


def _dna(n=N, length=LENGTH, seed=0):
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]


X_TRAIN = _dna()
Y_TRAIN = np.array([0, 1] * (N // 2))


def attngen(**params):
    return AttnGenClassifier(**{**ATTNGEN, "random_state": 0, **params})


def cnn(**params):
    return CNNBaselineClassifier(**{**CNN, "random_state": 0, **params})


@pytest.fixture(scope="module")
def fitted():
    """Fitted estimators, shared by the bad-input tests (which must not change them)."""
    return {
        "attngen": attngen().fit(X_TRAIN, Y_TRAIN),
        "cnn": cnn().fit(X_TRAIN, Y_TRAIN),
        "kmer": KmerEncoder(k=2).fit(X_TRAIN),
        "onehot": SequenceEncoder().fit(X_TRAIN),
    }


def _scores_for(X):
    """Zero scores of the shape of X's codes, for input that encodes; any shape otherwise."""
    try:
        return np.zeros(encode_sequences(X)[0].shape)
    except (TypeError, ValueError):
        return np.zeros((2, 2))


def _labels(X):
    """Valid labels, one per element of X (2 when X has no length)."""
    try:
        n = len(X)
    except TypeError:
        n = 2
    return np.array([0, 1] * (n // 2 + 1))[:n]


# --------------------------------------------------------------------------------------
# 1. Bad sequences: every entry point that takes DNA
# --------------------------------------------------------------------------------------


def _classifier_entry_points(name, make, key):
    """The entry points every classifier has: make() builds one, fitted[key] is a fitted one."""
    return {
        f"{name}.fit": lambda f, X: make().fit(X, _labels(X)),
        f"{name}.partial_fit": lambda f, X: make().partial_fit(X, _labels(X)),
        f"{name}.predict": lambda f, X: f[key].predict(X),
        f"{name}.predict_proba": lambda f, X: f[key].predict_proba(X),
        f"{name}.score": lambda f, X: f[key].score(X, _labels(X)),
    }


# name -> function(fitted, X): one call of a public entry point on X
SEQUENCE_ENTRY_POINTS = {
    "encode_sequences": lambda f, X: encode_sequences(X),
    "decode_sequences": lambda f, X: decode_sequences(X),
    "codes_to_one_hot": lambda f, X: codes_to_one_hot(X),
    "reverse_complement": lambda f, X: reverse_complement(X),
    "KmerEncoder.fit": lambda f, X: KmerEncoder(k=2).fit(X),
    "KmerEncoder.transform": lambda f, X: f["kmer"].transform(X),
    "SequenceEncoder.fit": lambda f, X: SequenceEncoder().fit(X),
    "SequenceEncoder.transform": lambda f, X: f["onehot"].transform(X),
    **_classifier_entry_points("AttnGenClassifier", attngen, "attngen"),
    "AttnGenClassifier.saliency": lambda f, X: f["attngen"].saliency(X),
    **_classifier_entry_points("CNNBaselineClassifier", cnn, "cnn"),
    "attribute(attention)": lambda f, X: attribute(f["attngen"], X),
    "attribute(input_x_gradient)": lambda f, X: attribute(f["cnn"], X, "input_x_gradient"),
    "attribute(ism)": lambda f, X: attribute(f["attngen"], X, "ism"),
    "deletion_curve": lambda f, X: deletion_curve(
        f["attngen"], X, _labels(X), _scores_for(X), n_random=1
    ),
    "insertion_curve": lambda f, X: insertion_curve(
        f["attngen"], X, _labels(X), _scores_for(X), n_random=1
    ),
    "remove_and_retrain": lambda f, X: remove_and_retrain(
        attngen(), X, _labels(X), X_TRAIN, Y_TRAIN, np.zeros((2, 2)), np.zeros((N, LENGTH))
    ),
    "randomization_sanity_check": lambda f, X: randomization_sanity_check(f["attngen"], X),
    "compare_estimators": lambda f, X: compare_estimators(
        {"attngen": attngen()}, X_TRAIN, Y_TRAIN, X, _labels(X), n_seeds=1
    ),
}
FITTED_ONLY = [
    name
    for name in SEQUENCE_ENTRY_POINTS
    if name.split(".")[-1] in ("transform", "predict", "predict_proba", "score", "saliency")
    or name.startswith(("attribute", "deletion", "insertion", "randomization"))
]


def _one_hot(n=2, length=LENGTH):
    return codes_to_one_hot(encode_sequences(_dna(n, length, seed=1))[0])


def _with(array, index, value):
    array = array.copy()
    array[index] = value
    return array


# row id -> (bad X, exception type, message regex); an index in brackets is the first
# offending sequence (and position), whatever the argument is called ("X", "codes", "X_train")
BAD_SEQUENCES = {
    "non-dna-character": (["ACGT", "ACXT"], ValueError, r"\[1\]: invalid character 'X' at"),
    "empty-sequence": (["ACGT", ""], ValueError, r"\[1\]: empty sequence"),
    "empty-X": ([], ValueError, r"is empty: at least one sequence"),
    "empty-array": (np.zeros((0, LENGTH), np.uint8), ValueError, r"is empty"),
    "nan-in-one-hot": (
        _with(_one_hot(), (1, 3, 0), np.nan),
        ValueError,
        r"\[1, 3\] = \[nan, .*contains NaN or infinity",
    ),
    "inf-in-one-hot": (
        _with(_one_hot(), (0, 2, 1), np.inf),
        ValueError,
        r"\[0, 2\] = .*inf.*contains NaN or infinity",
    ),
    "one-hot-wrong-channels": (np.zeros((2, LENGTH, 5)), ValueError, r"with 5 channels"),
    "one-hot-row-not-one-hot": (
        _with(_one_hot(), (1, 4), [1, 1, 0, 0]),
        ValueError,
        r"\[1, 4\] = \[1.0, 1.0, 0.0, 0.0\] is not a one-hot row",
    ),
    "codes-out-of-range": (
        _with(encode_sequences(_dna(2))[0], (1, 4), 9),
        ValueError,
        r"value 9; codes are 0..4 .* First at \w+\[1, 4\]",
    ),
    "2-d-numeric-array": (
        np.random.default_rng(0).random((2, LENGTH)),
        ValueError,
        r"2-D float64 array .* Tabular numeric features are not DNA",
    ),
    "none-in-list": (["ACGT", None], TypeError, r"\[1\] is NoneType \(None\), not str"),
    "number-in-list": (["ACGT", 7], TypeError, r"\[1\] is int \(7\), not str"),
    "bytes-in-list": (["ACGT", b"ACGT"], TypeError, r"\[1\] is bytes \(b'ACGT'\), not str"),
    "bytes-array": (np.array([b"ACGT", b"TTGA"]), TypeError, r"holds bytes; decode it"),
    "series-missing-value": (
        pd.Series(["ACGT", "TTGA", None]),
        ValueError,
        r"missing value at index 2",
    ),
    "series-pd-NA": (
        pd.Series(["ACGT", pd.NA], dtype="string"),
        ValueError,
        r"missing value at index 1",
    ),
    "dataframe-missing-value": (
        pd.DataFrame({"sequence": [None, "ACGT"]}),
        ValueError,
        r"missing value at index 0",
    ),
    "dataframe-two-columns": (
        pd.DataFrame({"sequence": ["ACGT"], "label": ["a"]}),
        ValueError,
        r"DataFrame with 2 columns",
    ),
    "single-string": ("ACGT", TypeError, r"is a single str; pass a list of sequences"),
    "none": (None, TypeError, r"is None"),
    "not-a-collection": (42, TypeError, r"of type int is not a collection of sequences"),
    "nested-characters": (
        [["A", "C"], ["G", "T"]],
        ValueError,
        r"holds strings but has shape \(2, 2\)",
    ),
}
# reverse_complement takes one str as one sequence, by design
NOT_APPLICABLE = {("single-string", "reverse_complement")}


@pytest.mark.parametrize(
    ("case", "entry"),
    [
        (case, entry)
        for case in BAD_SEQUENCES
        for entry in SEQUENCE_ENTRY_POINTS
        if (case, entry) not in NOT_APPLICABLE
    ],
)
def test_bad_sequences(case, entry, fitted):
    X, error, match = BAD_SEQUENCES[case]
    X = copy.deepcopy(X)
    with pytest.raises(error, match=match):
        SEQUENCE_ENTRY_POINTS[entry](fitted, X)


@pytest.mark.parametrize("entry", FITTED_ONLY)
def test_sequence_longer_than_fitted(entry, fitted):
    """A fitted network takes sequences up to its n_positions_ (the longest in fit)."""
    if entry.startswith("KmerEncoder"):
        SEQUENCE_ENTRY_POINTS[entry](fitted, ["A" * (LENGTH + 5)])  # k-mers: any length
        return
    with pytest.raises(ValueError, match=rf"\[0\] has length {LENGTH + 1}, longer than"):
        SEQUENCE_ENTRY_POINTS[entry](fitted, ["A" * (LENGTH + 1)])


@pytest.mark.parametrize("entry", ["SequenceEncoder.fit", "SequenceEncoder.fit_transform"])
def test_sequence_encoder_n_positions_too_short(entry):
    encoder = SequenceEncoder(n_positions=3)
    with pytest.raises(ValueError, match=r"X\[1\] has length 5, longer than n_positions=3"):
        getattr(encoder, entry.split(".")[1])(["ACG", "ACGTA"])


def test_one_hot_to_codes_bad_input():
    one_hot = _one_hot()
    with pytest.raises(ValueError, match=r"one_hot must be 3-D"):
        one_hot_to_codes(one_hot[0])
    with pytest.raises(ValueError, match=r"one_hot\[1, 3\] = \[nan"):
        one_hot_to_codes(_with(one_hot, (1, 3, 0), np.nan))
    with pytest.raises(ValueError, match=r"with 20 channels"):
        one_hot_to_codes(one_hot, layout="NCL")  # an NLC array read as NCL


# --------------------------------------------------------------------------------------
# 2. Sequences shorter than the receptive field: not an error (padding with N)
# --------------------------------------------------------------------------------------


def test_sequences_shorter_than_the_receptive_field():
    # AttnGen's first convolution is 9 wide, "same"-padded: 3-nt sequences train and
    # 1-nt ones predict, with attention only on real positions
    X, y = ["ACG", "TTA", "GGC", "ATA"] * 4, [0, 1] * 8
    clf = attngen(kernel_size=9).fit(X, y)
    proba = clf.predict_proba(["A", "CG"])
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(clf.attention(["A", "CG"]).sum(axis=1), 1, rtol=1e-6)
    saliency = clf.saliency(["A", "CG"])
    assert np.isfinite(saliency).all() and (saliency[0, 1:] == 0).all()  # padding is 0
    # the GB CNN needs 57 positions: shorter input is padded with N inside the network,
    # so a short sequence predicts as the same sequence padded with N by hand
    base = cnn().fit(X, y)
    assert base.n_positions_ == 3
    np.testing.assert_array_equal(base.predict_proba(["AC"]), base.predict_proba(["ACN"]))


def test_kmer_encoder_sequence_shorter_than_k():
    # no k-mer fits in it: an all-zero row, as CountVectorizer gives an empty document
    counts = KmerEncoder(k=4).fit(X_TRAIN).transform(["ACG", "ACGTA"]).toarray()
    assert counts[0].sum() == 0 and counts[1].sum() == 2


# --------------------------------------------------------------------------------------
# 3. Bad labels
# --------------------------------------------------------------------------------------

# name -> function(fitted, y), y given for X_TRAIN
LABEL_ENTRY_POINTS = {
    "AttnGenClassifier.fit": lambda f, y: attngen().fit(X_TRAIN, y),
    "AttnGenClassifier.partial_fit": lambda f, y: attngen().partial_fit(X_TRAIN, y),
    "AttnGenClassifier.score": lambda f, y: f["attngen"].score(X_TRAIN, y),
    "CNNBaselineClassifier.fit": lambda f, y: cnn().fit(X_TRAIN, y),
    "CNNBaselineClassifier.score": lambda f, y: f["cnn"].score(X_TRAIN, y),
    "deletion_curve": lambda f, y: deletion_curve(
        f["attngen"], X_TRAIN, y, np.zeros((N, LENGTH)), n_random=1
    ),
    "insertion_curve": lambda f, y: insertion_curve(
        f["attngen"], X_TRAIN, y, np.zeros((N, LENGTH)), n_random=1
    ),
    "remove_and_retrain": lambda f, y: remove_and_retrain(
        attngen(), X_TRAIN, y, X_TRAIN, Y_TRAIN, np.zeros((N, LENGTH)), np.zeros((N, LENGTH))
    ),
    "compare_estimators": lambda f, y: compare_estimators(
        {"attngen": attngen()}, X_TRAIN, y, X_TRAIN, Y_TRAIN, n_seeds=1
    ),
}
FIT_ENTRY_POINTS = [name for name in LABEL_ENTRY_POINTS if name.endswith("fit")]


def _labels_with(value, index=3, dtype=None):
    y = np.array(Y_TRAIN, dtype=dtype if dtype is not None else object)
    y[index] = value
    return y


BAD_LABELS = {
    "length-mismatch": (Y_TRAIN[:-1], ValueError, rf"X\w* has {N} sequences but \w+ has {N - 1}"),
    "nan-label": (_labels_with(np.nan, dtype=float), ValueError, r"\[3\] is nan; labels must"),
    "inf-label": (_labels_with(np.inf, dtype=float), ValueError, r"\[3\] is inf; labels must"),
    "none-label": (list(_labels_with(None)), ValueError, r"\[3\] is missing \(None\)"),
    "pandas-missing-label": (
        pd.Series(Y_TRAIN, dtype="Int64").where(np.arange(N) != 5),
        ValueError,
        r"\[5\] is missing",
    ),
    "mixed-str-and-number-labels": (
        list(_labels_with("a")),
        ValueError,
        r"mixes number and str labels \(\w+\[3\] = 'a'\)",
    ),
    "bytes-labels": ([b"a", b"b"] * (N // 2), TypeError, r"labels must be str or numbers"),
    "2-d-labels": (np.c_[Y_TRAIN, Y_TRAIN], ValueError, r"should be a 1d array"),
}


@pytest.mark.parametrize("entry", LABEL_ENTRY_POINTS)
@pytest.mark.parametrize("case", BAD_LABELS)
def test_bad_labels(case, entry, fitted):
    y, error, match = BAD_LABELS[case]
    with pytest.raises(error, match=match):
        LABEL_ENTRY_POINTS[entry](fitted, copy.deepcopy(y))


@pytest.mark.parametrize("entry", LABEL_ENTRY_POINTS)
def test_labels_none(entry, fitted):
    with pytest.raises(
        ValueError, match=r"y\w* (is None|to be passed, but y is None)|.y\w*. parameter .* Got None"
    ):
        LABEL_ENTRY_POINTS[entry](fitted, None)


@pytest.mark.parametrize("entry", FIT_ENTRY_POINTS)
def test_single_class(entry, fitted):
    with pytest.raises(ValueError, match=r"y has a single class \(0\)"):
        LABEL_ENTRY_POINTS[entry](fitted, np.zeros(N, dtype=int))


@pytest.mark.parametrize("entry", FIT_ENTRY_POINTS)
def test_continuous_labels(entry, fitted):
    y = np.random.default_rng(0).random(N)
    with pytest.raises(ValueError, match=r"Unknown label type: continuous"):
        LABEL_ENTRY_POINTS[entry](fitted, y)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda f, y: f["attngen"].score(X_TRAIN, y), id="AttnGenClassifier.score"),
        pytest.param(lambda f, y: f["cnn"].score(X_TRAIN, y), id="CNNBaselineClassifier.score"),
        pytest.param(
            lambda f, y: attngen().fit(X_TRAIN, Y_TRAIN).partial_fit(X_TRAIN, y),
            id="AttnGenClassifier.partial_fit",
        ),
        pytest.param(
            lambda f, y: deletion_curve(f["attngen"], X_TRAIN, y, np.zeros((N, LENGTH))),
            id="deletion_curve",
        ),
        pytest.param(
            lambda f, y: insertion_curve(f["attngen"], X_TRAIN, y, np.zeros((N, LENGTH))),
            id="insertion_curve",
        ),
        pytest.param(
            lambda f, y: remove_and_retrain(
                attngen(), X_TRAIN, Y_TRAIN, X_TRAIN, y, *[np.zeros((N, LENGTH))] * 2
            ),
            id="remove_and_retrain",
        ),
        pytest.param(
            lambda f, y: compare_estimators({"a": attngen()}, X_TRAIN, Y_TRAIN, X_TRAIN, y),
            id="compare_estimators",
        ),
        pytest.param(
            lambda f, y: attribute(f["attngen"], X_TRAIN, "ism", target=y), id="attribute"
        ),
    ],
)
def test_labels_never_seen(call, fitted):
    """A label the model never saw is an error, not a silently wrong prediction."""
    y = Y_TRAIN.copy()
    y[3] = 7
    with pytest.raises(ValueError, match=r"\[3\] = 7 is not one of the classes"):
        call(fitted, y)


# --------------------------------------------------------------------------------------
# 4. Invalid hyperparameters and arguments
# --------------------------------------------------------------------------------------


BAD_PARAMETERS = {
    "mask_fraction-negative": (lambda: attngen(mask_fraction=-0.1), "'mask_fraction'"),
    "mask_fraction-one": (lambda: attngen(mask_fraction=1.0), "'mask_fraction'"),
    "mask_fraction-nan": (lambda: attngen(mask_fraction=float("nan")), "'mask_fraction'"),
    "mask_warmup-negative": (lambda: attngen(mask_warmup=-1), "'mask_warmup'"),
    "mask_ramp-negative": (lambda: attngen(mask_ramp=-1), "'mask_ramp'"),
    "mask_consistency-negative": (lambda: attngen(mask_consistency=-1.0), "'mask_consistency'"),
    "max_epochs-zero": (lambda: attngen(max_epochs=0), "'max_epochs'"),
    "cnn-max_epochs-zero": (lambda: cnn(max_epochs=0), "'max_epochs'"),
    "lr-zero": (lambda: attngen(lr=0.0), "'lr'"),
    "batch_size-zero": (lambda: cnn(batch_size=0), "'batch_size'"),
    "n_filters-zero": (lambda: attngen(n_filters=0), "'n_filters'"),
    "kernel_size-float": (lambda: attngen(kernel_size=2.5), "'kernel_size'"),
    "dropout-one": (lambda: attngen(dropout=1.0), "'dropout'"),
    "n_heads-zero": (lambda: attngen(n_heads=0), "'n_heads'"),
    "stem_activation-unknown": (lambda: attngen(stem_activation="relu"), "'stem_activation'"),
    "embedding_dim-zero": (lambda: cnn(embedding_dim=0), "'embedding_dim'"),
    "random_state-str": (lambda: attngen(random_state="0"), "'random_state'"),
    "k-zero": (lambda: KmerEncoder(k=0), "'k'"),
    "k-too-large": (lambda: KmerEncoder(k=13), "'k'"),
    "normalize-unknown": (lambda: KmerEncoder(normalize="l3"), "'normalize'"),
    "n_positions-zero": (lambda: SequenceEncoder(n_positions=0), "'n_positions'"),
    "layout-unknown": (lambda: SequenceEncoder(layout="LNC"), "'layout'"),
}


@pytest.mark.parametrize("case", BAD_PARAMETERS)
def test_invalid_hyperparameters(case):
    make, name = BAD_PARAMETERS[case]
    estimator = make()  # __init__ only stores: the error comes from fit
    with pytest.raises(ValueError, match=f"The {name} parameter of {type(estimator).__name__}"):
        estimator.fit(X_TRAIN, Y_TRAIN)


BAD_ARGUMENTS = {
    "attribute-method": (lambda f: attribute(f["attngen"], X_TRAIN, "shap"), "method must"),
    "attribute-batch_size": (
        lambda f: attribute(f["attngen"], X_TRAIN, "ism", batch_size=0),
        "batch_size must be an int >= 1",
    ),
    "attribute-n_steps": (
        lambda f: attribute(f["attngen"], X_TRAIN, "gradient", n_steps=0),
        "n_steps must be an int >= 1",
    ),
    "attribute-attention-without-attention": (
        lambda f: attribute(f["cnn"], X_TRAIN, "attention"),
        "needs an AttnGen estimator",
    ),
    "deletion_curve-fraction-one": (
        lambda f: deletion_curve(
            f["attngen"], X_TRAIN, Y_TRAIN, np.zeros((N, LENGTH)), fractions=[0, 1]
        ),
        r"fractions must lie in \[0, 1\)",
    ),
    "deletion_curve-n_random": (
        lambda f: deletion_curve(f["attngen"], X_TRAIN, Y_TRAIN, np.zeros((N, LENGTH)), n_random=0),
        r"'n_random' parameter of deletion_curve must be an int in the range \[1, inf\)",
    ),
    "deletion_curve-nan-scores": (
        lambda f: deletion_curve(f["attngen"], X_TRAIN, Y_TRAIN, np.full((N, LENGTH), np.nan)),
        "scores contains NaN or infinity",
    ),
    "deletion_curve-scores-shape": (
        lambda f: deletion_curve(f["attngen"], X_TRAIN, Y_TRAIN, np.zeros((N, 3))),
        r"scores has shape \(24, 3\)",
    ),
    "motif_overlap-nan-scores": (
        lambda f: motif_overlap(np.full((2, 3), np.nan), np.zeros((2, 3), bool)),
        "scores contains NaN or infinity",
    ),
    "compare_estimators-n_seeds": (
        lambda f: compare_estimators(
            {"a": attngen()}, X_TRAIN, Y_TRAIN, X_TRAIN, Y_TRAIN, n_seeds=0
        ),
        r"'n_seeds' parameter of compare_estimators must be an int in the range \[1, inf\)",
    ),
    "make_motif_sequences-n_samples": (
        lambda f: make_motif_sequences(0),
        r"'n_samples' parameter of \w+ must be",
    ),
    "make_motif_sequences-gc_content": (
        lambda f: make_motif_sequences(10, gc_content=float("nan")),
        r"'gc_content' parameter of \w+ must be",
    ),
    "codes_to_one_hot-layout": (
        lambda f: codes_to_one_hot(encode_sequences(X_TRAIN)[0], layout="LNC"),
        "'layout' parameter of .* must be a str among",
    ),
    "load_genomic_benchmark-split": (
        lambda f: load_genomic_benchmark("demo_human_or_worm", split="valid"),
        "'split' parameter of .* must be a str among",
    ),
}


@pytest.mark.parametrize("case", BAD_ARGUMENTS)
def test_invalid_arguments(case, fitted):
    call, match = BAD_ARGUMENTS[case]
    with pytest.raises(ValueError, match=match):
        call(fitted)


def test_codes_to_one_hot_non_numeric_dtype():
    with pytest.raises(TypeError, match="dtype must be a numeric dtype, got <U3"):
        codes_to_one_hot(encode_sequences(X_TRAIN)[0], dtype="U3")


LENGTHS_FUNCTIONS = {
    "decode_sequences": lambda lengths: decode_sequences(
        encode_sequences(["ACG", "AC"])[0], lengths
    ),
    "reverse_complement": lambda lengths: reverse_complement(
        encode_sequences(["ACG", "AC"])[0], lengths=lengths
    ),
    "motif_overlap": lambda lengths: motif_overlap(
        np.zeros((2, 3)), np.zeros((2, 3), bool), lengths=lengths
    ),
}
BAD_LENGTHS = {
    "float": ([3, 2.5], r"lengths must be 2 integers, one per sequence; got dtype float64"),
    "nan": ([3, np.nan], r"got dtype float64"),
    "str": (["3", "2"], r"got dtype <U1"),
    "out-of-range": ([3, 4], r"lengths\[1\] = 4: lengths must lie in \[1, 3\]"),
    "zero": ([0, 2], r"lengths\[0\] = 0: lengths must lie in \[1, 3\]"),
    "wrong-count": ([3], r"lengths must be 2 integers, one per sequence, each in \[1, 3\]"),
}


@pytest.mark.parametrize("function", LENGTHS_FUNCTIONS)
@pytest.mark.parametrize("case", BAD_LENGTHS)
def test_bad_lengths(case, function):
    """lengths are never cast silently (2.5 is not read as 2)."""
    lengths, match = BAD_LENGTHS[case]
    with pytest.raises(ValueError, match=match):
        LENGTHS_FUNCTIONS[function](lengths)


# --------------------------------------------------------------------------------------
# 5. Not fitted
# --------------------------------------------------------------------------------------

NOT_FITTED = {
    "AttnGenClassifier.predict": lambda: attngen().predict(X_TRAIN),
    "AttnGenClassifier.predict_proba": lambda: attngen().predict_proba(X_TRAIN),
    "AttnGenClassifier.score": lambda: attngen().score(X_TRAIN, Y_TRAIN),
    "AttnGenClassifier.saliency": lambda: attngen().saliency(X_TRAIN),
    "CNNBaselineClassifier.predict": lambda: cnn().predict(X_TRAIN),
    "CNNBaselineClassifier.predict_proba": lambda: cnn().predict_proba(X_TRAIN),
    "CNNBaselineClassifier.score": lambda: cnn().score(X_TRAIN, Y_TRAIN),
    "KmerEncoder.transform": lambda: KmerEncoder().transform(X_TRAIN),
    "KmerEncoder.get_feature_names_out": lambda: KmerEncoder().get_feature_names_out(),
    "SequenceEncoder.transform": lambda: SequenceEncoder().transform(X_TRAIN),
    "attribute": lambda: attribute(attngen(), X_TRAIN),
    "deletion_curve": lambda: deletion_curve(attngen(), X_TRAIN, Y_TRAIN, np.zeros((N, LENGTH))),
    "insertion_curve": lambda: insertion_curve(attngen(), X_TRAIN, Y_TRAIN, np.zeros((N, LENGTH))),
    "randomization_sanity_check": lambda: randomization_sanity_check(attngen(), X_TRAIN),
}


@pytest.mark.parametrize("entry", NOT_FITTED)
def test_not_fitted(entry):
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        NOT_FITTED[entry]()


# --------------------------------------------------------------------------------------
# 6. Files
# --------------------------------------------------------------------------------------

BAD_FILES = {
    "fasta-invalid-character": ("s.fa", b">a\nACGT\n>b\nAC-T\n", r"line 4 \(record 'b'\): invalid"),
    "fasta-empty-record": ("s.fa", b">a\n>b\nACGT\n", r"line 1: record 'a' has no sequence"),
    "fasta-no-record": ("s.fa", b"ACGT\n", r"line 1: sequence data before the first '>'"),
    "fasta-truncated-gzip": (
        "s.fa.gz",
        gzip.compress(b">a\nACGT\n")[:-8],
        r"cannot be decompressed",
    ),
    "fasta-not-text": (
        "s.fa",
        b">a\n\xff\xfeAC\n",
        r"is not UTF-8 text: byte b'\\xff' at offset 3",
    ),
    "csv-invalid-character": ("s.csv", b"sequence,label\nACGT,1\nACUT,0\n", r"line 3: invalid"),
    "csv-empty-sequence": ("s.csv", b"sequence,label\nACGT,1\n,0\n", r"line 3: empty sequence"),
    "csv-missing-label": ("s.csv", b"sequence,label\nACGT,1\nACGT,\n", r"line 3: empty label"),
    "csv-wrong-field-count": ("s.csv", b"sequence,label\nACGT,1,2\n", r"line 2: expected 2 fields"),
    "csv-truncated-gzip": ("s.csv", b"\x1f\x8b\x08\x00garbage", r"cannot be decompressed"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files(case, tmp_path):
    name, content, match = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(content)
    reader = read_fasta if ".fa" in name else read_sequences
    with pytest.raises(ValueError, match=match):
        reader(path)


@pytest.mark.parametrize("reader", [read_fasta, read_sequences])
def test_missing_file(reader, tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file"):
        reader(tmp_path / "absent.fa")


# --------------------------------------------------------------------------------------
# 7. Nothing lost: the caller's data is never modified
# --------------------------------------------------------------------------------------


def _containers():
    X = _dna(N, seed=2)
    X[1] = X[1][:12].lower()  # variable length and lower case
    codes, _ = encode_sequences([s[:LENGTH] for s in _dna(N, seed=3)])
    read_only = codes.copy()
    read_only.setflags(write=False)
    return {
        "list": X,
        "tuple": tuple(X),
        "str-array": np.array(X),
        "object-array": np.array(X, dtype=object),
        "series": pd.Series(X, index=np.arange(N) * 2, name="sequence"),
        "dataframe": pd.DataFrame({"sequence": X}),
        "codes": codes,
        "read-only-codes": read_only,
        "one-hot": codes_to_one_hot(codes),
    }


def _snapshot(data):
    if isinstance(data, (pd.Series, pd.DataFrame)):
        return data.copy(deep=True)
    if isinstance(data, np.ndarray):
        return data.copy(), data.flags.writeable
    return copy.deepcopy(data)


def _assert_unchanged(data, snapshot):
    if isinstance(data, pd.Series):
        pd.testing.assert_series_equal(data, snapshot)
    elif isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, snapshot)
    elif isinstance(data, np.ndarray):
        np.testing.assert_array_equal(data, snapshot[0])
        assert data.dtype == snapshot[0].dtype and data.flags.writeable == snapshot[1]
    else:
        assert type(data) is type(snapshot) and data == snapshot


def _scores(X):
    codes, _ = encode_sequences(X)
    return np.ones(codes.shape)


# name -> function(fitted, X, y)
UNMODIFIED_ENTRY_POINTS = {
    "encode_sequences": lambda f, X, y: encode_sequences(X),
    "reverse_complement": lambda f, X, y: reverse_complement(X),
    "KmerEncoder.fit_transform": lambda f, X, y: KmerEncoder(k=3).fit_transform(X),
    "SequenceEncoder.fit_transform": lambda f, X, y: SequenceEncoder().fit_transform(X),
    "AttnGenClassifier": lambda f, X, y: [
        attngen().fit(X, y).partial_fit(X, y).predict_proba(X),
        f["attngen"].predict(X),
        f["attngen"].score(X, y),
        f["attngen"].saliency(X),
    ],
    "CNNBaselineClassifier": lambda f, X, y: cnn().fit(X, y).score(X, y),
    "attribute": lambda f, X, y: attribute(f["attngen"], X, "input_x_gradient"),
    "deletion_curve": lambda f, X, y: deletion_curve(
        f["attngen"], X, y, _scores(X), fractions=[0, 0.5], n_random=1
    ),
    "randomization_sanity_check": lambda f, X, y: randomization_sanity_check(
        f["attngen"], X, random_state=0
    ),
}
ENTRY_LABELS = {"AttnGenClassifier": "list", "CNNBaselineClassifier": "series"}
ENTRY_LABELS["deletion_curve"] = "array"
LABEL_CONTAINERS = {
    "list": lambda: list(Y_TRAIN),
    "array": lambda: Y_TRAIN.copy(),
    "series": lambda: pd.Series(np.where(Y_TRAIN == 0, "a", "b"), index=np.arange(N)[::-1]),
}


@pytest.mark.parametrize("container", list(_containers()))
@pytest.mark.parametrize("entry", UNMODIFIED_ENTRY_POINTS)
def test_input_not_modified(entry, container, fitted):
    X = _containers()[container]
    y = LABEL_CONTAINERS[ENTRY_LABELS[entry]]() if entry in ENTRY_LABELS else None
    before_X, before_y = _snapshot(X), _snapshot(y)
    UNMODIFIED_ENTRY_POINTS[entry](fitted, X, y)
    _assert_unchanged(X, before_X)
    if y is not None:
        _assert_unchanged(y, before_y)


@pytest.mark.parametrize(
    "function",
    [
        encode_sequences,
        codes_to_one_hot,
        one_hot_to_codes,
        reverse_complement,
        lambda X: reverse_complement(X, lengths=np.full(len(X), 5)),
        lambda X: SequenceEncoder().fit_transform(X),
    ],
    ids=["encode", "to_one_hot", "to_codes", "reverse_complement", "rc-lengths", "encoder"],
)
@pytest.mark.parametrize("form", ["codes", "one-hot"])
def test_array_outputs_never_alias_inputs(function, form):
    """Returned arrays are new: writing to them cannot change the caller's data."""
    codes, _ = encode_sequences(_dna(4, 8))
    X = codes if form == "codes" else codes_to_one_hot(codes)
    if function is one_hot_to_codes:
        X = codes_to_one_hot(codes)
    out = function(X)
    for array in out if isinstance(out, tuple) else (out,):
        assert not np.shares_memory(array, X)


# --------------------------------------------------------------------------------------
# 8. Training faults
# --------------------------------------------------------------------------------------


class _NaNLoss(torch.nn.CrossEntropyLoss):
    """Cross-entropy that turns into ``value`` from its ``after``-th training call on."""

    def __init__(self, value=float("nan"), after=0, **kwargs):
        super().__init__(**kwargs)
        self.value, self.after, self.calls = value, after, 0

    def forward(self, logits, target):
        loss = super().forward(logits, target)
        if self.training:
            self.calls += 1
            if self.calls > self.after:
                return loss * self.value
        return loss


@pytest.mark.parametrize("make", [attngen, cnn], ids=["AttnGenClassifier", "CNNBaselineClassifier"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_non_finite_loss_stops_training(make, value):
    X, y = _dna(32), [0, 1] * 16  # 4 batches of 8 per epoch
    clf = make(criterion=_NaNLoss, criterion__value=value, criterion__after=5, max_epochs=3)
    with pytest.raises(NonFiniteLossError, match=r"epoch 2, batch 2: .* lower it") as info:
        clf.fit(X, y)
    assert isinstance(info.value, FloatingPointError)
    assert (info.value.epoch, info.value.batch) == (2, 2)
    # caught before the optimizer step: no NaN reached the weights
    assert all(torch.isfinite(p).all() for p in clf.module_.parameters())
    # a diverged network is no model: no NaN predictions, the history stays for diagnosis
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)
    assert len(clf.history_) == 2 and np.isfinite(clf.history_[0, "train_loss"])
    # the next fit starts afresh
    clf.set_params(criterion__after=10**6, warm_start=True, max_epochs=1).fit(X, y)
    assert len(clf.history_) == 1 and np.isfinite(clf.predict_proba(X)).all()


def test_diverging_learning_rate_never_gives_nan_predictions():
    X, y = _dna(32), [0, 1] * 16
    clf = attngen(lr=1e30, max_epochs=3)
    try:
        clf.fit(X, y)
    except NonFiniteLossError as error:
        assert "lr=1e+30" in str(error)
        with pytest.raises(NotFittedError):
            clf.predict_proba(X)
    else:
        assert np.isfinite(clf.predict_proba(X)).all()


def test_finite_loss_guard_can_be_turned_off():
    X, y = _dna(16), [0, 1] * 8
    clf = attngen(criterion=_NaNLoss, callbacks__finite_loss=None).fit(X, y)
    assert np.isnan(clf.history_[-1, "train_loss"])


class _Interrupt(Callback):
    """Raise KeyboardInterrupt, as Ctrl-C would, at the end of an epoch or in a batch."""

    def __init__(self, epoch, batch=None):
        self.epoch, self.batch = epoch, batch

    def on_batch_end(self, net, training=False, **kwargs):
        batches = net.history_[-1, "batches"]
        if (
            self.batch is not None
            and len(net.history_) == self.epoch
            and len(batches) == self.batch
        ):
            raise KeyboardInterrupt

    def on_epoch_end(self, net, **kwargs):
        if self.batch is None and len(net.history_) == self.epoch:
            raise KeyboardInterrupt


@pytest.mark.parametrize("batch", [None, 2], ids=["epoch-end", "mid-epoch"])
@pytest.mark.parametrize("make", [attngen, cnn], ids=["AttnGenClassifier", "CNNBaselineClassifier"])
def test_keyboard_interrupt_leaves_a_usable_model(make, batch):
    X, y = _dna(32), [0, 1] * 16
    clf = make(max_epochs=5, callbacks=[("stop", _Interrupt(2, batch))]).fit(X, y)  # no raise
    assert len(clf.history_) == 2
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    if hasattr(clf, "saliency"):
        assert clf.saliency_.shape == (LENGTH,)
        assert np.isfinite(clf.saliency(X)).all()
    # and training can go on from there
    clf.set_params(warm_start=True, max_epochs=1).fit(X, y)
    assert len(clf.history_) == 3


def test_checkpoint_and_resume(tmp_path):
    X, y = _dna(32), [0, 1] * 16
    checkpoint = Checkpoint(monitor="train_loss_best", dirname=str(tmp_path))
    first = attngen(max_epochs=3, callbacks=[checkpoint]).fit(X, y)
    assert {"params.pt", "optimizer.pt", "history.json"} <= {p.name for p in tmp_path.iterdir()}
    n_saved = int(np.argmin(first.history_[:, "train_loss"])) + 1  # the last checkpoint
    saved = torch.load(tmp_path / "params.pt", weights_only=True)

    class Spy(Callback):
        def on_train_begin(self, net, **kwargs):
            self.state = {k: v.clone() for k, v in net.module_.state_dict().items()}

    spy = Spy()
    restart = Checkpoint(monitor="train_loss_best", dirname=str(tmp_path))
    resumed = attngen(
        max_epochs=2, random_state=1, callbacks=[restart, LoadInitState(restart), spy]
    ).fit(X, y)
    # training restarted from the checkpointed weights and history
    for name, tensor in saved.items():
        assert torch.equal(spy.state[name], tensor), name
    assert len(resumed.history_) == n_saved + 2
    assert resumed.history_[:n_saved, "train_loss"] == first.history_[:n_saved, "train_loss"]
    assert resumed.history_[n_saved - 1, "event_cp"] is True
    assert np.isfinite(resumed.predict_proba(X)).all()


@pytest.mark.parametrize(
    ("iterator_params", "n_samples", "n_batches"),
    [
        ({"iterator_train__batch_size": 8}, 32, 4),
        ({"iterator_train__batch_size": 8, "iterator_train__drop_last": True}, 36, 4),
        ({"iterator_train__batch_size": -1}, 32, 1),
        ({}, 32, 2),
    ],
    ids=["iterator-batch-size", "drop-last", "one-batch", "batch_size"],
)
def test_masking_ramp_counts_the_batches_actually_made(iterator_params, n_samples, n_batches):
    X, y = _dna(n_samples), [0, 1] * (n_samples // 2)
    clf = attngen(
        mask_fraction=0.2, mask_warmup=0, mask_ramp=1, batch_size=16, **iterator_params
    ).fit(X, y)
    assert len(clf.history_[-1, "batches"]) == n_batches
    # one epoch of ramp: batch b of n masks 0.2 * b / n
    expected = np.mean([0.2 * b / n_batches for b in range(n_batches)])
    assert clf.history_[-1, "mask_fraction"] == pytest.approx(expected)


@pytest.mark.parametrize("training", [True, False])
def test_masking_step_restores_the_module_mode(fitted, training):
    clf = copy.deepcopy(fitted["attngen"])
    codes, lengths = encode_sequences(X_TRAIN[:4])
    clf.module_.train(training)
    clf._mask_lowest_attention(
        {"codes": torch.from_numpy(codes), "lengths": torch.from_numpy(lengths)}, 0.2
    )
    assert all(m.training == training for m in clf.module_.modules())


def test_masking_callback_is_a_default(fitted):
    callbacks = dict(fitted["attngen"].callbacks_)
    assert isinstance(callbacks["masking"], ProgressiveMasking)
    assert "finite_loss" in callbacks and "finite_loss" in dict(fitted["cnn"].callbacks_)


# --------------------------------------------------------------------------------------
# 9. Persistence
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def persisted_models():
    """Fitted models to save and load: str labels, and int labels that are not 0..n-1."""
    y = np.where(Y_TRAIN == 0, "neg", "pos")
    models = {
        "AttnGenClassifier": (attngen(max_epochs=2, mask_fraction=0.1, mask_warmup=0), y),
        "CNNBaselineClassifier": (cnn(), y),
        "AttnGenClassifier-int-labels": (attngen(), Y_TRAIN * 3 + 1),
    }
    return {name: (clf.fit(X_TRAIN, y), y) for name, (clf, y) in models.items()}


def _assert_same_model(a, b, X):
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_array_equal(a.classes_, b.classes_)
    assert a.classes_.dtype == b.classes_.dtype and a.n_positions_ == b.n_positions_
    if hasattr(a, "saliency"):
        np.testing.assert_array_equal(a.saliency(X), b.saliency(X))
        np.testing.assert_array_equal(a.saliency_, b.saliency_)


def _pickle(clf, tmp_path):
    return pickle.loads(pickle.dumps(clf))


def _joblib(clf, tmp_path):
    joblib.dump(clf, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


def _params_files(clf, tmp_path):
    files = {"f_params": tmp_path / "w.pt", "f_attributes": tmp_path / "attributes.json"}
    clf.save_params(**files, f_optimizer=tmp_path / "o.pt", f_history=tmp_path / "h.json")
    new = type(clf)(**clf.get_params(deep=False))
    new.load_params(**files, f_optimizer=tmp_path / "o.pt", f_history=tmp_path / "h.json")
    assert new.history_[:, "train_loss"] == clf.history_[:, "train_loss"]
    return new


def _params_buffers(clf, tmp_path):
    weights, attributes = io.BytesIO(), io.BytesIO()
    clf.save_params(f_params=weights, f_attributes=attributes)
    weights.seek(0)
    attributes.seek(0)
    new = type(clf)(**clf.get_params(deep=False))
    new.load_params(f_params=weights, f_attributes=attributes)
    return new


@pytest.mark.parametrize("round_trip", [_pickle, _joblib, _params_files, _params_buffers])
@pytest.mark.parametrize(
    "model", ["AttnGenClassifier", "CNNBaselineClassifier", "AttnGenClassifier-int-labels"]
)
def test_persistence_round_trip(model, round_trip, persisted_models, tmp_path):
    clf, y = persisted_models[model]
    X = [s[:15] for s in _dna(10, seed=5)]
    restored = round_trip(clf, tmp_path)
    _assert_same_model(clf, restored, X)
    # the restored model trains on, like the original
    restored.partial_fit(X_TRAIN, y)


def test_load_params_needs_the_fitted_attributes(tmp_path, fitted):
    fitted["attngen"].save_params(f_params=tmp_path / "w.pt")
    with pytest.raises(ValueError, match="needs f_attributes"):
        attngen().load_params(f_params=tmp_path / "w.pt")
    fitted["attngen"].save_params(f_attributes=tmp_path / "a.json")
    with pytest.raises(ValueError, match="saved by 'AttnGenClassifier'"):
        cnn().load_params(f_params=tmp_path / "w.pt", f_attributes=tmp_path / "a.json")
    with pytest.raises(NotFittedError):
        attngen().save_params(f_attributes=tmp_path / "b.json")


def test_load_params_into_another_architecture_names_the_parameter(tmp_path, fitted):
    files = {"f_params": tmp_path / "w.pt", "f_attributes": tmp_path / "a.json"}
    fitted["attngen"].save_params(**files)
    other = attngen().set_params(n_filters=fitted["attngen"].n_filters + 1)
    with pytest.raises(ValueError, match=r"saved from a network with n_filters=\d+, but"):
        other.load_params(**files)


class Payload:
    """Unpickling this sets ``Payload.ran``: stands for any code in a malicious file."""

    ran = False

    def __reduce__(self):
        return (setattr, (Payload, "ran", True))


def test_load_params_reads_weights_only(tmp_path, fitted):
    """Parameter files are read with torch.load(weights_only=True): no code runs."""
    torch.save({"stem.0.weight": Payload()}, tmp_path / "evil.pt")
    fitted["attngen"].save_params(f_attributes=tmp_path / "a.json")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        attngen().load_params(f_params=tmp_path / "evil.pt", f_attributes=tmp_path / "a.json")
    assert not Payload.ran


def test_unpickling_another_version_warns(monkeypatch, fitted):
    data = pickle.dumps(fitted["attngen"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(data)  # same version: silent
    monkeypatch.setattr(classifier_module, "__version__", "99.0")
    with pytest.warns(InconsistentVersionWarning, match=r"from sklearn-attngen 0\.") as record:
        restored = pickle.loads(data)
    warning = record[0].message
    assert warning.original_version == sklearn_attngen.__version__
    assert (warning.current_version, warning.estimator_name) == ("99.0", "AttnGenClassifier")
    assert "unpickling runs code" in str(warning)
    np.testing.assert_array_equal(
        restored.predict_proba(X_TRAIN), fitted["attngen"].predict_proba(X_TRAIN)
    )


def test_unpickling_without_version_warns(fitted):
    state = fitted["cnn"].__getstate__()
    assert state.pop("_sklearn_attngen_version") == sklearn_attngen.__version__
    restored = CNNBaselineClassifier.__new__(CNNBaselineClassifier)
    with pytest.warns(InconsistentVersionWarning, match="from sklearn-attngen unknown"):
        restored.__setstate__(state)


def test_load_params_from_another_version_warns(monkeypatch, tmp_path, fitted):
    fitted["attngen"].save_params(f_params=tmp_path / "w.pt", f_attributes=tmp_path / "a.json")
    monkeypatch.setattr(classifier_module, "__version__", "99.0")
    with pytest.warns(InconsistentVersionWarning, match="when using version 99.0"):
        attngen().load_params(f_params=tmp_path / "w.pt", f_attributes=tmp_path / "a.json")


# --------------------------------------------------------------------------------------
# 10. Determinism on CPU
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: attngen(max_epochs=2, dropout=0.3),
        lambda: attngen(
            max_epochs=2, mask_fraction=0.2, mask_warmup=0, mask_consistency=0.5, dropout=0.3
        ),
        lambda: cnn(max_epochs=2),
    ],
    ids=["AttnGenClassifier", "AttnGenClassifier-masking", "CNNBaselineClassifier"],
)
def test_same_random_state_is_bit_for_bit_reproducible_on_cpu(make):
    X, y = _dna(40, seed=7), [0, 1] * 20
    a, b = make().fit(X, y), make().fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.history_[:, "train_loss"] == b.history_[:, "train_loss"]
    if hasattr(a, "saliency"):
        np.testing.assert_array_equal(a.saliency(X), b.saliency(X))
        np.testing.assert_array_equal(a.saliency_, b.saliency_)
        np.testing.assert_array_equal(
            attribute(a, X, "input_x_gradient").scores, attribute(b, X, "input_x_gradient").scores
        )
