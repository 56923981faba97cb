"""Keras numeric preprocessing layers in PyTorch (runtime/LAYERS.md).

Classes: Rescaling, CategoryEncoding, Discretization, Hashing, IntegerLookup.
All take Keras's layout.  (Normalization lives in normalization.py.)

The encodings follow keras.src.utils.numerical_utils.encode_categorical_inputs
on TensorFlow: "one_hot" is tf.one_hot (a trailing axis of size 1 is dropped
first; out-of-range ids give zero rows); "multi_hot"/"count" of inputs of
rank <= 2 go through bincount (a rank-1 input is ONE sample; negative ids
raise, ids >= depth are dropped), higher ranks through one_hot reduced over
Keras's axis 1.

Hashing and IntegerLookup(oov_method="farmhash") hash integers as TensorFlow
does: the decimal string of the int64 value, FarmHash Fingerprint64
(tf.strings.to_hash_bucket_fast) or, with a salt, SipHash-2-4 keyed by the
salt (tf.strings.to_hash_bucket_strong), modulo the bins, computed on the CPU
in numpy (Keras also hashes on the CPU).

Not supported (NotImplementedError at construction, the argument named):
strings (no torch tensor holds them: StringLookup, TextVectorization and
string Hashing stay in Keras), sparse=True (no sparse outputs),
adapt() (pass the adapted vocabulary / bin boundaries: Discretization without
bin_boundaries, IntegerLookup without vocabulary), IntegerLookup(vocabulary=<file path>).
"""

from __future__ import annotations

import numpy as np
import torch

from graphc_runtime.torch.layers.base import Layer

__all__ = ["Rescaling", "CategoryEncoding", "Discretization", "Hashing", "IntegerLookup"]


# ------------------------------------------------------------------ encodings
def _one_hot(x, depth, dtype):
    """tf.one_hot: ids outside [0, depth) give zero rows."""
    valid = (x >= 0) & (x < depth)
    out = torch.zeros(*x.shape, depth, dtype=dtype, device=x.device)
    out.scatter_(-1, torch.where(valid, x, 0).unsqueeze(-1).long(), valid.unsqueeze(-1).to(dtype))
    return out


def _bincount(x, depth, binary, dtype, weights=None):
    """tf.math.bincount(x, weights, minlength=maxlength=depth, axis=-1) of a rank 1 or 2 tensor."""
    if bool((x < 0).any()):
        raise ValueError("category ids must be non-negative (Keras's bincount raises on negative ids)")
    keep = x < depth
    idx = torch.where(keep, x, 0).long()
    if weights is None:
        src = keep.to(dtype)
    else:
        src = torch.where(keep, weights.to(dtype), torch.zeros((), dtype=dtype, device=x.device))
    out = torch.zeros(*x.shape[:-1], depth, dtype=dtype, device=x.device)
    out.scatter_add_(-1, idx, src)
    if binary:
        out = (out > 0).to(dtype)
    return out


def encode_categorical(x, output_mode, depth, dtype, count_weights=None):
    """keras.src.utils.numerical_utils.encode_categorical_inputs on TensorFlow (dense)."""
    if output_mode == "int":
        return x.to(dtype)
    if x.ndim == 0:
        x = x.unsqueeze(-1)
    if count_weights is not None and count_weights.ndim == 0:
        count_weights = count_weights.unsqueeze(-1)
    if output_mode in ("multi_hot", "count") and x.ndim <= 2:  # TensorFlow's bincount fast path
        weights = count_weights if output_mode == "count" else None
        return _bincount(x, depth, output_mode == "multi_hot", dtype, weights)
    if output_mode == "one_hot":
        if x.ndim > 1 and x.shape[-1] == 1:
            x = x.squeeze(-1)
        return _one_hot(x, depth, dtype)
    axis = 1 if x.ndim > 1 else 0
    if output_mode == "multi_hot":
        return _one_hot(x, depth, dtype).amax(dim=axis)
    if output_mode == "count":
        dt = dtype if count_weights is None else count_weights.dtype
        oh = _one_hot(x, depth, dt)
        if count_weights is not None:
            oh = oh * count_weights.unsqueeze(-1)
        return oh.sum(dim=axis)
    raise ValueError(f"unknown output_mode {output_mode!r}")


_MODES = ("int", "one_hot", "multi_hot", "count")


def _check_mode(layer, mode, allowed=_MODES):
    if mode not in allowed:
        raise ValueError(f"{layer}(output_mode=...) must be one of {allowed}, got {mode!r}")


