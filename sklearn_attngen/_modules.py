"""PyTorch modules: the AttnGen network and the Genomic Benchmarks CNN baseline.

Both take ``codes`` (uint8 / long, shape (batch, length), A, C, G, T = 0..3,
N and padding = 4) and ``lengths`` (batch,), the real length of each sequence.
"""

from copy import deepcopy

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from .utils import N_CODE

__all__ = ["GBCNN", "AttnGenNet"]


def one_hot(codes):
    """(batch, length) codes -> (batch, 4, length) float one-hot; N is all zeros."""
    return F.one_hot(codes.long(), 5)[..., :4].transpose(1, 2).float()


_COMPLEMENT = (3, 2, 1, 0, N_CODE)  # A <-> T, C <-> G, N stays N


def reverse_complement_codes(codes, lengths):
    """Reverse complement of a padded batch of codes; padding stays at the end.

    ``codes`` (batch, length) uint8 or long, ``lengths`` (batch,). Position
    ``j < lengths[i]`` of the result is the complement of position
    ``lengths[i] - 1 - j``; the same index maps a per-position score back.
    """
    complement = torch.as_tensor(_COMPLEMENT, dtype=codes.dtype, device=codes.device)
    return complement[reverse_positions(codes, lengths).long()]


def reverse_positions(values, lengths):
    """Reverse the first ``lengths[i]`` positions (axis 1) of each row; the rest stay."""
    positions = torch.arange(values.shape[1], device=values.device)
    lengths = lengths.to(values.device)[:, None]
    source = torch.where(positions < lengths, lengths - 1 - positions, positions)
    return torch.gather(values, 1, source)


def padding_mask(codes, lengths):
    """(batch, length) bool, True on real positions."""
    positions = torch.arange(codes.shape[1], device=codes.device)
    return positions[None, :] < lengths.to(codes.device)[:, None]


class Exp(nn.Module):
    """Exponential activation (Koo & Ploenzke 2021), its input clamped at 10 against overflow."""

    def forward(self, v):
        return torch.exp(v.clamp(max=10.0))


_STEM_ACTIVATIONS = {"gelu": nn.GELU, "exp": Exp}


class _ResidualBlock(nn.Module):
    """Dilated convolution, batch norm, GELU and channel dropout, with a residual connection.

    The dropout zeroes whole channels (:class:`torch.nn.Dropout1d`): one draw
    per sequence and channel rather than per position, a sixth of the cost of
    element-wise dropout's draws on a CPU.
    """

    def __init__(self, n_filters, kernel_size, dilation, dropout):
        super().__init__()
        padding = dilation * (kernel_size - 1) // 2  # "same" length for odd kernels
        self.conv = nn.Conv1d(n_filters, n_filters, kernel_size, padding=padding, dilation=dilation)
        self.norm = nn.BatchNorm1d(n_filters)
        self.activation = nn.GELU()  # a module, so attribution rules (DeepLIFT) see it
        self.dropout = nn.Dropout1d(dropout)

    def forward(self, h):
        return h + self.dropout(self.activation(self.norm(self.conv(h))))


