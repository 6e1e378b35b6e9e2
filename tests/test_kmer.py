"""KmerEncoder against CountVectorizer and a naive counter; SequenceEncoder shapes and errors.

Both encoders on a SequenceMemmap (read in batches, same result as in memory),
and their scikit-learn output options (dense / pandas, flat one-hot).
"""

from collections import Counter
from itertools import product

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_attngen.datasets import encode_to_memmap
from sklearn_attngen.preprocessing import (
    KmerEncoder,
    SequenceEncoder,
    codes_to_one_hot,
    encode_sequences,
)
from sklearn_attngen.preprocessing import _batches as batches_module
from sklearn_attngen.preprocessing import _kmer as kmer_module

_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def _random_sequences(n, length, seed=0, alphabet="ACGT"):
    rng = np.random.default_rng(seed)
    letters = np.array(list(alphabet))
    if np.ndim(length) == 0:
        length = np.full(n, length)
    return ["".join(letters[rng.integers(0, len(letters), size=m)]) for m in length]


def _naive_counts(seqs, k, canonical=False):
    """One Counter of k-mers per sequence: upper case, windows with a non-ACGT skipped."""
    rows = []
    for seq in seqs:
        seq, counts = seq.upper(), Counter()
        for i in range(len(seq) - k + 1):
            kmer = seq[i : i + k]
            if set(kmer) <= set("ACGT"):
                if canonical:
                    kmer = min(kmer, kmer.translate(_COMPLEMENT)[::-1])
                counts[kmer] += 1
        rows.append(counts)
    return rows


def _as_counters(X, names):
    X = sp.csr_matrix(X)
    return [
        Counter({names[j]: v for j, v in zip(row.indices, row.data, strict=True) if v}) for row in X
    ]


def _assert_same_as_count_vectorizer(seqs, k):
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
    expected = vectorizer.fit_transform(seqs)
    encoder = KmerEncoder(k=k)
    X = encoder.fit_transform(seqs)
    column = encoder.vocabulary_
    reordered = X[:, [column[name] for name in vectorizer.get_feature_names_out()]]
    assert (reordered != expected).nnz == 0
    assert X.sum() == expected.sum()  # the columns CountVectorizer lacks are all zero


# --------------------------------------------------------------- KmerEncoder counts


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_counts_equal_count_vectorizer(k):
    seqs = _random_sequences(200, np.random.default_rng(k).integers(k, 80, size=200), seed=k)
    _assert_same_as_count_vectorizer(seqs, k)


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.text(alphabet="ACGT", min_size=6, max_size=60), min_size=1, max_size=20),
    st.integers(1, 6),
)
def test_counts_equal_count_vectorizer_property(seqs, k):
    _assert_same_as_count_vectorizer(seqs, k)


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.text(alphabet="ACGTNacgtnRY", min_size=1, max_size=40), min_size=1, max_size=15),
    st.integers(1, 7),
    st.booleans(),
    st.sampled_from([1, 7, 64, 1 << 17]),
    st.sampled_from([1, 50, 1 << 22]),
)
def test_counts_equal_naive_counter(seqs, k, canonical, windows_per_chunk, batch_bytes):
    encoder = KmerEncoder(k=k, canonical=canonical)
    with pytest.MonkeyPatch.context() as mp:  # small chunks / batches: rows split across them
        mp.setattr(kmer_module, "_WINDOWS_PER_CHUNK", windows_per_chunk)
        mp.setattr(batches_module, "_BATCH_BYTES", batch_bytes)
        X = encoder.fit_transform(seqs)
    assert X.dtype == np.int64 and X.indices.dtype == np.int32
    assert X.has_canonical_format
    assert _as_counters(X, encoder.get_feature_names_out()) == _naive_counts(seqs, k, canonical)


def test_large_k_uses_wide_keys():
    # k=9 needs 32-bit k-mer indices, and one window per row makes 64-bit keys.
    seqs = _random_sequences(50, 9, seed=1) + _random_sequences(50, 11, seed=2, alphabet="ACGTN")
    for canonical in (False, True):
        encoder = KmerEncoder(k=9, canonical=canonical)
        X = encoder.fit_transform(seqs)
        assert _as_counters(X, encoder.get_feature_names_out()) == _naive_counts(seqs, 9, canonical)