def _no_sparse(layer, sparse):
    if sparse:
        raise NotImplementedError(
            f"{layer}(sparse=True) is not supported by graphc_runtime (no sparse outputs)"
        )


# ------------------------------------------------------------------ hashes (numpy, uint64 arithmetic)
_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_K0 = np.uint64(0xC3A5C85C97CB3127)
_K1 = np.uint64(0xB492B66FBE98F273)
_K2 = np.uint64(0x9AE16A3B2F90404F)


def _u(v):
    return np.uint64(v)


def _rot(v, s):
    s = _u(s)
    return (v >> s) | (v << (_u(64) - s)) if s else v


def _fetch(b, off, n):
    """Little-endian unsigned n-byte words of the rows of the byte matrix `b` at offset `off`."""
    out = np.zeros(b.shape[0], dtype=np.uint64)
    for i in range(n):
        out |= b[:, off + i].astype(np.uint64) << _u(8 * i)
    return out


def _shift_mix(v):
    return v ^ (v >> _u(47))


def _hash_len16(u, v, mul):
    a = (u ^ v) * mul
    a ^= a >> _u(47)
    b = (v ^ a) * mul
    b ^= b >> _u(47)
    return b * mul


def _farmhash64(b, n):
    """farmhashna::Hash64 (= TensorFlow's Fingerprint64) of the rows of `b`, all of length n <= 32."""
    ln = _u(n)
    if n > 16:
        mul = _K2 + ln * _u(2)
        a = _fetch(b, 0, 8) * _K1
        bb = _fetch(b, 8, 8)
        c = _fetch(b, n - 8, 8) * mul
        d = _fetch(b, n - 16, 8) * _K2
        return _hash_len16(_rot(a + bb, 43) + _rot(c, 30) + d, a + _rot(bb + _K2, 18) + c, mul)
    if n >= 8:
        mul = _K2 + ln * _u(2)
        a = _fetch(b, 0, 8) + _K2
        bb = _fetch(b, n - 8, 8)
        c = _rot(bb, 37) * mul + a
        d = (_rot(a, 25) + bb) * mul
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _K2 + ln * _u(2)
        a = _fetch(b, 0, 4)
        return _hash_len16(ln + (a << _u(3)), _fetch(b, n - 4, 4), mul)
    if n > 0:
        a, bb, c = (b[:, i].astype(np.uint64) for i in (0, n >> 1, n - 1))
        y = (a + (bb << _u(8))) & _u(0xFFFFFFFF)
        z = (ln + (c << _u(2))) & _u(0xFFFFFFFF)
        return _shift_mix((y * _K2) ^ (z * _K0)) * _K2
    return np.full(b.shape[0], _K2, dtype=np.uint64)


def _siphash24(b, n, key):
    """SipHash-2-4 (TensorFlow's StrongKeyedHash) of the rows of `b`, all of length n, keyed by two uint64."""
    k0, k1 = (_u(int(k) & 0xFFFFFFFFFFFFFFFF) for k in key)
    rows = b.shape[0]
    v = [
        np.full(rows, k0 ^ _u(0x736F6D6570736575), dtype=np.uint64),
        np.full(rows, k1 ^ _u(0x646F72616E646F6D), dtype=np.uint64),
        np.full(rows, k0 ^ _u(0x6C7967656E657261), dtype=np.uint64),
        np.full(rows, k1 ^ _u(0x7465646279746573), dtype=np.uint64),
    ]

    def rounds(k):
        for _ in range(k):
            v[0] += v[1]
            v[1] = _rot(v[1], 64 - 13) ^ v[0]  # rotl(x, r) == rotr(x, 64 - r)
            v[0] = _rot(v[0], 32)
            v[2] += v[3]
            v[3] = _rot(v[3], 64 - 16) ^ v[2]
            v[0] += v[3]
            v[3] = _rot(v[3], 64 - 21) ^ v[0]
            v[2] += v[1]
            v[1] = _rot(v[1], 64 - 17) ^ v[2]
            v[2] = _rot(v[2], 32)

    full = n // 8
    for i in range(full):
        m = _fetch(b, 8 * i, 8)
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    last = _fetch(b, 8 * full, n - 8 * full) | (_u(n & 0xFF) << _u(56))
    v[3] ^= last
    rounds(2)
    v[0] ^= last
    v[2] ^= _u(0xFF)
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def hash_ints(values, num_buckets, salt=None):
    """tf.strings.to_hash_bucket_fast(tf.as_string(values), num_buckets), or
    to_hash_bucket_strong(..., key=salt) with a salt, of an int64 numpy array."""
    flat = np.asarray(values, dtype=np.int64).reshape(-1)
    out = np.zeros(flat.shape, dtype=np.uint64)
    if flat.size:
        text = np.char.encode(flat.astype(str), "ascii")
        lengths = np.char.str_len(text)
        raw = text.astype("S24").view(np.uint8).reshape(-1, 24)
        with np.errstate(over="ignore"):
            for n in np.unique(lengths):
                rows = lengths == n
                b = raw[rows]
                h = _farmhash64(b, int(n)) if salt is None else _siphash24(b, int(n), salt)
                out[rows] = h % _u(num_buckets)
    return out.astype(np.int64).reshape(np.shape(values))


