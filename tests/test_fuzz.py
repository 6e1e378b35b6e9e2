"""Property-based fuzzing of the public entry points (hypothesis).

Whatever they are given, the entry points either return a valid result or raise
``ValueError`` / ``TypeError`` (never an error from deep inside numpy or torch,
never a wrong result without a word), and never modify their input. The
examples are derandomised and few, so that the file runs in seconds in CI and
the same examples run everywhere; set ``SKLEARN_ATTNGEN_FUZZ_EXAMPLES`` to fuzz
harder with fresh random examples.
"""

import copy
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from sklearn_attngen import AttnGenClassifier, KmerEncoder, SequenceEncoder
from sklearn_attngen.datasets import make_motif_sequences, read_fasta, read_sequences
from sklearn_attngen.interpret import attribute
from sklearn_attngen.preprocessing import (
    codes_to_one_hot,
    decode_sequences,
    encode_sequences,
    one_hot_to_codes,
    reverse_complement,
)
from sklearn_attngen.utils import check_lengths, check_sequences, check_targets

# SKLEARN_ATTNGEN_FUZZ_EXAMPLES=2000 fuzzes harder, with fresh random examples
_EXAMPLES = int(os.environ.get("SKLEARN_ATTNGEN_FUZZ_EXAMPLES", 0))
FUZZ = settings(
    max_examples=_EXAMPLES or 40,
    deadline=None,
    database=None,  # writes nothing to the working tree
    derandomize=not _EXAMPLES,  # in CI, the same examples on every run and machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
INPUT_ERRORS = (ValueError, TypeError)

NUCLEOTIDES = "ACGTacgt"
AMBIGUOUS = "NRYSWKMBDHVnryswkmbdhv"
dna = st.text(alphabet=NUCLEOTIDES + AMBIGUOUS, min_size=1, max_size=24)
text = st.text(max_size=24)  # any unicode, the empty string included
junk = st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=6), st.booleans(), text)
# half valid DNA lists, half lists with anything in them
mixed_lists = st.one_of(
    st.lists(dna, min_size=1, max_size=8), st.lists(st.one_of(dna, junk), max_size=8)
)


def _containers(seqs):
    """The same list in the containers the package accepts."""
    forms = [list(seqs), tuple(seqs), pd.Series(seqs, dtype=object)]
    if seqs:
        forms.append(np.array(seqs, dtype=object))
    return forms


def _is_dna(value):
    return isinstance(value, str) and len(value) > 0 and set(value) <= set(NUCLEOTIDES + AMBIGUOUS)


def _expected_codes(seq):
    return [("ACGT".index(c) if c in "ACGT" else 4) for c in seq.upper()]


@FUZZ
@given(mixed_lists)
def test_check_sequences_on_anything_in_a_list(seqs):
    for X in _containers(seqs):
        before = copy.deepcopy(X)
        try:
            codes, lengths = check_sequences(X)
        except INPUT_ERRORS:
            event("rejected")
            assert not seqs or not all(_is_dna(s) for s in seqs)
        else:
            event("accepted")
            assert seqs and all(_is_dna(s) for s in seqs)
            assert codes.dtype == np.uint8 and lengths.tolist() == [len(s) for s in seqs]
            for row, seq in zip(codes, seqs, strict=True):
                assert row[: len(seq)].tolist() == _expected_codes(seq)
                assert (row[len(seq) :] == 4).all()  # padding is N
        if isinstance(X, pd.Series):
            pd.testing.assert_series_equal(X, before)
        elif isinstance(X, np.ndarray):
            assert X.tolist() == before.tolist()
        else:
            assert X == before


@st.composite
def numeric_arrays(draw):
    dtype = draw(st.sampled_from([np.uint8, np.int64, np.float32, np.float64, np.bool_]))
    if np.dtype(dtype).kind == "f":
        elements = st.sampled_from([0.0, 1.0, 0.5, 2.0, np.nan, np.inf, -1.0])
    elif dtype is np.bool_:
        elements = st.booleans()
    else:
        elements = st.sampled_from([0, 1, 2, 3, 4, 7])
    shape = draw(
        st.one_of(
            array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
            st.tuples(st.integers(1, 4), st.integers(1, 6), st.just(4)),  # one-hot shaped
        )
    )
    return draw(arrays(dtype, shape, elements=elements))


