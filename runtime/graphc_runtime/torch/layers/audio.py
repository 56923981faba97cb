"""Keras audio preprocessing layers in PyTorch (runtime/LAYERS.md).

- MelSpectrogram(fft_length=2048, sequence_stride=512, sequence_length=None,
  window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None,
  power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0):
  signals (N, samples) -> (N, num_mel_bins, frames), Keras's layout (no inferred
  size).  keras.ops.stft with center=True (reflect padding by fft_length // 2, TF's
  periodic Hann / Hamming window of sequence_length centred in fft_length, frames of
  fft_length every sequence_stride), |X| ** mag_exp, Keras's HTK mel matrix
  (linear_to_mel_weight_matrix, float32 as TF computes it) and, with power_to_db,
  10 log10(max(p, min_power)) - 10 log10(max(|ref_power|, min_power)) floored at the
  maximum over the WHOLE batch minus top_db (Keras takes one maximum for the batch).
  No weights.
- STFTSpectrogram(mode="log", frame_length=256, frame_step=None, fft_length=None,
  window="hann", periodic=False, scaling="density", padding="valid",
  expand_dims=False): channels-first signals (N, C, T) (Keras: (N, T, C)) ->
  (N, C * F, T') ((N, C, T', F) with expand_dims), the channels-first form of Keras's
  (N, T', C * F) ((N, T', F, C)); F = fft_length // 2 + 1 (twice that for mode="stft").
  Its weights are Keras's real_kernel / imag_kernel, shape (frame_length, 1, F),
  initialised as keras.initializers.STFT (scipy.signal.get_window for the window:
  SciPy is needed to build the layer) and trainable as in Keras; each channel is
  convolved with them (stride frame_step, TF's "same" padding split).

Inputs must be floating point (Keras converts them to float32).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from graphc_runtime.torch.layers.base import Layer

__all__ = ["MelSpectrogram", "STFTSpectrogram"]

_f32 = np.float32


def tf_window(name: str, length: int) -> np.ndarray:
    """tf.signal.hann_window / hamming_window(length, periodic=True), float32."""
    a, b = (0.5, 0.5) if name == "hann" else (0.54, 0.46)
    if length == 1:
        return np.ones(1, dtype=_f32)
    even = 1 - length % 2
    n = _f32(length + even - 1)
    count = np.arange(length, dtype=_f32)
    arg = _f32(2 * np.pi) * count / n
    return (_f32(a) - _f32(b) * np.cos(arg)).astype(_f32)


def _linspace(start, stop, num):
    """tf.linspace in float32: start + i * ((stop - start) / (num - 1)), the last value `stop`."""
    start, stop = _f32(start), _f32(stop)
    if num == 1:
        return np.array([start], dtype=_f32)
    delta = (stop - start) / _f32(num - 1)
    out = start + np.arange(num, dtype=_f32) * delta
    out[-1] = stop
    return out.astype(_f32)


def _hz_to_mel(f):
    return _f32(1127.0) * np.log(_f32(1.0) + (np.asarray(f, dtype=_f32) / _f32(700.0)))


def mel_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz, upper_edge_hertz):
    """MelSpectrogram.linear_to_mel_weight_matrix, float32 (F, num_mel_bins)."""
    nyquist = _f32(sampling_rate) / _f32(2.0)
    freqs = _linspace(0.0, nyquist, num_spectrogram_bins)[1:]
    bins_mel = _hz_to_mel(freqs).astype(_f32)[:, None]
    edges = _linspace(
        _hz_to_mel(_f32(lower_edge_hertz)), _hz_to_mel(_f32(upper_edge_hertz)), num_mel_bins + 2
    )
    lower, center, upper = (edges[i : i + num_mel_bins][None, :] for i in range(3))
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    w = np.maximum(_f32(0), np.minimum(lower_slopes, upper_slopes)).astype(_f32)
    return np.pad(w, [[1, 0], [0, 0]])


class MelSpectrogram(Layer):
    """keras.layers.MelSpectrogram: (N, samples) -> (N, num_mel_bins, frames)."""

    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        *,
        name=None,
    ):
        Layer.__init__(self, name=name)
        self.fft_length, self.sequence_stride = int(fft_length), int(sequence_stride)
        self.sequence_length = int(sequence_length or fft_length)
        if self.fft_length < self.sequence_length:
            raise ValueError(
                f"MelSpectrogram: fft_length ({fft_length}) must be >= sequence_length ({self.sequence_length})"
            )
        if window not in ("hann", "hamming", None):
            raise NotImplementedError(f"MelSpectrogram: window {window!r} (only 'hann', 'hamming' or None)")
        self.window = window
        self.sampling_rate, self.num_mel_bins = int(sampling_rate), int(num_mel_bins)
        self.min_freq = float(min_freq)
        self.max_freq = float(max_freq or int(sampling_rate / 2))
        self.power_to_db, self.top_db = bool(power_to_db), float(top_db)
        self.mag_exp, self.min_power, self.ref_power = float(mag_exp), float(min_power), float(ref_power)
        win = (
            np.ones(self.sequence_length, dtype=_f32)
            if window is None
            else tf_window(window, self.sequence_length)
        )
        l_pad = (self.fft_length - self.sequence_length) // 2
        win = np.pad(win, [l_pad, self.fft_length - self.sequence_length - l_pad])
        self.register_buffer("window_array", torch.from_numpy(win.astype(_f32)), persistent=False)
        mel = mel_matrix(
            self.num_mel_bins, self.fft_length // 2 + 1, self.sampling_rate, self.min_freq, self.max_freq
        )
        self.register_buffer("mel_matrix", torch.from_numpy(mel), persistent=False)

    def stft(self, x):
        """(real, imag) of keras.ops.stft(x, ..., center=True): (N, frames, fft_length // 2 + 1)."""
        half = self.fft_length // 2
        x = F.pad(x.unsqueeze(1), (half, half), mode="reflect").squeeze(1)
        frames = x.unfold(-1, self.fft_length, self.sequence_stride)
        spec = torch.fft.rfft(frames * self.window_array.to(x.dtype), n=self.fft_length)
        return spec.real, spec.imag

    def forward(self, x):
        x = x.to(torch.float32)
        real, imag = self.stft(x)
        spec = torch.sqrt(real.square() + imag.square())
        spec = torch.pow(spec, self.mag_exp)
        out = torch.tensordot(spec, self.mel_matrix.to(spec.dtype), dims=1)
        if self.power_to_db:
            log10 = float(np.log(_f32(10)).astype(_f32))
            ln10 = torch.tensor(log10, dtype=out.dtype, device=out.device)
            out = 10.0 * (torch.log(torch.clamp(out, min=self.min_power)) / ln10)
            ref = max(abs(self.ref_power), self.min_power)
            out = out - 10.0 * float(np.log(_f32(ref)) / _f32(log10))
            out = torch.maximum(out, out.max() - self.top_db)
        return out.transpose(-1, -2)

    def extra_repr(self):
        return (
            f"fft_length={self.fft_length}, sequence_stride={self.sequence_stride}, "
            f"num_mel_bins={self.num_mel_bins}, power_to_db={self.power_to_db}, name={self.name!r}"
        )


def stft_kernel(side, window, scaling, periodic, frame_length, freqs):
    """keras.initializers.STFT(side, window, scaling, periodic)((frame_length, 1, freqs)), float32."""
    fft = (freqs - 1) * 2
    freq = np.arange(freqs, dtype=_f32).reshape(1, 1, freqs) / _f32(fft)
    time = np.arange(frame_length, dtype=_f32).reshape(frame_length, 1, 1)
    args = ((_f32(-2) * time) * freq) * _f32(np.arccos(_f32(-1)))
    kernel = (np.cos(args) if side == "real" else np.sin(args)).astype(_f32)
    if window is not None:
        import scipy.signal

        win = np.asarray(scipy.signal.get_window(window, frame_length, periodic)).astype(_f32)
        win = win.reshape(frame_length, 1, 1)
        scale = _f32(1)
        if scaling == "density":
            scale = np.sqrt(np.sum(np.square(win))).astype(_f32)
        elif scaling == "spectrum":
            scale = np.sum(np.abs(win)).astype(_f32)
        kernel = (kernel * win / scale).astype(_f32)
    return kernel


def _to_torch_kernel(a):
    """Keras (frame_length, 1, F) -> conv1d weight (F, 1, frame_length)."""
    return np.ascontiguousarray(np.transpose(a, (2, 1, 0)))


def _to_keras_kernel(a):
    return np.ascontiguousarray(np.transpose(a, (2, 1, 0)))


class STFTSpectrogram(Layer):
    """keras.layers.STFTSpectrogram on channels-first signals (N, C, T)."""

    MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")

    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        *,
        name=None,
    ):
        Layer.__init__(self, name=name)
        if mode not in self.MODES:
            raise ValueError(f"STFTSpectrogram: mode must be one of {self.MODES}, got {mode!r}")
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"STFTSpectrogram: frame_step must be in [1, frame_length], got {frame_step!r}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                f"STFTSpectrogram: fft_length ({fft_length}) must be >= frame_length ({frame_length})"
            )
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(
                f"STFTSpectrogram: scaling must be None, 'density' or 'spectrum', got {scaling!r}"
            )
        if padding not in ("valid", "same"):
            raise ValueError(f"STFTSpectrogram: padding must be 'valid' or 'same', got {padding!r}")
        if window is not None and not isinstance(window, str):
            raise NotImplementedError("STFTSpectrogram: window must be a scipy window name or None")
        self.mode, self.frame_length = mode, int(frame_length)
        self.frame_step = int(frame_step or self.frame_length // 2)
        self.fft_length = int(fft_length or 2 ** int(math.ceil(math.log2(frame_length))))
        self.window, self.periodic, self.scaling = window, bool(periodic), scaling
        self.padding, self.expand_dims = padding, bool(expand_dims)
        freqs = self.fft_length // 2 + 1
        spec = []
        if mode != "imag":
            self.real_kernel = nn.Parameter(torch.empty(freqs, 1, self.frame_length))
            spec.append(("real_kernel", _to_torch_kernel, _to_keras_kernel))
        if mode != "real":
            self.imag_kernel = nn.Parameter(torch.empty(freqs, 1, self.frame_length))
            spec.append(("imag_kernel", _to_torch_kernel, _to_keras_kernel))
        self.keras_weights_spec = tuple(spec)
        self.reset_parameters()

    def reset_parameters(self):
        freqs = self.fft_length // 2 + 1
        for side in ("real", "imag"):
            p = getattr(self, f"{side}_kernel", None)
            if p is not None:
                k = stft_kernel(side, self.window, self.scaling, self.periodic, self.frame_length, freqs)
                with torch.no_grad():
                    p.copy_(torch.from_numpy(_to_torch_kernel(k)))

    def _conv(self, x, kernel):
        n, c, t = x.shape
        x = x.reshape(n * c, 1, t)
        if self.padding == "same":
            out_len = -(-t // self.frame_step)
            total = max((out_len - 1) * self.frame_step + self.frame_length - t, 0)
            x = F.pad(x, (total // 2, total - total // 2))
        y = F.conv1d(x, kernel.to(x.dtype), stride=self.frame_step)
        return y.reshape(n, c, y.shape[1], y.shape[2])  # (N, C, F, T')

    def _adjust(self, y):
        n, c, f, t = y.shape
        if self.expand_dims:
            return y.transpose(2, 3)  # (N, C, T', F)
        return y.reshape(n, c * f, t)  # (N, C * F, T')

    def forward(self, x):
        real = self._conv(x, self.real_kernel) if self.mode != "imag" else None
        imag = self._conv(x, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._adjust(real)
        if self.mode == "imag":
            return self._adjust(imag)
        if self.mode == "angle":
            return self._adjust(torch.atan2(imag, real))
        if self.mode == "stft":
            return self._adjust(torch.cat([real, imag], dim=2))
        power = real.square() + imag.square()
        if self.mode == "psd":
            return self._adjust(power + F.pad(power[:, :, 1:-1, :], (0, 0, 1, 1)))
        linear = self._adjust(torch.sqrt(torch.clamp(power, min=1e-7)))
        if self.mode == "magnitude":
            return linear
        return torch.log(torch.clamp(linear, min=1e-7))

    def extra_repr(self):
        return (
            f"mode={self.mode!r}, frame_length={self.frame_length}, frame_step={self.frame_step}, "
            f"fft_length={self.fft_length}, padding={self.padding!r}, name={self.name!r}"
        )