def test_output_is_canonical_csr():
    X = KmerEncoder(k=3).fit_transform(_random_sequences(30, 50, alphabet="ACGTN"))
    assert sp.issparse(X) and X.format == "csr"
    assert X.has_sorted_indices and X.has_canonical_format
    assert X.shape == (30, 64)


def test_lower_case_counts_as_upper_case():
    seqs = _random_sequences(20, 30, alphabet="ACGTacgt")
    encoder = KmerEncoder(k=4)
    upper = encoder.fit_transform([s.upper() for s in seqs])
    assert (encoder.transform(seqs) != upper).nnz == 0


def test_kmers_with_n_are_skipped():
    encoder = KmerEncoder(k=2).fit(["A"])
    row = encoder.transform(["AANAAR"]).toarray()[0]
    counts = dict(zip(encoder.get_feature_names_out(), row, strict=True))
    assert counts["AA"] == 2 and sum(counts.values()) == 2


def test_sequences_without_a_full_kmer_give_zero_rows():
    encoder = KmerEncoder(k=4)
    X = encoder.fit_transform(["ACG", "ACGTA", "A", "NNNNNN", "ACNGTNAC"])
    assert_array_equal(X.toarray().sum(axis=1), [0, 2, 0, 0, 0])
    # every sequence shorter than k, and no valid k-mer at all: all-zero matrix
    for seqs in (["ACG", "A"], ["NNNNN"], ["ANNA", "CNNC"]):
        X = encoder.transform(seqs)
        assert X.shape == (len(seqs), 256) and X.nnz == 0 and X.dtype == np.int64


def test_canonical_merges_each_kmer_with_its_reverse_complement():
    seqs = _random_sequences(40, 60, seed=3, alphabet="ACGTN")
    for k in (1, 2, 3, 4):
        plain = KmerEncoder(k=k).fit(seqs)
        canonical = KmerEncoder(k=k, canonical=True).fit(seqs)
        X, X_canonical = plain.transform(seqs).toarray(), canonical.transform(seqs).toarray()
        for name, col in canonical.vocabulary_.items():
            rc = name.translate(_COMPLEMENT)[::-1]
            assert name <= rc
            expected = X[:, plain.vocabulary_[name]]
            if rc != name:  # a palindrome is counted once, not twice
                expected = expected + X[:, plain.vocabulary_[rc]]
            assert_array_equal(X_canonical[:, col], expected)
        assert X_canonical.sum() == X.sum()


def test_canonical_vocabulary_size():
    # (4**k + palindromes) / 2 columns; palindromes exist for even k only
    for k, n_features in [(1, 2), (2, 10), (3, 32), (4, 136), (5, 512), (6, 2080)]:
        encoder = KmerEncoder(k=k, canonical=True).fit(["A"])
        names = encoder.get_feature_names_out()
        assert len(names) == n_features
        assert list(names) == sorted(names)


def test_canonical_is_strand_agnostic():
    from sklearn_attngen.preprocessing import reverse_complement

    seqs = _random_sequences(30, 40, seed=4, alphabet="ACGTN")
    encoder = KmerEncoder(k=5, canonical=True).fit(seqs)
    assert (encoder.transform(seqs) != encoder.transform(reverse_complement(seqs))).nnz == 0


@pytest.mark.parametrize("norm", ["l1", "l2"])
def test_normalize(norm):
    seqs = [*_random_sequences(20, 30, seed=5), "NNNN"]
    counts = KmerEncoder(k=3).fit_transform(seqs).toarray().astype(float)
    X = KmerEncoder(k=3, normalize=norm).fit_transform(seqs)
    assert sp.issparse(X) and X.dtype == np.float64
    ord_ = 1 if norm == "l1" else 2
    norms = np.linalg.norm(counts, ord=ord_, axis=1, keepdims=True)
    assert_allclose(X.toarray()[:-1], counts[:-1] / norms[:-1])
    assert_allclose(np.linalg.norm(X.toarray()[:-1], ord=ord_, axis=1), 1.0)
    assert X[-1].nnz == 0  # a row without k-mers stays zero, no NaN


