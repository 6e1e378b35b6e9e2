"""Small fitted models shared by the interpretation, evaluation and plotting tests.

Each is fitted once per test session (``lru_cache``); tests must not modify them.
"""

from functools import lru_cache

from sklearn.utils import Bunch

from sklearn_attngen import AttnGenClassifier, CNNBaselineClassifier
from sklearn_attngen.datasets import make_motif_sequences

# Planted CTCF vs SPI1 sites with one shared distractor site, 60 nt. Three residual
# blocks give the attention a receptive field (37 nt) wider than the motifs, which
# spreads it over the whole site: attention AUROC 0.93 on the test split (0.87-0.94
# over model seeds 0-2 with 5 epochs); one block gives about 0.78.
MOTIF_MODEL_PARAMS = dict(
    n_filters=16,
    n_blocks=3,
    attention_size=16,
    n_heads=4,
    positional=False,
    dropout=0.0,
    lr=1e-2,
    batch_size=32,
    max_epochs=4,
    random_state=0,
)


@lru_cache(maxsize=1)
def motif_model():
    """AttnGenClassifier fitted on 600 planted-motif sequences, and a 200-sequence test split."""
    X, y, mask = make_motif_sequences(600, 60, n_distractors=1, random_state=0)
    X_test, y_test, mask_test = make_motif_sequences(200, 60, n_distractors=1, random_state=1)
    clf = AttnGenClassifier(**MOTIF_MODEL_PARAMS).fit(X, y)
    return Bunch(clf=clf, X=X, y=y, mask=mask, X_test=X_test, y_test=y_test, mask_test=mask_test)


TINY_X = ["ACGTTGCAACGTTGCA", "TTTTAAAATTTTAAAA", "ACGTTGCAAC", "TTTTAAAATTTT"] * 6
TINY_Y = [0, 1, 0, 1] * 6


@lru_cache(maxsize=1)
def tiny_attngen():
    """A tiny AttnGenClassifier on variable-length sequences (16 nt at most)."""
    return AttnGenClassifier(
        n_filters=4, n_blocks=1, attention_size=4, n_heads=2, max_epochs=2, random_state=0
    ).fit(TINY_X, TINY_Y)


@lru_cache(maxsize=1)
def tiny_cnn():
    """A tiny CNNBaselineClassifier on 64-nt sequences (its convolutions need about 60)."""
    X = [s * 4 for s in ("ACGTTGCAACGTTGCA", "TTTTAAAATTTTAAAA")] * 8
    y = [0, 1] * 8
    return CNNBaselineClassifier(embedding_dim=4, max_epochs=1, random_state=0).fit(X, y), X, y
