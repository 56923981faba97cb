"""Write the digits example's data: scikit-learn's 8x8 handwritten digits as .npz files.

    python examples/digits/prepare.py -o data/          # train.npz, val.npz, test.npz
    python examples/digits/prepare.py -o data/ --npy    # train/, val/, test/ of .npy files

Arrays are keyed by the names in digits.gdl: `pixels` (n, 8, 8, 1) float32 in
[0, 16], `digit` (n,) int32 class ids, `large` (n, 1) float32, 1 for digits >= 5.
The 1,797 images are shuffled once (seed 0) and split 70/15/15 per class, so each
set has every digit in the same proportion.  Needs scikit-learn (the data ships
inside the package: nothing is downloaded).
"""

import argparse
import os

import numpy as np


def arrays(seed: int = 0):
    """(pixels, digit, large) of all 1,797 images, in a seeded random order."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    order = np.random.default_rng(seed).permutation(len(bunch.target))
    pixels = bunch.images[order].astype("float32")[..., None]
    digit = bunch.target[order].astype("int32")
    return pixels, digit, (digit >= 5).astype("float32")[:, None]


def split(digit, fractions=(0.70, 0.15, 0.15)):
    """Index arrays of train/val/test, stratified by class (in the seeded order)."""
    parts = [[], [], []]
    for c in range(10):
        idx = np.flatnonzero(digit == c)
        a = int(round(len(idx) * fractions[0]))
        b = a + int(round(len(idx) * fractions[1]))
        for part, chunk in zip(parts, (idx[:a], idx[a:b], idx[b:])):
            part.append(chunk)
    return [np.sort(np.concatenate(p)) for p in parts]


def write(out: str, npy: bool = False, seed: int = 0) -> dict:
    pixels, digit, large = arrays(seed)
    os.makedirs(out, exist_ok=True)
    sizes = {}
    for name, idx in zip(("train", "val", "test"), split(digit)):
        data = {"pixels": pixels[idx], "digit": digit[idx], "large": large[idx]}
        if npy:
            os.makedirs(os.path.join(out, name), exist_ok=True)
            for key, value in data.items():
                np.save(os.path.join(out, name, f"{key}.npy"), value)
        else:
            np.savez(os.path.join(out, f"{name}.npz"), **data)
        sizes[name] = len(idx)
    return sizes


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-o", "--out", default="data", help="output directory (default: data)")
    p.add_argument("--npy", action="store_true", help="directories of .npy files instead of .npz files")
    p.add_argument("--seed", type=int, default=0, help="seed of the shuffle (default 0)")
    args = p.parse_args(argv)
    sizes = write(args.out, args.npy, args.seed)
    print(", ".join(f"{k}: {v} images" for k, v in sizes.items()), "->", args.out)


if __name__ == "__main__":
    main()