def test_feature_names_are_all_kmers_in_lexicographic_order():
    for k in range(1, 6):
        encoder = KmerEncoder(k=k).fit(["ACGT"])
        names = encoder.get_feature_names_out()
        assert names.dtype == object
        assert list(names) == ["".join(p) for p in product("ACGT", repeat=k)]
        assert len(names) == 4**k
        assert encoder.vocabulary_ == {name: i for i, name in enumerate(names)}


def test_input_types_give_the_same_counts():
    seqs = _random_sequences(15, 25, seed=6, alphabet="ACGTN")
    codes, _ = encode_sequences(seqs)
    encoder = KmerEncoder(k=3).fit(seqs)
    expected = encoder.transform(seqs)
    for X in (
        np.array(seqs),
        pd.Series(seqs),
        tuple(seqs),
        codes,
        codes_to_one_hot(codes),
    ):
        assert (encoder.transform(X) != expected).nnz == 0


def test_fit_transform_equals_fit_then_transform():
    seqs = _random_sequences(25, np.arange(1, 26), seed=7, alphabet="ACGTN")
    for params in ({"k": 2}, {"k": 4, "canonical": True}, {"k": 3, "normalize": "l2"}):
        a = KmerEncoder(**params).fit_transform(seqs)
        b = KmerEncoder(**params).fit(seqs).transform(seqs)
        assert a.dtype == b.dtype and (a != b).nnz == 0


@pytest.mark.parametrize(
    "params, match",
    [
        ({"k": 0}, "The 'k' parameter of KmerEncoder must be an int in the range"),
        ({"k": 13}, "The 'k' parameter of KmerEncoder must be an int in the range"),
        ({"k": 2.0}, "The 'k' parameter of KmerEncoder must be an int"),
        ({"canonical": "yes"}, "The 'canonical' parameter of KmerEncoder must be"),
        ({"normalize": "max"}, "The 'normalize' parameter of KmerEncoder must be"),
    ],
)
def test_invalid_params_raise(params, match):
    with pytest.raises(ValueError, match=match):
        KmerEncoder(**params).fit(["ACGT"])
    with pytest.raises(ValueError, match=match):
        KmerEncoder(**params).fit_transform(["ACGT"])


def test_invalid_input_raises_in_fit_and_transform():
    encoder = KmerEncoder(k=2)
    with pytest.raises(ValueError, match=r"X\[1\]: invalid character 'Z' at position 0"):
        encoder.fit(["AC", "ZA"])
    encoder.fit(["AC"])
    with pytest.raises(ValueError, match="Tabular numeric features are not DNA"):
        encoder.transform(np.zeros((2, 3)))


def _planted_motif_data(n_samples=160, length=60, seed=0):
    """Class 1 sequences carry the motif GGATCC at a random place; class 0 none."""
    rng = np.random.default_rng(seed)
    seqs = _random_sequences(n_samples, length, seed=seed)
    y = np.arange(n_samples) % 2
    planted = []
    for seq, label in zip(seqs, y, strict=True):
        seq = seq.replace("GGATCC", "GGTTCC")
        if label:
            i = rng.integers(0, length - 6)
            seq = seq[:i] + "GGATCC" + seq[i + 6 :]
        planted.append(seq)
    return planted, y


def test_grid_search_over_k_in_a_pipeline():
    X, y = _planted_motif_data()
    pipe = Pipeline([("kmer", KmerEncoder()), ("lr", LogisticRegression(C=10.0, max_iter=1000))])
    search = GridSearchCV(pipe, {"kmer__k": [1, 6]}, cv=3)
    search.fit(X, y)
    assert search.best_params_ == {"kmer__k": 6}
    assert search.cv_results_["mean_test_score"][1] > 0.9
    assert search.cv_results_["mean_test_score"][0] < 0.8
    assert search.best_estimator_.named_steps["kmer"].k == 6
    assert search.predict(X[:4]).shape == (4,)


# ---------------------------------------------------------------- SequenceEncoder