class AttnGenNet(nn.Module):
    """Convolutional backbone with attention pooling: logits and per-position attention.

    Parameters
    ----------
    n_outputs : int
        Number of outputs: class logits, or regression targets.
    max_length : int
        Longest sequence the learned positional embedding covers.
    n_filters : int, default=64
        Channels of every convolution.
    kernel_size : int, default=9
        Width of the first convolution (motif detector).
    n_blocks : int, default=2
        Residual dilated convolution blocks (kernel 5, dilation 1, 2, 4, ...).
    dropout : float, default=0.1
    attention_size : int, default=64
        Hidden size of the additive attention scorer.
    n_heads : int, default=4
        Attention heads; each pools the features with its own weights.
    positional : bool or "zeros", default=True
        Add a learned positional embedding (needed where the signal sits at a
        fixed offset, e.g. splice sites), drawn from N(0, 1); ``"zeros"``
        starts it at zero, so the network reads every position alike until
        training finds that position matters.
    stem_activation : {"gelu", "exp"}, default="gelu"
        Activation of the first convolution; ``"exp"`` is the exponential
        activation of Koo & Ploenzke (2021), which makes first-layer filters
        match whole motifs.

    Notes
    -----
    ``forward(codes, lengths)`` returns ``(logits, attention)``: attention has
    shape (batch, length), is the mean of the heads' softmax weights, sums to 1
    over real positions and is 0 on padding. The AttnGen masking step replaces
    codes by N before they reach the network (see
    :class:`~sklearn_attngen.callbacks.ProgressiveMasking`).
    """

    def __init__(
        self,
        n_outputs,
        max_length,
        n_filters=64,
        kernel_size=9,
        n_blocks=2,
        dropout=0.1,
        attention_size=64,
        n_heads=4,
        positional=True,
        stem_activation="gelu",
    ):
        super().__init__()
        self.max_length = max_length
        self.stem = nn.Sequential(
            nn.Conv1d(4, n_filters, kernel_size, padding="same"),
            nn.BatchNorm1d(n_filters),
            _STEM_ACTIVATIONS[stem_activation](),
        )
        self.position = None
        if positional:
            self.position = nn.Embedding(max_length, n_filters)  # drawn from N(0, 1)
            if positional == "zeros":
                nn.init.zeros_(self.position.weight)
        self.blocks = nn.ModuleList(
            _ResidualBlock(n_filters, 5, 2**i, dropout) for i in range(n_blocks)
        )
        self.score = nn.Sequential(
            nn.Linear(n_filters, attention_size), nn.Tanh(), nn.Linear(attention_size, n_heads)
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(n_filters * n_heads, n_outputs)

    def attention_logits(self, codes, lengths):
        """Features, attention logits and real-position mask of a batch of codes.

        Returns
        -------
        features : Tensor of shape (batch, length, n_filters)
            Zero on padding.
        logits : Tensor of shape (batch, length, n_heads)
            Attention scores before the softmax; -inf on padding.
        mask : Tensor of shape (batch, length), dtype bool
            True on real positions.
        """
        return self.attention_logits_one_hot(one_hot(codes), lengths)

    def attention_logits_one_hot(self, x, lengths):
        """:meth:`attention_logits` from a float one-hot input ``x`` (batch, 4, length)."""
        if x.shape[2] > self.max_length:
            raise ValueError(
                f"sequences of length {x.shape[2]} exceed the {self.max_length} positions "
                "the model was fitted on."
            )
        mask = padding_mask(x[:, 0], lengths)
        h = self.stem(x)
        if self.position is not None:
            h = h + self.position.weight[: x.shape[2]].T[None]
        keep = None if bool(mask.all()) else mask[:, None, :].to(h.dtype)  # None: no padding
        for block in self.blocks:
            h = block(h if keep is None else h * keep)
        h = (h if keep is None else h * keep).transpose(1, 2)
        logits = self.score(h).masked_fill(~mask[..., None], float("-inf"))
        return h, logits, mask

    def forward(self, codes, lengths):
        return self.forward_one_hot(one_hot(codes), lengths)

    def folded(self):
        """An evaluation-mode copy with each batch norm folded into the convolution before it.

        The same function up to rounding; its backward pass skips batch
        norm's (a third of the CPU time of :meth:`AttnGenClassifier.saliency`).
        """
        copy = deepcopy(self).eval()
        if isinstance(copy.stem[1], nn.BatchNorm1d):  # subclasses may have replaced it
            copy.stem[0] = fuse_conv_bn_eval(copy.stem[0], copy.stem[1])
            copy.stem[1] = nn.Identity()
        for block in copy.blocks:
            if isinstance(block.norm, nn.BatchNorm1d):
                block.conv = fuse_conv_bn_eval(block.conv, block.norm)
                block.norm = nn.Identity()
        return copy

    def forward_one_hot(self, x, lengths, *, fixed_attention=False):
        """:meth:`forward` from a float one-hot input ``x`` (batch, 4, length).

        Differentiable in ``x``, for gradient attributions
        (:func:`sklearn_attngen.interpret.attribute`); an all-zero column is N.
        With ``fixed_attention`` the attention weights are detached: gradients
        flow through the pooled features (the value path) only.
        """
        h, logits, _ = self.attention_logits_one_hot(x, lengths)
        weights = torch.softmax(logits, dim=1, dtype=torch.float32)  # (batch, length, heads)
        if fixed_attention:
            weights = weights.detach()
        pooled = torch.einsum("blh,blf->bhf", weights, h).flatten(1)
        return self.head(self.dropout(pooled)), weights.mean(dim=2)


class GBCNN(nn.Module):
    """The Genomic Benchmarks CNN baseline (``genomic_benchmarks.models.torch.CNN``).

    Same layers: embedding (vocabulary A, C, G, T, N), three Conv1d layers
    (16, 8, 4 filters, kernel 8) with batch norm and max pooling (ReLU after
    the first only, as in the original), a 512-unit dense layer and the output
    layer. One fix: the original applied a sigmoid before
    ``binary_cross_entropy_with_logits`` for two classes (a double sigmoid);
    here the module returns one logit per class for plain cross-entropy, which
    for two classes is the binary logistic loss on the logit difference.

    Parameters
    ----------
    n_outputs : int
        Number of class logits.
    max_length : int
        Longest accepted input. Inputs are padded with N to
        ``max(max_length, GBCNN.min_length)`` (the dense layer is sized for
        that): three kernel-8 convolutions with pooling need at least
        ``min_length`` = 57 positions.
    embedding_dim : int, default=100
        As in the Genomic Benchmarks notebooks.
    """

    min_length = 57  # shortest input the three conv + pool stages accept

    def __init__(self, n_outputs, max_length, embedding_dim=100):
        super().__init__()
        self.max_length = max_length
        self.input_length = max(max_length, self.min_length)
        self.embeddings = nn.Embedding(5, embedding_dim)
        self.cnn_model = nn.Sequential(
            nn.Conv1d(embedding_dim, 16, kernel_size=8),
            nn.BatchNorm1d(16),
            nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(16, 8, kernel_size=8),
            nn.BatchNorm1d(8),
            nn.MaxPool1d(2),
            nn.Conv1d(8, 4, kernel_size=8),
            nn.BatchNorm1d(4),
            nn.MaxPool1d(2),
            nn.Flatten(),
        )
        self.cnn_model.eval()  # size probe: leave the batch-norm running statistics alone
        with torch.no_grad():
            n_flat = self.cnn_model(torch.zeros(1, embedding_dim, self.input_length)).shape[1]
        self.cnn_model.train()
        self.dense_model = nn.Sequential(nn.Linear(n_flat, 512), nn.Linear(512, n_outputs))

    def forward(self, codes, lengths):
        return self.forward_one_hot(one_hot(codes), lengths)

    def forward_one_hot(self, x, lengths):
        """:meth:`forward` from a float one-hot input ``x`` (batch, 4, length).

        The embedding lookup written as a product with the one-hot input (an
        all-zero column takes the N embedding), so it is differentiable in
        ``x`` and equal to the lookup on one-hot input.
        """
        if x.shape[2] > self.max_length:
            raise ValueError(
                f"sequences of length {x.shape[2]} exceed the {self.max_length} positions "
                "the model was fitted on."
            )
        x = F.pad(x, (0, self.input_length - x.shape[2]))  # zero columns: N
        weight = self.embeddings.weight
        n_weight = (1 - x.sum(dim=1, keepdim=True)) * weight[N_CODE][None, :, None]
        embedded = torch.einsum("bcl,cd->bdl", x, weight[:N_CODE]) + n_weight
        return self.dense_model(self.cnn_model(embedded))