@FUZZ
@given(numeric_arrays())
def test_check_sequences_on_any_numeric_array(X):
    before = X.copy()
    try:
        codes, lengths = check_sequences(X)
    except INPUT_ERRORS:
        event("rejected")
    else:
        event("accepted")
        assert X.ndim in (2, 3) and len(X) > 0
        assert codes.shape == X.shape[:2] and codes.dtype == np.uint8 and codes.max() <= 4
        assert (lengths == X.shape[1]).all()
        if X.ndim == 3:  # a valid one-hot array: rows of 0/1 with at most one 1
            assert X.shape[2] == 4 and set(np.unique(X).tolist()) <= {0, 1}
            np.testing.assert_array_equal(codes_to_one_hot(codes), X.astype(np.float32))
        else:
            assert X.dtype == np.uint8
            np.testing.assert_array_equal(codes, X)
        assert not np.shares_memory(codes, X)
    np.testing.assert_array_equal(X, before)


@FUZZ
@given(st.lists(dna, min_size=1, max_size=8))
def test_encodings_round_trip(seqs):
    codes, lengths = encode_sequences(seqs)
    upper = ["".join("ACGTN"[c] for c in _expected_codes(s)) for s in seqs]
    assert decode_sequences(codes, lengths) == upper
    for layout in ("NLC", "NCL"):
        one_hot = codes_to_one_hot(codes, layout=layout)
        np.testing.assert_array_equal(one_hot_to_codes(one_hot, layout=layout), codes)
    assert reverse_complement(reverse_complement(seqs)) == seqs
    rc_codes = reverse_complement(codes, lengths=lengths)
    assert decode_sequences(rc_codes, lengths) == [
        s.upper() for s in decode_sequences(*encode_sequences(reverse_complement(upper)))
    ]
    counts = KmerEncoder(k=2).fit_transform(seqs).toarray()
    assert counts.shape == (len(seqs), 16)
    assert (counts.sum(axis=1) <= np.maximum(lengths - 1, 0)).all()
    one_hot = SequenceEncoder().fit_transform(seqs)
    assert one_hot.shape == (len(seqs), lengths.max(), 4)


@st.composite
def lengths_and_shape(draw):
    n_samples, n_positions = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    valid = st.lists(st.integers(1, n_positions), min_size=n_samples, max_size=n_samples)
    anything = st.lists(
        st.one_of(st.integers(-2, 9), st.floats(), st.text(max_size=2), st.none()), max_size=5
    )
    return draw(st.one_of(valid, anything)), n_samples, n_positions


@FUZZ
@given(lengths_and_shape())
def test_check_lengths_on_anything(case):
    lengths, n_samples, n_positions = case
    try:
        checked = check_lengths(lengths, n_samples, n_positions)
    except INPUT_ERRORS:
        event("rejected")
    else:
        event("accepted")
        assert all(isinstance(v, int) and not isinstance(v, bool) for v in lengths)
        assert checked.tolist() == lengths and len(lengths) == n_samples
        assert all(1 <= v <= n_positions for v in lengths)


@FUZZ
@given(
    st.one_of(
        st.lists(st.integers(0, 3), max_size=6),
        st.lists(st.text(max_size=3), max_size=6),
        st.lists(st.one_of(st.integers(0, 3), st.floats(), st.text(max_size=3), junk), max_size=6),
    )
)
def test_check_targets_on_anything(labels):
    before = copy.deepcopy(labels)
    try:
        y = check_targets(labels, len(labels))
    except INPUT_ERRORS:
        event("rejected")
    else:
        event("accepted")
        assert y.shape == (len(labels),)
        kinds = {isinstance(v, str) for v in labels}
        assert len(kinds) <= 1  # never a silent mix of str and numbers
        assert not any(v is None or (isinstance(v, float) and not np.isfinite(v)) for v in labels)
    assert labels == before or labels != labels  # NaN != NaN: compare only when comparable