@pytest.mark.parametrize(
    "layout, shape",
    [("NLC", (3, 5, 4)), ("NCL", (3, 4, 5))],
)
def test_sequence_encoder_shapes_and_layout(layout, shape):
    seqs = ["ACGTN", "ac", "G"]
    encoder = SequenceEncoder(layout=layout)
    X = encoder.fit_transform(seqs)
    assert X.shape == shape and X.dtype == np.float32
    assert encoder.n_positions_ == 5
    codes, _ = encode_sequences(seqs)
    assert_array_equal(X, codes_to_one_hot(codes, layout=layout))


def test_sequence_encoder_pads_shorter_sequences_with_n():
    encoder = SequenceEncoder(n_positions=6).fit(["ACG"])
    assert encoder.n_positions_ == 6
    X = encoder.transform(["AC", "ACGTAC"])
    assert X.shape == (2, 6, 4)
    assert_array_equal(X[0, :2], np.eye(4)[:2])
    assert (X[0, 2:] == 0).all()  # padding: all-zero rows (N)
    assert_array_equal(X.sum(axis=(1, 2)), [2, 6])


def test_sequence_encoder_rejects_longer_than_fitted():
    encoder = SequenceEncoder().fit(["ACGT", "AC"])
    with pytest.raises(ValueError, match=r"X\[1\] has length 5, longer than n_positions_=4"):
        encoder.transform(["A", "ACGTA"])


def test_sequence_encoder_not_fitted_and_invalid_params():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SequenceEncoder().transform(["ACGT"])
    with pytest.raises(ValueError, match="The 'layout' parameter"):
        SequenceEncoder(layout="LNC").fit(["ACGT"])
    with pytest.raises(ValueError, match="The 'n_positions' parameter"):
        SequenceEncoder(n_positions=0).fit(["ACGT"])


def test_sequence_encoder_in_a_pipeline():
    X, y = _planted_motif_data(n_samples=80, length=30, seed=1)
    flatten = FunctionTransformer(lambda a: a.reshape(len(a), -1))
    pipe = make_pipeline(SequenceEncoder(), flatten, LogisticRegression(max_iter=1000))
    pipe.fit(X, y)
    assert pipe.predict(X[:5]).shape == (5,)
    assert pipe.named_steps["sequenceencoder"].n_positions_ == 30
    cloned = clone(pipe).set_params(sequenceencoder__layout="NCL")
    assert cloned.fit(X, y).score(X, y) == pipe.score(X, y)  # same features, reordered


def test_sequence_encoder_flat_layout():
    seqs = ["ACGTN", "ac", "G"]
    encoder = SequenceEncoder(layout="flat")
    X = encoder.fit_transform(seqs)
    assert X.shape == (3, 20) and X.dtype == np.float32
    assert_array_equal(X, SequenceEncoder().fit_transform(seqs).reshape(3, -1))
    names = encoder.get_feature_names_out()
    assert names.dtype == object and len(names) == 20
    assert list(names[:6]) == ["pos0_A", "pos0_C", "pos0_G", "pos0_T", "pos1_A", "pos1_C"]
    assert names[-1] == "pos4_T"
    assert X[0, list(names).index("pos3_T")] == 1 and X[0, 16:].sum() == 0  # N: all zero


@pytest.mark.parametrize("layout", ["NLC", "NCL"])
def test_sequence_encoder_3d_layouts_have_no_feature_names(layout):
    encoder = SequenceEncoder(layout=layout).fit(["ACGT"])
    assert not hasattr(encoder, "get_feature_names_out")
    with pytest.raises(AttributeError) as info:
        encoder.get_feature_names_out()
    assert "needs layout='flat'" in str(info.value.__cause__)
    with pytest.raises(ValueError, match="needs SequenceEncoder\\(layout='flat'\\)"):
        encoder.set_output(transform="pandas")
    with pytest.raises(ValueError, match="needs SequenceEncoder\\(layout='flat'\\)"):
        make_pipeline(SequenceEncoder(layout=layout), LogisticRegression()).set_output(
            transform="pandas"
        )
    assert encoder.set_output(transform="default") is encoder
    # a global pandas setting leaves 3-D arrays as they are (a DataFrame cannot hold them)
    with config_context(transform_output="pandas"):
        assert isinstance(encoder.transform(["AC"]), np.ndarray)


