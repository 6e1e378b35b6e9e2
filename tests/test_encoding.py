"""DNA encodings and input validation: round trips, reverse complement, every error path."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

from sklearn_attngen.preprocessing import (
    codes_to_one_hot,
    decode_sequences,
    encode_sequences,
    one_hot_to_codes,
    reverse_complement,
)
from sklearn_attngen.utils import check_sequences

# Unpadded sequences over A, C, G, T, N in both cases.
dna_lists = st.lists(st.text(alphabet="ACGTNacgtn", min_size=1, max_size=30), min_size=1)
code_arrays = st.tuples(st.integers(1, 8), st.integers(1, 20)).flatmap(
    lambda shape: arrays(np.uint8, shape, elements=st.integers(0, 4))
)


def _padded(seqs):
    codes, lengths = encode_sequences(seqs)
    return codes, lengths


# --------------------------------------------------------------------------- encoding


def test_encode_known_values():
    codes, lengths = encode_sequences(["ACGTN", "acgtn", "T"])
    assert codes.dtype == np.uint8
    assert lengths.dtype == np.int64
    assert_array_equal(codes, [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [3, 4, 4, 4, 4]])
    assert_array_equal(lengths, [5, 5, 1])


def test_iupac_codes_become_n():
    codes, _ = encode_sequences(["RYSWKMBDHV", "ryswkmbdhv"])
    assert (codes == 4).all()


def test_padding_is_n_and_lengths_are_real_lengths():
    codes, lengths = encode_sequences(["ACGTACGT", "AC", "G"])
    assert codes.shape == (3, 8)
    assert_array_equal(lengths, [8, 2, 1])
    assert (codes[1, 2:] == 4).all() and (codes[2, 1:] == 4).all()
    assert decode_sequences(codes, lengths) == ["ACGTACGT", "AC", "G"]
    assert decode_sequences(codes)[1] == "ACNNNNNN"


def test_one_hot_known_values_and_layouts():
    codes = np.array([[0, 1, 2, 3, 4]], dtype=np.uint8)
    nlc = codes_to_one_hot(codes)
    assert nlc.shape == (1, 5, 4) and nlc.dtype == np.float32
    assert_array_equal(nlc[0], np.vstack([np.eye(4), np.zeros(4)]))
    ncl = codes_to_one_hot(codes, layout="NCL")
    assert ncl.shape == (1, 4, 5) and ncl.flags.c_contiguous
    assert_array_equal(ncl, nlc.transpose(0, 2, 1))
    assert codes_to_one_hot(codes, dtype=np.uint8).dtype == np.uint8


@pytest.mark.parametrize("layout", ["NLC", "NCL"])
def test_round_trip_strings_codes_one_hot(layout):
    seqs = ["ACGTNacgtn", "GATTACA", "n"]
    codes, lengths = encode_sequences(seqs)
    one_hot = codes_to_one_hot(codes, layout=layout)
    assert_array_equal(one_hot_to_codes(one_hot, layout=layout), codes)
    assert decode_sequences(one_hot_to_codes(one_hot, layout=layout), lengths) == [
        s.upper() for s in seqs
    ]


@settings(deadline=None)  # no wall-clock limit on a shared machine
@given(dna_lists, st.sampled_from(["NLC", "NCL"]))
def test_round_trip_property(seqs, layout):
    codes, lengths = encode_sequences(seqs)
    assert_array_equal(lengths, [len(s) for s in seqs])
    one_hot = codes_to_one_hot(codes, layout=layout)
    assert one_hot.sum() == sum(s.upper().count(b) for s in seqs for b in "ACGT")
    back = one_hot_to_codes(one_hot, layout=layout)
    assert_array_equal(back, codes)
    assert decode_sequences(back, lengths) == [s.upper() for s in seqs]


@settings(deadline=None)  # no wall-clock limit on a shared machine
@given(code_arrays)
def test_codes_one_hot_round_trip_property(codes):
    assert_array_equal(one_hot_to_codes(codes_to_one_hot(codes)), codes)
    assert_array_equal(check_sequences(codes)[0], codes)


def test_check_sequences_accepts_every_container():
    seqs = ["ACGT", "GGN"]
    expected, expected_lengths = check_sequences(seqs)
    for X in (
        tuple(seqs),
        np.array(seqs),
        np.array(seqs, dtype=object),
        np.array(seqs)[:, None],
        pd.Series(seqs, index=[10, 20]),
        pd.DataFrame({"sequence": seqs}),
    ):
        codes, lengths = check_sequences(X)
        assert_array_equal(codes, expected)
        assert_array_equal(lengths, expected_lengths)


def test_check_sequences_one_hot_input():
    one_hot = np.zeros((2, 3, 4), dtype=bool)
    one_hot[0, 0, 2] = one_hot[1, 2, 3] = True
    codes, lengths = check_sequences(one_hot)
    assert_array_equal(codes, [[2, 4, 4], [4, 4, 3]])
    assert_array_equal(lengths, [3, 3])


# ------------------------------------------------------------------- reverse complement


def test_reverse_complement_known_values():
    assert reverse_complement("AACGn") == "nCGTT"
    assert reverse_complement("ACGTRYKMBVDH") == "DHBVKMRYACGT"
    assert reverse_complement(("AC", "ggt")) == ["GT", "acc"]
    codes = np.array([[0, 0, 1, 4]], dtype=np.uint8)
    assert_array_equal(reverse_complement(codes), [[4, 2, 3, 3]])


def test_reverse_complement_keeps_container_type():
    array = reverse_complement(np.array(["AACG", "TT"]))
    assert isinstance(array, np.ndarray) and array.dtype.kind == "U"
    assert_array_equal(array, ["CGTT", "AA"])
    objects = reverse_complement(np.array(["AACG", "TT"], dtype=object))
    assert objects.dtype == object and list(objects) == ["CGTT", "AA"]
    series = reverse_complement(pd.Series(["AACG", "TT"], index=[5, 6], name="seq"))
    assert isinstance(series, pd.Series) and series.name == "seq"
    assert series.to_dict() == {5: "CGTT", 6: "AA"}
    frame = reverse_complement(pd.DataFrame({"sequence": ["AACG"]}))
    assert frame["sequence"].tolist() == ["CGTT"]


def test_reverse_complement_padded_codes_keep_padding_at_the_end():
    codes, lengths = encode_sequences(["AACG", "TC"])
    rc = reverse_complement(codes, lengths=lengths)
    assert_array_equal(rc, [[1, 2, 3, 3], [2, 0, 4, 4]])
    assert decode_sequences(rc, lengths) == ["CGTT", "GA"]
    # without lengths the padding is reversed too: it moves to the front
    assert decode_sequences(reverse_complement(codes))[1] == "NNGA"


@pytest.mark.parametrize("layout", ["NLC", "NCL"])
def test_reverse_complement_one_hot_with_lengths(layout):
    codes, lengths = encode_sequences(["AACG", "TC"])
    one_hot = codes_to_one_hot(codes, layout=layout)
    rc = reverse_complement(one_hot, lengths=lengths, layout=layout)
    assert rc.shape == one_hot.shape and rc.dtype == one_hot.dtype
    assert_array_equal(
        one_hot_to_codes(rc, layout=layout), reverse_complement(codes, lengths=lengths)
    )


@settings(deadline=None)  # no wall-clock limit on a shared machine
@given(dna_lists)
def test_reverse_complement_is_an_involution_on_strings(seqs):
    assert reverse_complement(reverse_complement(seqs)) == seqs
    assert [reverse_complement(reverse_complement(s)) for s in seqs] == seqs


@settings(deadline=None)  # no wall-clock limit on a shared machine
@given(dna_lists, st.sampled_from(["NLC", "NCL"]))
def test_reverse_complement_is_an_involution_on_arrays(seqs, layout):
    codes, lengths = encode_sequences(seqs)
    for kwargs in ({}, {"lengths": lengths}):
        assert_array_equal(reverse_complement(reverse_complement(codes, **kwargs), **kwargs), codes)
        one_hot = codes_to_one_hot(codes, layout=layout)
        twice = reverse_complement(
            reverse_complement(one_hot, layout=layout, **kwargs), layout=layout, **kwargs
        )
        assert_array_equal(twice, one_hot)


@settings(deadline=None)  # no wall-clock limit on a shared machine
@given(dna_lists)
def test_reverse_complement_agrees_across_representations(seqs):
    codes, lengths = encode_sequences(seqs)
    from_strings, _ = encode_sequences(reverse_complement(seqs))
    assert_array_equal(reverse_complement(codes, lengths=lengths), from_strings)
    one_hot = codes_to_one_hot(codes)
    assert_array_equal(one_hot_to_codes(reverse_complement(one_hot, lengths=lengths)), from_strings)


def test_reverse_complement_errors():
    with pytest.raises(ValueError, match=r"X\[0\]: invalid character 'X' at position 1"):
        reverse_complement("AXG")
    with pytest.raises(ValueError, match=r"X\[1\]: invalid character '-' at position 0"):
        reverse_complement(["ACG", "-A"])
    with pytest.raises(ValueError, match="lengths is for padded codes or one-hot"):
        reverse_complement(["ACG"], lengths=[1])
    codes = np.zeros((2, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"lengths\[1\] = 4: lengths must lie in \[1, 3\]"):
        reverse_complement(codes, lengths=[1, 4])
    with pytest.raises(ValueError, match=r"lengths must be 2 integers, one per sequence"):
        reverse_complement(codes, lengths=[1])
    with pytest.raises(ValueError, match=r"'layout' parameter of .* must be a str among"):
        reverse_complement(codes_to_one_hot(codes), layout="LNC")


# ------------------------------------------------------------------------ error paths


@pytest.mark.parametrize(
    "X, match",
    [
        (["ACGT", "ACXT"], r"X\[1\]: invalid character 'X' at position 2"),
        (["ACGT", "AC T"], r"X\[1\]: invalid character ' ' at position 2"),
        (["ACGT", "ACGé"], r"X\[1\]: invalid character 'é' at position 3"),
        (["ACGU"], r"X\[0\]: invalid character 'U' at position 3"),
        (["ACGT", "A", ""], r"X\[2\]: empty sequence"),
        ([], "X is empty: at least one sequence is required"),
        (np.array([], dtype=str), "X is empty"),
        (np.array(["ACGT", "TT"])[None, :], r"holds strings but has shape \(1, 2\)"),
        (pd.Series(["ACGT", None, np.nan]), "missing value at index 1 \\(2 missing in total\\)"),
        (pd.DataFrame({"a": ["A"], "b": ["C"]}), "DataFrame with 2 columns"),
        (np.zeros((2, 3, 5)), "3-D array with 5 channels"),
        (np.zeros((2, 0, 4)), "sequences of length 0"),
        (np.full((1, 2, 4), 0.5), r"X\[0, 0\] = \[0.5, 0.5, 0.5, 0.5\] is not a one-hot row"),
        (np.ones((1, 2, 4)), r"X\[0, 0\] = \[1.0, 1.0, 1.0, 1.0\] is not a one-hot row"),
        (np.array([[[1, 0, 0, 0], [0, 2, 0, 0]]]), r"X\[0, 1\] = \[0, 2, 0, 0\]"),
        (np.array([[[1, 0, 0, 0], [np.nan, 0, 0, 0]]]), "contains NaN or infinity"),
        (np.random.default_rng(0).random((3, 4)), "2-D float64 array of shape \\(3, 4\\)"),
        (np.zeros((3, 4), dtype=np.int64), "2-D int64 array"),
        (np.array([1.0, np.nan]), "1-D float64 array"),
        (np.array([[0, 5]], dtype=np.uint8), "uint8 code array with value 5; codes are 0..4"),
        (np.zeros((2, 0), dtype=np.uint8), "sequences of length 0"),
    ],
)
def test_check_sequences_value_errors(X, match):
    with pytest.raises(ValueError, match=match):
        check_sequences(X)


@pytest.mark.parametrize(
    "X, match",
    [
        ("ACGT", "X is a single str; pass a list of sequences"),
        (b"ACGT", "X is a single bytes"),
        (None, "X is None"),
        (42, "X of type int is not a collection of sequences"),
        (["ACGT", None], r"X\[1\] is NoneType \(None\), not str"),
        ([None, "ACGT"], r"X\[0\] is NoneType"),
        (["ACGT", 1.5], r"X\[1\] is float \(1.5\), not str"),
        ([float("nan")], r"X\[0\] is float \(nan\), not str"),
        (["ACGT", b"ACGT"], r"X\[1\] is bytes \(b'ACGT'\), not str"),
        ([b"ACGT"], r"X\[0\] is bytes"),
        (np.array(["ACGT", None], dtype=object), r"X\[1\] is NoneType"),
        (np.array([b"ACGT"]), "holds bytes; decode it to str first"),
        (np.zeros((2, 3), dtype=complex), "has dtype complex128"),
    ],
)
def test_check_sequences_type_errors(X, match):
    with pytest.raises(TypeError, match=match):
        check_sequences(X)


def test_check_sequences_uses_name_in_messages():
    with pytest.raises(ValueError, match=r"codes\[0\]: invalid"):
        check_sequences(["Z"], name="codes")


def test_error_reports_index_beyond_the_first_chunk(monkeypatch):
    from sklearn_attngen.utils import _validation

    monkeypatch.setattr(_validation, "_CHUNK", 2)
    with pytest.raises(ValueError, match=r"X\[4\]: invalid character 'Z' at position 1"):
        check_sequences(["A", "CC", "G", "TT", "AZ"])


def test_decode_sequences_errors():
    codes = np.zeros((2, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"lengths\[0\] = 0: lengths must lie in \[1, 3\]"):
        decode_sequences(codes, [0, 3])
    with pytest.raises(ValueError, match=r"lengths must be 2 integers, one per sequence"):
        decode_sequences(codes, [1, 2, 3])
    with pytest.raises(ValueError, match="uint8 code array with value 7"):
        decode_sequences(codes + 7)


def test_one_hot_to_codes_errors():
    with pytest.raises(ValueError, match=r"one_hot must be 3-D, got shape \(2, 4\)"):
        one_hot_to_codes(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"'layout' parameter of .* must be a str among"):
        one_hot_to_codes(np.zeros((1, 2, 4)), layout="nlc")
    # an NCL array read as NLC has the wrong channel count
    with pytest.raises(ValueError, match="one_hot is a 3-D array with 7 channels"):
        one_hot_to_codes(np.zeros((1, 4, 7)))
    with pytest.raises(ValueError, match=r"'layout' parameter of .* must be a str among"):
        codes_to_one_hot(np.zeros((1, 2), dtype=np.uint8), layout="NTC")


# ------------------------------------------------------------ caller's data unchanged


def test_inputs_are_not_modified():
    seqs = ["ACGTN", "ac", "RYN"]
    as_list = list(seqs)
    as_array = np.array(seqs)
    as_series = pd.Series(seqs, index=[3, 1, 2])
    codes, lengths = encode_sequences(seqs)
    codes_before = codes.copy()
    one_hot = codes_to_one_hot(codes)
    one_hot_before = one_hot.copy()
    for X in (as_list, as_array, as_series):
        check_sequences(X)
        reverse_complement(X)
    check_sequences(codes)[0][:] = 0  # the returned codes are a copy
    reverse_complement(codes, lengths=lengths)
    decode_sequences(codes, lengths)
    codes_to_one_hot(codes)
    one_hot_to_codes(one_hot)
    check_sequences(one_hot)
    reverse_complement(one_hot, lengths=lengths)
    assert as_list == seqs
    assert_array_equal(as_array, seqs)
    pd.testing.assert_series_equal(as_series, pd.Series(seqs, index=[3, 1, 2]))
    assert_array_equal(codes, codes_before)
    assert_array_equal(one_hot, one_hot_before)


def test_read_only_inputs_are_accepted():
    codes, lengths = encode_sequences(["ACGT", "GG"])
    codes.setflags(write=False)
    one_hot = codes_to_one_hot(codes)
    one_hot.setflags(write=False)
    assert_array_equal(check_sequences(codes)[0], codes)
    assert_array_equal(one_hot_to_codes(one_hot), codes)
    assert reverse_complement(codes, lengths=lengths).flags.writeable
    assert reverse_complement(one_hot, lengths=lengths).flags.writeable