@lru_cache(maxsize=1)
def _model():
    rng = np.random.default_rng(0)
    X = ["".join(rng.choice(list("ACGT"), int(rng.integers(4, 13)))) for _ in range(20)]
    params = dict(n_filters=4, n_blocks=1, attention_size=4, n_heads=1, max_epochs=1)
    return AttnGenClassifier(**params, verbose=0, random_state=0).fit(X, [0, 1] * 10)


@FUZZ
@given(
    st.one_of(
        st.lists(st.text(NUCLEOTIDES + AMBIGUOUS, min_size=1, max_size=12), min_size=1),
        mixed_lists,
        numeric_arrays(),
    )
)
def test_classifier_entry_points_on_anything(X):
    """The model is fitted on sequences of up to 12 nt."""
    clf = _model()
    before = copy.deepcopy(X)
    try:
        proba = clf.predict_proba(X)
    except INPUT_ERRORS:
        event("rejected")
        for method in (clf.predict, clf.saliency):
            with pytest.raises(INPUT_ERRORS):
                method(X)
    else:
        event("accepted")
        assert np.isfinite(proba).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
        saliency = clf.saliency(X)
        _, lengths = check_sequences(X)
        real = np.arange(saliency.shape[1])[None, :] < lengths[:, None]
        assert (saliency[~real] == 0).all() and np.isfinite(saliency).all()
        np.testing.assert_allclose(clf.attention(X).sum(axis=1), 1, rtol=1e-5)
        scores = attribute(clf, X, "input_x_gradient").scores
        assert scores.shape == saliency.shape and np.isfinite(scores).all()
    if isinstance(X, np.ndarray):
        np.testing.assert_array_equal(X, before)
    else:
        assert X == before or X != X


@FUZZ
@given(mixed_lists, st.data())
def test_fit_on_anything(X, data):
    y = data.draw(st.lists(st.sampled_from(["a", "b"]), min_size=len(X), max_size=len(X)))
    params = dict(n_filters=2, n_blocks=0, attention_size=2, n_heads=1, max_epochs=1)
    try:
        clf = AttnGenClassifier(**params, verbose=0, random_state=0).fit(X, y)
    except INPUT_ERRORS:
        event("rejected")
        assert not all(_is_dna(s) for s in X) or len(set(y)) < 2
    else:
        event("accepted")
        assert np.isfinite(clf.predict_proba(X)).all()


def _read_or_reject(reader, path):
    """Read ``path``: a ValueError is a clean rejection; whatever is read is valid DNA."""
    try:
        result = reader(path)
    except ValueError:
        event("rejected")
    else:
        event("accepted")
        check_sequences(result.data)


@FUZZ
@given(st.binary(max_size=80), st.sampled_from(["x.fa", "x.csv", "x.tsv", "x.fa.gz"]))
def test_readers_on_any_bytes(content, name):
    reader = read_fasta if ".fa" in name else read_sequences
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        _read_or_reject(reader, path)
        assert path.read_bytes() == content


@FUZZ
@given(
    st.sampled_from([">a\n", ">a b\n", "sequence,label\n", "sequence\tlabel\n"]),
    st.lists(st.one_of(dna, text), min_size=1, max_size=4),
    st.sampled_from(["x.fa", "x.csv", "x.tsv"]),
)
def test_readers_on_near_valid_files(header, lines, name):
    reader = read_fasta if name.endswith(".fa") else read_sequences
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        _read_or_reject(reader, path)


@FUZZ
@given(
    st.one_of(st.integers(1, 6), st.integers(-2, 0), st.floats(), st.text(max_size=2)),
    st.one_of(st.integers(50, 90), st.integers(-5, 49), st.none()),
    st.one_of(st.floats(0, 1), st.floats(), st.integers(-1, 2)),
)
def test_make_motif_sequences_on_any_parameters(n_samples, length, gc_content):
    kwargs = {"gc_content": gc_content, "random_state": 0}
    if length is not None:
        kwargs["length"] = length
    try:
        X, y, mask = make_motif_sequences(n_samples, **kwargs)
    except INPUT_ERRORS:
        event("rejected")
    else:
        event("accepted")
        assert len(X) == len(y) == len(mask) == n_samples
        check_sequences(X)
