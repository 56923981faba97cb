"""Hand-written PyTorch equivalents of keras.applications models, for bench_forward.py.

Each class computes the function of the Keras application (and so of graphc's
emitted module): Keras's architecture (ResNet50 v1 with biases on every
convolution and the stride on the first 1x1, Keras's BatchNormalization
epsilon and momentum, the softmax at the end), written as a PyTorch user
would: nn.Conv2d with torch's own symmetric padding wherever TensorFlow's
"same" split is symmetric for the input size, F.pad only where it is not
(stride 2 on an even size), nn.BatchNorm2d, in-place ReLUs.  Parameters are
registered in the emitted module's order, so `transfer` copies the emitted
model's weights and the outputs can be compared (bench_forward.py --check).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def bn(channels, eps=1e-3, keras_momentum=0.99):
    """Keras's BatchNormalization(epsilon, momentum) as nn.BatchNorm2d."""
    return nn.BatchNorm2d(channels, eps=eps, momentum=1.0 - keras_momentum)


def tf_same(n: int, k: int, s: int) -> tuple[int, int]:
    """TensorFlow's padding="same" on an axis of size n: (before, after)."""
    total = max((-(-n // s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


class PadConv(nn.Module):
    """A stride-2 convolution with TensorFlow's "same" padding for a known input
    size: torch's symmetric padding when the split is symmetric, else F.pad."""

    def __init__(self, conv_cls, size, k, s, *args, **kwargs):
        super().__init__()
        before, after = tf_same(size, k, s)
        self.pad = None if before == after else (before, after, before, after)
        self.conv = conv_cls(*args, kernel_size=k, stride=s, padding=0 if self.pad else before, **kwargs)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad) if self.pad else x)


# ------------------------------------------------------------------ ResNet50 (Keras's v1)
class Bottleneck(nn.Module):
    def __init__(self, cin, filters, stride=1, shortcut=True):
        super().__init__()
        out = 4 * filters
        self.shortcut = nn.Sequential(nn.Conv2d(cin, out, 1, stride), bn(out, 1.001e-5)) if shortcut else None
        self.conv1 = nn.Conv2d(cin, filters, 1, stride)
        self.bn1 = bn(filters, 1.001e-5)
        self.conv2 = nn.Conv2d(filters, filters, 3, padding=1)
        self.bn2 = bn(filters, 1.001e-5)
        self.conv3 = nn.Conv2d(filters, out, 1)
        self.bn3 = bn(out, 1.001e-5)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        s = x if self.shortcut is None else self.shortcut(x)
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.bn3(self.conv3(x))
        return self.relu(x + s)


class ResNet50(nn.Module):
    def __init__(self, classes=1000, size=224):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, padding=3)
        self.bn1 = bn(64, 1.001e-5)
        self.relu = nn.ReLU(inplace=True)
        # Keras zero-pads then max-pools; after a ReLU, torch's -inf padding gives the same maxima
        self.pool = nn.MaxPool2d(3, 2, padding=1)
        layers, cin = [], 64
        for filters, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            layers.append(Bottleneck(cin, filters, stride))
            layers += [Bottleneck(4 * filters, filters, shortcut=False) for _ in range(blocks - 1)]
            cin = 4 * filters
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.layers(x).mean((2, 3))
        return F.softmax(self.fc(x), dim=1)


# ------------------------------------------------------------------ MobileNetV2
class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expansion, size):
        super().__init__()
        hidden = cin * expansion
        self.expand = None
        if expansion != 1:
            self.expand = nn.Sequential(
                nn.Conv2d(cin, hidden, 1, bias=False), bn(hidden, 1e-3, 0.999), nn.ReLU6(inplace=True)
            )
        if stride == 1:
            dw = nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden, bias=False)
        else:
            dw = PadConv(nn.Conv2d, size, 3, 2, hidden, hidden, groups=hidden, bias=False)
        self.depthwise = nn.Sequential(dw, bn(hidden, 1e-3, 0.999), nn.ReLU6(inplace=True))
        self.project = nn.Sequential(nn.Conv2d(hidden, cout, 1, bias=False), bn(cout, 1e-3, 0.999))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = x if self.expand is None else self.expand(x)
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6)]
    BLOCKS += [(64, 1, 6)] * 3 + [(96, 1, 6)] * 3 + [(160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]

    def __init__(self, classes=1000, size=224):
        super().__init__()
        self.stem = nn.Sequential(
            PadConv(nn.Conv2d, size, 3, 2, 3, 32, bias=False), bn(32, 1e-3, 0.999), nn.ReLU6(inplace=True)
        )
        size = (size + 1) // 2
        blocks, cin = [], 32
        for cout, stride, expansion in self.BLOCKS:
            blocks.append(InvertedResidual(cin, cout, stride, expansion, size))
            cin, size = cout, (size + 1) // 2 if stride == 2 else size
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(
            nn.Conv2d(320, 1280, 1, bias=False), bn(1280, 1e-3, 0.999), nn.ReLU6(inplace=True)
        )
        self.fc = nn.Linear(1280, classes)

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x))).mean((2, 3))
        return F.softmax(self.fc(x), dim=1)


# ------------------------------------------------------------------ VGG16
class VGG16(nn.Module):
    def __init__(self, classes=1000, size=224):
        super().__init__()
        layers, cin = [], 3
        for width, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
            for _ in range(convs):
                layers += [nn.Conv2d(cin, width, 3, padding=1), nn.ReLU(inplace=True)]
                cin = width
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        side = size // 32
        self.classifier = nn.Sequential(
            nn.Flatten(),  # torch's (C, H, W) order; `transfer` permutes Keras's (H, W, C) fc1 rows
            nn.Linear(512 * side * side, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, classes),
        )

    def forward(self, x):
        return F.softmax(self.classifier(self.features(x)), dim=1)

    @staticmethod
    def convert(index, name, tensor, size):
        """The emitted fc1 weight (rows in Keras's H, W, C flatten order) in torch's C, H, W order."""
        if index == 26 and name.endswith("weight"):
            side = size // 32
            return tensor.reshape(-1, side, side, 512).permute(0, 3, 1, 2).reshape(tensor.shape[0], -1)
        return tensor


MODELS = {"ResNet50": ResNet50, "MobileNetV2": MobileNetV2, "VGG16": VGG16}


def state(model):
    """[(name, tensor)]: parameters and BatchNormalization statistics, in registration order."""
    out = []
    for module_name, module in model.named_modules():
        for name, t in list(module.named_parameters(recurse=False)) + list(
            module.named_buffers(recurse=False)
        ):
            if t is not None and t.is_floating_point():
                out.append((f"{module_name}.{name}", t))
    return out


def transfer(src, dst, convert=None, size=None):
    """Copy `src`'s weights into `dst` (same architecture, same registration order)."""
    a, b = state(src), state(dst)
    if len(a) != len(b):
        raise ValueError(f"{len(a)} tensors in the emitted model, {len(b)} in the hand-written one")
    with torch.no_grad():
        for i, ((na, ta), (nb, tb)) in enumerate(zip(a, b)):
            value = convert(i, nb, ta, size) if convert else ta
            if value.shape != tb.shape:
                raise ValueError(f"tensor {i}: {na} {tuple(ta.shape)} vs {nb} {tuple(tb.shape)}")
            tb.copy_(value)