def test_sequence_encoder_flat_pandas_output_and_pipeline():
    X, y = _planted_motif_data(n_samples=80, length=30, seed=1)
    encoder = SequenceEncoder(layout="flat").set_output(transform="pandas")
    frame = encoder.fit_transform(pd.Series(X))
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(encoder.get_feature_names_out())
    assert_array_equal(frame.to_numpy(), SequenceEncoder(layout="flat").fit_transform(X))
    # no reshaping step needed: a scikit-learn model follows directly
    pipe = make_pipeline(SequenceEncoder(layout="flat"), LogisticRegression(max_iter=1000))
    flatten = FunctionTransformer(lambda a: a.reshape(len(a), -1))
    reference = make_pipeline(SequenceEncoder(), flatten, LogisticRegression(max_iter=1000))
    assert_allclose(pipe.fit(X, y).predict_proba(X), reference.fit(X, y).predict_proba(X))
    with config_context(transform_output="pandas"):
        assert isinstance(pipe[:-1].transform(X[:3]), pd.DataFrame)


# ------------------------------------------------- KmerEncoder: dense and pandas output


@pytest.mark.parametrize(
    "params", [{"k": 3}, {"k": 2, "canonical": True}, {"k": 3, "normalize": "l1"}]
)
def test_kmer_dense_output_equals_sparse(params):
    seqs = _random_sequences(20, np.arange(1, 21), seed=8, alphabet="ACGTN")
    sparse = KmerEncoder(**params).fit_transform(seqs)
    encoder = KmerEncoder(**params, sparse_output=False)
    dense = encoder.fit_transform(seqs)
    assert isinstance(dense, np.ndarray) and dense.dtype == sparse.dtype
    assert_array_equal(dense, sparse.toarray())
    assert_array_equal(encoder.transform(seqs), dense)


def test_kmer_sparse_output_refuses_pandas_with_a_clear_error():
    seqs = _random_sequences(5, 12, seed=9)
    encoder = KmerEncoder(k=2).set_output(transform="pandas")
    match = "Pandas output does not support sparse data. Set sparse_output=False"
    with pytest.raises(ValueError, match=match):
        encoder.fit_transform(seqs)
    with pytest.raises(ValueError, match=match):
        encoder.fit(seqs).transform(seqs)
    with config_context(transform_output="pandas"), pytest.raises(ValueError, match=match):
        KmerEncoder(k=2).fit_transform(seqs)
    assert sp.issparse(encoder.set_output(transform="default").transform(seqs))


def test_kmer_pandas_output_with_dense_output():
    seqs = _random_sequences(6, 15, seed=10)
    encoder = KmerEncoder(k=2, sparse_output=False).set_output(transform="pandas")
    frame = encoder.fit_transform(seqs)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(encoder.get_feature_names_out())
    assert_array_equal(frame.to_numpy(), KmerEncoder(k=2).fit_transform(seqs).toarray())
    with config_context(transform_output="pandas"):
        assert isinstance(KmerEncoder(k=1, sparse_output=False).fit_transform(seqs), pd.DataFrame)


def test_kmer_pandas_output_in_a_pipeline():
    X, y = _planted_motif_data(n_samples=80, length=30, seed=2)
    pipe = make_pipeline(
        KmerEncoder(k=3, sparse_output=False), StandardScaler(), LogisticRegression(max_iter=1000)
    ).set_output(transform="pandas")
    pipe.fit(X, y)
    features = pipe[:-1].transform(X[:4])
    assert isinstance(features, pd.DataFrame) and features.columns[0] == "AAA"
    assert features.shape == (4, 64)
    sparse_pipe = make_pipeline(
        KmerEncoder(k=3), StandardScaler(with_mean=False), LogisticRegression(max_iter=1000)
    )
    assert pipe.score(X, y) == pytest.approx(sparse_pipe.fit(X, y).score(X, y), abs=0.05)


# ------------------------------------------------------------- SequenceMemmap input


def _memmap(tmp_path, seqs, name="memmap"):
    return encode_to_memmap(seqs, tmp_path / name)


def _dense(X):
    return X.toarray() if sp.issparse(X) else X