def _salt(layer, salt):
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return [int(s) for s in salt]
    if isinstance(salt, int):
        return [salt, salt]
    raise ValueError(f"{layer}(salt=...) takes an int or two ints, got {salt!r}")


# ------------------------------------------------------------------ layers
class Rescaling(Layer):
    """keras.layers.Rescaling(scale, offset=0.0): float32(x) * scale + offset.
    A list scale/offset runs along Keras's last axis; `dim` (keyword) is the
    torch dimension of that axis (default -1, Keras's layout; 1 for a
    channels-first image)."""

    def __init__(self, scale, offset=0.0, *, dim=-1, name=None):
        super().__init__(name=name)
        self.scale, self.offset, self.dim = scale, offset, int(dim)

    def _value(self, v, x):
        t = torch.as_tensor(np.asarray(v, dtype=np.float32), device=x.device)
        if t.ndim == 1 and self.dim % x.ndim != x.ndim - 1:
            t = t.reshape([-1] + [1] * (x.ndim - 1 - self.dim % x.ndim))
        return t

    def forward(self, x):
        x = x.to(torch.float32)
        return x * self._value(self.scale, x) + self._value(self.offset, x)

    def extra_repr(self):
        return f"scale={self.scale}, offset={self.offset}, name={self.name!r}"


class CategoryEncoding(Layer):
    """keras.layers.CategoryEncoding(num_tokens, output_mode="multi_hot"): integer
    ids -> float32 one_hot / multi_hot / count vectors of size num_tokens.
    forward(x, count_weights=None) (count_weights only with output_mode="count")."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, *, name=None):
        if output_mode == "binary":
            output_mode = "multi_hot"
        _check_mode("CategoryEncoding", output_mode, ("one_hot", "multi_hot", "count"))
        if num_tokens is None or num_tokens < 1:
            raise ValueError(f"CategoryEncoding(num_tokens=...) must be >= 1, got {num_tokens!r}")
        _no_sparse("CategoryEncoding", sparse)
        super().__init__(name=name)
        self.num_tokens, self.output_mode = int(num_tokens), output_mode

    def forward(self, x, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("CategoryEncoding: count_weights needs output_mode='count'")
        if x.is_floating_point():
            x = x.long()
        return encode_categorical(x, self.output_mode, self.num_tokens, torch.float32, count_weights)

    def extra_repr(self):
        return f"{self.num_tokens}, output_mode={self.output_mode!r}, name={self.name!r}"


class Discretization(Layer):
    """keras.layers.Discretization(bin_boundaries=...): the bucket of each value
    (boundaries[i-1] <= x < boundaries[i], in float32), int32, or encoded
    (float32 one_hot / multi_hot / count of depth len(bin_boundaries) + 1).
    Adapted layers: pass Keras's adapted `bin_boundaries` (num_bins is then ignored)."""

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        *,
        name=None,
    ):
        _check_mode("Discretization", output_mode)
        _no_sparse("Discretization", sparse)
        if bin_boundaries is None:
            raise NotImplementedError(
                "Discretization without bin_boundaries (adapt) is not supported by graphc_runtime: "
                "pass the adapted bin_boundaries"
            )
        super().__init__(name=name)
        self.bin_boundaries = [float(b) for b in bin_boundaries]
        self.output_mode = output_mode
        self.register_buffer(
            "boundaries", torch.tensor(self.bin_boundaries, dtype=torch.float32), persistent=False
        )

    def forward(self, x):
        idx = torch.bucketize(x.to(torch.float32), self.boundaries, right=True)
        if self.output_mode == "int":
            return idx.to(torch.int32)
        return encode_categorical(idx, self.output_mode, len(self.bin_boundaries) + 1, torch.float32)

    def extra_repr(self):
        return f"{self.bin_boundaries}, output_mode={self.output_mode!r}, name={self.name!r}"


class Hashing(Layer):
    """keras.layers.Hashing(num_bins, mask_value=None, salt=None, output_mode="int")
    of integer (or float, truncated) inputs: the bin of each value's decimal
    string as TensorFlow hashes it (see the module docstring); with mask_value,
    that value is bin 0 and the others hash into bins 1..num_bins-1.  Outputs:
    int64 bins, or float32 encodings."""

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, *, name=None):
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"Hashing(num_bins=...) must be a positive integer, got {num_bins!r}")
        _check_mode("Hashing", output_mode)
        _no_sparse("Hashing", sparse)
        super().__init__(name=name)
        self.num_bins, self.mask_value, self.output_mode = int(num_bins), mask_value, output_mode
        self.salt = _salt("Hashing", salt)

    def forward(self, x):
        if self.output_mode == "one_hot" and x.ndim and x.shape[-1] == 1:
            x = x.squeeze(-1)
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = x == self.mask_value
        values = x.detach().to("cpu")
        if values.is_floating_point():
            values = values.to(torch.int64)
        hashed = torch.from_numpy(hash_ints(values.to(torch.int64).numpy(), bins, self.salt)).to(x.device)
        if mask is not None:
            hashed = torch.where(mask, torch.zeros_like(hashed), hashed + 1)
        if self.output_mode == "int":
            return hashed
        return encode_categorical(hashed, self.output_mode, self.num_bins, torch.float32)

    def extra_repr(self):
        return f"{self.num_bins}, mask_value={self.mask_value}, output_mode={self.output_mode!r}, name={self.name!r}"