@pytest.mark.parametrize(
    "params",
    [
        {"k": 3},
        {"k": 4, "canonical": True},
        {"k": 2, "normalize": "l2"},
        {"k": 3, "sparse_output": False},
        {"k": 6, "canonical": True},
    ],
)
def test_kmer_encoder_on_memmap_equals_in_memory(tmp_path, params):
    seqs = _random_sequences(40, np.arange(40) % 17 + 2, seed=11, alphabet="ACGTNacgt")
    data = _memmap(tmp_path, seqs)
    expected = KmerEncoder(**params).fit_transform(seqs)
    encoder = KmerEncoder(**params)
    X = encoder.fit_transform(data)
    assert type(X) is type(expected) and X.dtype == expected.dtype
    assert_array_equal(_dense(X), _dense(expected))
    assert_array_equal(_dense(encoder.fit(data).transform(data)), _dense(expected))
    order = np.random.default_rng(0).permutation(40)[:25]  # an indexed view of the file
    assert_array_equal(_dense(encoder.transform(data[order])), _dense(expected)[order])


def test_kmer_encoder_reads_memmap_in_batches(tmp_path, monkeypatch, read_rows):
    seqs = _random_sequences(50, np.arange(50) % 30 + 1, seed=12, alphabet="ACGTN")
    data = _memmap(tmp_path, seqs)
    monkeypatch.setattr(batches_module, "_BATCH_BYTES", 7 * data.n_positions)
    encoder = KmerEncoder(k=3).fit(data)
    assert read_rows == []  # the vocabulary is fixed: fit reads no sequence
    X = encoder.transform(data)
    assert read_rows == [7] * 7 + [1]
    assert (X != KmerEncoder(k=3).fit_transform(seqs)).nnz == 0


@pytest.mark.parametrize("layout", ["NLC", "NCL", "flat"])
def test_sequence_encoder_on_memmap_equals_in_memory(tmp_path, layout):
    seqs = _random_sequences(30, np.arange(30) % 11 + 1, seed=13, alphabet="ACGTNacgt")
    data = _memmap(tmp_path, seqs)
    expected = SequenceEncoder(layout=layout).fit_transform(seqs)
    encoder = SequenceEncoder(layout=layout)
    assert_array_equal(encoder.fit_transform(data), expected)
    assert_array_equal(encoder.fit(data).transform(data), expected)
    assert encoder.n_positions_ == 11
    # a view holding only short sequences: fitted length from its own lengths, and a
    # memmap wider than n_positions_ (padding) still transforms
    short = data[np.flatnonzero(np.arange(30) % 11 < 5)]
    fitted = SequenceEncoder(layout=layout).fit(short)
    assert fitted.n_positions_ == 5
    short_seqs = [s for i, s in enumerate(seqs) if i % 11 < 5]
    assert_array_equal(fitted.transform(short), fitted.transform(short_seqs))
    assert_array_equal(
        SequenceEncoder(layout=layout, n_positions=15).fit(data).transform(data),
        SequenceEncoder(layout=layout, n_positions=15).fit(seqs).transform(seqs),
    )


def test_sequence_encoder_reads_memmap_in_batches(tmp_path, monkeypatch, read_rows):
    seqs = _random_sequences(20, np.arange(20) % 9 + 1, seed=14)
    data = _memmap(tmp_path, seqs)
    monkeypatch.setattr(batches_module, "_BATCH_BYTES", 6 * data.n_positions)
    encoder = SequenceEncoder().fit(data)
    assert read_rows == []  # fit needs the lengths only
    X = encoder.transform(data)
    assert read_rows == [6, 6, 6, 2]
    assert_array_equal(X, SequenceEncoder().fit_transform(seqs))


def test_memmap_errors(tmp_path):
    data = _memmap(tmp_path, ["ACGTACGT", "AC", "ACG"])
    for encoder in (KmerEncoder(k=2), SequenceEncoder()):
        for method in ("fit", "fit_transform"):
            with pytest.raises(ValueError, match="X is an empty SequenceMemmap"):
                getattr(clone(encoder), method)(data[[]])
    encoder = SequenceEncoder().fit(data[1:])
    with pytest.raises(ValueError, match=r"X\[0\] has length 8, longer than n_positions_=3"):
        encoder.transform(data)
    with pytest.raises(ValueError, match=r"X\[0\] has length 8, longer than n_positions=4"):
        SequenceEncoder(n_positions=4).fit(data)