class IntegerLookup(Layer):
    """keras.layers.IntegerLookup with a given `vocabulary` (a list of ints,
    optionally starting with Keras's special tokens: mask then OOV): ids ->
    int64 indices (mask token -> 0, OOV -> the OOV indices: one, or
    floormod(id, num_oov_indices) / a hash with oov_method="farmhash"), or with
    invert=True indices -> tokens; output_mode "one_hot" / "multi_hot" /
    "count" give int64 encodings, "tf_idf" float32 counts * idf_weights (Keras's
    padding of idf_weights), of depth the vocabulary size (or max_tokens with
    pad_to_max_tokens)."""

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        salt=None,
        *,
        name=None,
    ):
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        _check_mode("IntegerLookup", output_mode, _MODES + ("tf_idf",))
        _no_sparse("IntegerLookup", sparse)
        if vocabulary_dtype != "int64":
            raise ValueError("IntegerLookup supports vocabulary_dtype='int64' only, as Keras")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"IntegerLookup(max_tokens=...) must be > 1, got {max_tokens!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("IntegerLookup(pad_to_max_tokens=True) needs max_tokens")
        if num_oov_indices < 0:
            raise ValueError(f"IntegerLookup(num_oov_indices=...) must be >= 0, got {num_oov_indices!r}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"IntegerLookup(oov_method=...) must be 'floormod' or 'farmhash', got {oov_method!r}"
            )
        if salt is not None and oov_method != "farmhash":
            raise ValueError("IntegerLookup(salt=...) needs oov_method='farmhash'")
        if invert and output_mode != "int":
            raise ValueError("IntegerLookup(invert=True) needs output_mode='int'")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("IntegerLookup(idf_weights=...) needs output_mode='tf_idf'")
        if isinstance(vocabulary, str):
            raise NotImplementedError(
                "IntegerLookup(vocabulary=<file>) is not supported by graphc_runtime: pass the list"
            )
        if vocabulary is None:
            raise NotImplementedError(
                "IntegerLookup without a vocabulary (adapt) is not supported by graphc_runtime: "
                "pass the adapted vocabulary"
            )
        super().__init__(name=name)
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode, self.pad_to_max_tokens = (
            bool(invert),
            output_mode,
            bool(pad_to_max_tokens),
        )
        self.oov_method, self.salt = oov_method, _salt("IntegerLookup", salt)
        self._set_vocabulary(np.asarray(vocabulary, dtype=np.int64).reshape(-1), idf_weights)

    # keras.src.layers.preprocessing.index_lookup.IndexLookup
    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def _set_vocabulary(self, vocab, idf_weights):
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("IntegerLookup(output_mode='tf_idf') needs idf_weights with a vocabulary")
        if vocab.size == 0:
            raise ValueError("IntegerLookup: the vocabulary is empty")
        start = self._token_start()
        special = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
        found_special = len(vocab) >= start and [int(v) for v in vocab[:start]] == special
        tokens = vocab[start:] if found_special else vocab
        if len(set(tokens.tolist())) != len(tokens):
            raise ValueError("IntegerLookup: the vocabulary has repeated tokens")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"IntegerLookup: the mask token {self.mask_token} is in the vocabulary")
        if self.invert and self.oov_token is not None and self.oov_token in tokens:
            raise ValueError(f"IntegerLookup: the OOV token {self.oov_token} is in the vocabulary")
        self.vocabulary_size = start + len(tokens)
        if self.max_tokens is not None and self.vocabulary_size > self.max_tokens:
            raise ValueError(
                f"IntegerLookup: a vocabulary of {self.vocabulary_size} is larger than max_tokens={self.max_tokens}"
            )
        order = np.argsort(tokens, kind="stable")
        self.register_buffer("tokens", torch.from_numpy(tokens.copy()), persistent=False)
        self.register_buffer("sorted_tokens", torch.from_numpy(tokens[order].copy()), persistent=False)
        self.register_buffer(
            "sorted_index", torch.from_numpy(order.astype(np.int64) + start), persistent=False
        )
        self.register_buffer("idf", None, persistent=False)
        if self.output_mode == "tf_idf":
            idf = np.asarray(idf_weights, dtype=np.float64)
            if idf.ndim != 1 or len(idf) != len(vocab):
                raise ValueError("IntegerLookup: idf_weights must be 1-D, as long as the vocabulary")
            front, front_value = (0, 0.0) if found_special else (start, float(np.average(idf)))
            back = self.max_tokens - front - len(idf) if self.pad_to_max_tokens else 0
            idf = np.pad(idf, (front, back), "constant", constant_values=(front_value, 0.0))
            self.register_buffer("idf", torch.tensor(idf, dtype=torch.float32), persistent=False)

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size

    def _lookup(self, x):
        if self.invert:
            n, start = len(self.tokens), self._token_start()
            inside = (x >= start) & (x < start + n)
            out = torch.where(inside, self.tokens[(x - start).clamp(0, max(n - 1, 0))], self.oov_token)
            if self.mask_token is not None:
                out = torch.where(x == 0, self.mask_token, out)
            return out
        pos = torch.searchsorted(self.sorted_tokens, x).clamp(max=len(self.sorted_tokens) - 1)
        found = self.sorted_tokens[pos] == x
        default = self._oov_start() if self.num_oov_indices == 1 else -1
        out = torch.where(found, self.sorted_index[pos], default)
        if self.mask_token is not None:
            masked = 0 if self.output_mode == "int" else torch.iinfo(torch.int64).max
            out = torch.where(x == self.mask_token, masked, out)
        if self.num_oov_indices == 0:
            if bool((out == -1).any()):
                bad = x[out == -1].tolist()
                raise ValueError(
                    f"IntegerLookup(num_oov_indices=0): all inputs should be in the vocabulary, found {bad}"
                )
        elif self.num_oov_indices > 1:
            if self.oov_method == "farmhash":
                h = hash_ints(x.detach().cpu().numpy(), self.num_oov_indices, self.salt)
                oov = torch.from_numpy(h).to(x.device)
            else:
                oov = torch.remainder(x, self.num_oov_indices)
            out = torch.where(out == -1, oov + self._oov_start(), out)
        return out

    def forward(self, x):
        x = x.to(torch.int64)
        scalar = x.ndim == 0
        if scalar:
            x = x.unsqueeze(-1)
        out = self._lookup(x)
        if self.output_mode == "int":
            return out.squeeze(-1) if scalar else out
        if self.output_mode == "tf_idf":
            counts = encode_categorical(out, "count", self._depth(), torch.int64)
            return counts.to(torch.float32) * self.idf
        return encode_categorical(out, self.output_mode, self._depth(), torch.int64)

    def extra_repr(self):
        return (
            f"vocabulary_size={self.vocabulary_size}, num_oov_indices={self.num_oov_indices}, "
            f"mask_token={self.mask_token}, invert={self.invert}, output_mode={self.output_mode!r}, "
            f"name={self.name!r}"
        )
