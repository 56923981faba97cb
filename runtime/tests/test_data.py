"""graphc_runtime.data: loading, checking, synthetic data, Keras's split rule, batching.

The fast tests import NumPy only; the few that compare with Keras's own code
(split, class weights, today's synthetic_data) are marked slow.
"""

from __future__ import annotations

import math
import os
import time
import types
from pathlib import Path

import numpy as np
import pytest
from graphc_runtime import data
from graphc_runtime.data import DataError

ROOT = Path(__file__).resolve().parents[2]


def module(**overrides):
    """A module as graphc emits it: two inputs (one of Embedding ids), four label kinds."""
    m = types.SimpleNamespace(
        INPUT_SPECS={
            "image": ((4, 4, 1), "float32", None),
            "text": ((None,), "int32", 50),
        },
        OUTPUT_SPECS={
            "digit": ((), "sparse", 10),
            "kind": ((3,), "onehot", 3),
            "large": ((1,), "binary", 1),
            "age": ((1,), "float", 1),
        },
        LOSSES={
            "digit": "sparse_categorical_crossentropy",
            "kind": "categorical_crossentropy",
            "large": "binary_crossentropy",
            "age": "mean_squared_error",
        },
    )
    for k, v in overrides.items():
        setattr(m, k, v)
    return m


def good(n=12, seed=0):
    x, y = data.synthetic(module(), n, seed)
    return x, y


def error(m, x, y, **kw) -> str:
    with pytest.raises(DataError) as e:
        data.check(m, x, y, **kw)
    msg = str(e.value)
    assert "\n" not in msg, "a DataError is one line"
    return msg


# ------------------------------------------------------------------ synthetic + check of good data


def test_synthetic_fits_its_module_and_none_dims_get_the_default_size():
    x, y = good(12)
    assert data.check(module(), x, y) == 12
    assert x["text"].shape == (12, data.DEFAULT_SIZE) and x["text"].dtype == np.int32
    assert x["text"].min() >= 0 and x["text"].max() < 50
    assert y["digit"].shape == (12,) and y["kind"].shape == (12, 3)
    np.testing.assert_array_equal(y["kind"].sum(axis=1), 1.0)
    assert set(np.unique(y["large"])) <= {0.0, 1.0}


def test_synthetic_is_a_function_of_the_seed():
    a, b, c = good(8, 1), good(8, 1), good(8, 2)
    for k in a[0]:
        np.testing.assert_array_equal(a[0][k], b[0][k])
    assert not np.array_equal(a[0]["image"], c[0]["image"])


def test_none_dims_accept_any_size_and_keras_trailing_one_rule():
    x, y = good(6)
    x["text"] = np.zeros((6, 31), "int32")  # (None,) accepts 31
    y["digit"] = y["digit"][:, None]  # class ids as (n, 1), as Keras's sparse crossentropy takes them
    y["large"] = y["large"][:, 0]  # (n,) for an output of shape (1,)
    assert data.check(module(), x, y) == 6


def test_integer_images_and_bool_labels_are_numbers_keras_converts():
    x, y = good(5)
    x["image"] = np.zeros((5, 4, 4, 1), "uint8")
    y["large"] = np.ones((5, 1), bool)
    y["kind"] = np.eye(3, dtype="uint8")[[0, 1, 2, 0, 1]]
    assert data.check(module(), x, y) == 5


def test_outputs_without_a_loss_need_no_targets():
    m = module(LOSSES={"digit": "sparse_categorical_crossentropy"})
    x, y = good(4)
    assert data.check(m, x, {"digit": y["digit"]}) == 4


# ------------------------------------------------------------------ every data error


def test_not_dicts():
    x, y = good(4)
    assert "dicts of arrays" in error(module(), [x["image"]], y)


def test_missing_input_lists_the_keys_present():
    x, y = good(4)
    del x["text"]
    msg = error(module(), x, y)
    assert "missing input 'text'" in msg and "it has: image" in msg


def test_missing_targets_are_all_named():
    x, y = good(4)
    del y["digit"], y["age"]
    msg = error(module(), x, y)
    assert "missing targets 'digit', 'age'" in msg and "kind, large" in msg


def test_input_of_the_wrong_rank():
    x, y = good(4)
    x["image"] = np.zeros((4, 16), "float32")
    msg = error(module(), x, y)
    assert "input 'image': shape (4, 16) does not fit the model's input (None, 4, 4, 1)" in msg
    x["image"] = np.zeros((4, 4, 4), "float32")  # one axis short of a trailing 1: Keras adds it
    assert data.check(module(), x, y) == 4


def test_input_of_the_wrong_size():
    x, y = good(4)
    x["image"] = np.zeros((4, 5, 4, 1), "float32")
    assert "input 'image': shape (4, 5, 4, 1) does not fit" in error(module(), x, y)


def test_non_numeric_input():
    x, y = good(4)
    x["image"] = np.full((4, 4, 4, 1), "a")
    assert "input 'image': dtype <U1 is not numeric" in error(module(), x, y)


def test_float_ids_for_an_integer_input():
    x, y = good(4)
    x["text"] = x["text"].astype("float32")
    msg = error(module(), x, y)
    assert "input 'text': dtype float32, expected integer ids (int32)" in msg and ".astype('int32')" in msg


@pytest.mark.parametrize("bad", [50, -1])
def test_ids_out_of_the_embedding_range(bad):
    x, y = good(6)
    x["text"][4, 2] = bad
    msg = error(module(), x, y)
    assert "input 'text': ids must lie in [0, 50)" in msg and f"row 4 has {bad}" in msg


def test_nan_and_inf_in_inputs():
    x, y = good(6)
    x["image"][3, 1, 1, 0] = np.nan
    assert "input 'image': nan at row 3" in error(module(), x, y)
    x["image"][3, 1, 1, 0] = -np.inf
    assert "input 'image': -inf at row 3" in error(module(), x, y)


def test_nan_in_a_float_target():
    x, y = good(6)
    y["age"][5, 0] = np.nan
    assert "target 'age': nan at row 5" in error(module(), x, y)


def test_sparse_label_ids_out_of_range():
    x, y = good(8)
    y["digit"][6] = 10
    msg = error(module(), x, y)
    assert (
        "target 'digit': class ids must lie in [0, 10) for sparse_categorical_crossentropy; row 6 has 10"
        in msg
    )


def test_sparse_labels_that_are_not_whole_numbers():
    x, y = good(8)
    y["digit"] = y["digit"].astype("float32")
    y["digit"][2] = 2.5
    assert "target 'digit': 2.5 at row 2; sparse_categorical_crossentropy expects class ids" in error(
        module(), x, y
    )


def test_one_hot_rows_for_a_sparse_loss_get_a_hint():
    x, y = good(8)
    y["digit"] = np.eye(10, dtype="float32")[y["digit"]]
    msg = error(module(), x, y)
    assert "target 'digit': shape (8, 10) does not fit sparse_categorical_crossentropy" in msg
    assert "use categorical_crossentropy" in msg


def test_class_ids_for_a_categorical_loss_get_a_hint():
    x, y = good(8)
    y["kind"] = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    msg = error(module(), x, y)
    assert "target 'kind': shape (8,) does not fit categorical_crossentropy: expected (n, 3)" in msg
    assert "one-hot encode them, or use sparse_categorical_crossentropy" in msg


def test_categorical_rows_must_sum_to_one():
    x, y = good(8)
    y["kind"][5] = [1.0, 1.0, 0.0]
    assert "target 'kind': row 5 sums to 2; categorical_crossentropy expects one-hot" in error(module(), x, y)


def test_categorical_values_must_lie_in_0_1():
    x, y = good(8)
    y["kind"][1] = [2.0, -1.0, 0.0]  # sums to 1, but not probabilities
    assert "target 'kind': row 1 has a value outside [0, 1]" in error(module(), x, y)


def test_probability_rows_are_accepted_within_float32_rounding():
    x, y = good(8)
    p = np.random.default_rng(0).dirichlet(np.ones(3), size=8).astype("float32")  # sums off by <= 3 ulp
    y["kind"] = p
    assert data.check(module(), x, y) == 8


def test_binary_labels_outside_0_1():
    x, y = good(8)
    y["large"][7, 0] = 2.0
    assert "target 'large': row 7 has 2.0; binary_crossentropy expects labels in [0, 1]" in error(
        module(), x, y
    )


def test_positive_labels_below_zero():
    m = module()
    m.OUTPUT_SPECS = {**m.OUTPUT_SPECS, "age": ((1,), "positive", 1)}
    m.LOSSES = {**m.LOSSES, "age": "poisson"}
    x, y = good(8)
    y["age"] = np.abs(y["age"])
    y["age"][3, 0] = -0.5
    assert "target 'age': row 3 has -0.5; poisson expects labels >= 0" in error(m, x, y)


def test_different_sample_counts():
    x, y = good(8)
    y["large"] = y["large"][:7]
    msg = error(module(), x, y)
    assert "different numbers of samples" in msg and "large 7" in msg and "image 8" in msg


def test_a_loss_object_is_named_by_its_name_or_class():
    class SparseCategoricalCrossentropy:  # stands in for a keras / graphc_runtime.torch loss object
        pass

    m = module()
    m.LOSSES = {**m.LOSSES, "digit": SparseCategoricalCrossentropy()}
    x, y = good(4)
    y["digit"][0] = 11
    assert "[0, 10) for SparseCategoricalCrossentropy" in error(m, x, y)


def test_where_prefixes_the_message():
    x, y = good(4)
    y["digit"][0] = -3
    assert error(module(), x, y, where="val.npz").startswith("val.npz: target 'digit'")


# ------------------------------------------------------------------ big (memory-mapped) arrays: bounded time


def test_big_arrays_are_checked_on_a_bounded_sample(tmp_path):
    # 32 MiB of float32 rows, checked with a 2 MiB budget: every sampled block is read, nothing else.
    m = types.SimpleNamespace(
        INPUT_SPECS={"x": ((1024,), "float32", None)},
        OUTPUT_SPECS={"y": ((), "sparse", 4)},
        LOSSES={"y": "scc"},
    )
    n = 8 * 1024
    big = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype="float32", shape=(n, 1024))
    big[:] = 0.0
    row = n - 1  # the last block is always sampled (the blocks run from the first row to the last)
    big[row, 7] = np.inf
    big.flush()
    del big
    np.save(tmp_path / "y.npy", np.zeros(n, "int32"))
    x, y = data.load(tmp_path, m)
    assert isinstance(x["x"], np.memmap)
    budget = 2 * 2**20
    rows = sum(len(b) for _, b in data._blocks(x["x"], budget))
    per_block = budget // (1024 * 4) // data.SAMPLE_BLOCKS
    assert rows == per_block * data.SAMPLE_BLOCKS <= budget // (1024 * 4)
    t = time.perf_counter()
    with pytest.raises(
        DataError, match=rf"input 'x': inf at row {row}; .*\(found in a sample of the {n} rows\)"
    ):
        data.check(m, x, y, check_bytes=budget)
    assert time.perf_counter() - t < 5.0  # reads 2 MiB of 32: well under a second on any disk


def test_arrays_within_the_budget_are_checked_completely():
    a = np.zeros((1000, 3), "float32")
    assert sum(len(b) for _, b in data._blocks(a, a.nbytes)) == 1000


# ------------------------------------------------------------------ loading


def test_load_npz_and_directory_of_npy(tmp_path):
    x, y = good(5)
    np.savez(tmp_path / "d.npz", **x, **y, extra=np.zeros(3))
    os.mkdir(tmp_path / "dir")
    for k, v in {**x, **y}.items():
        np.save(tmp_path / "dir" / f"{k}.npy", v)
    for path in (tmp_path / "d.npz", tmp_path / "dir"):
        xi, yi = data.load(path, module())
        assert list(xi) == ["image", "text"] and list(yi) == ["digit", "kind", "large", "age"]
        for k in x:
            np.testing.assert_array_equal(xi[k], x[k])
        assert data.check(module(), xi, yi) == 5
    xi, _ = data.load(tmp_path / "dir", module())
    assert isinstance(xi["image"], np.memmap) and xi["image"].mode == "r"
    arrays, rest = data.load(tmp_path / "d.npz")
    assert rest == {} and set(arrays) == {*x, *y, "extra"}


def test_load_missing_key_names_the_file_and_its_keys(tmp_path):
    x, y = good(5)
    del y["kind"]
    np.savez(tmp_path / "d.npz", **x, **y)
    with pytest.raises(
        DataError, match=r"d\.npz: missing target 'kind' \(it has: age, digit, image, large, text\)"
    ):
        data.load(tmp_path / "d.npz", module())


def test_load_errors(tmp_path):
    with pytest.raises(DataError, match="nope.npz: no such file or directory"):
        data.load(tmp_path / "nope.npz", module())
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(DataError, match=r"text.npz: not an .npz file of arrays \(numpy.savez\)"):
        data.load(tmp_path / "text.npz", module())
    np.save(tmp_path / "one.npy", np.zeros(3))
    with pytest.raises(DataError, match="one.npy: an .npz file .* was expected"):
        data.load(tmp_path / "one.npy", module())
    os.mkdir(tmp_path / "empty")
    with pytest.raises(DataError, match="empty: a directory of .npy files was expected, found none"):
        data.load(tmp_path / "empty", module())
    os.mkdir(tmp_path / "bad")
    (tmp_path / "bad" / "image.npy").write_bytes(b"garbage")
    with pytest.raises(DataError, match=r"image\.npy: cannot read as a \.npy array"):
        data.load(tmp_path / "bad", module())
    np.savez(tmp_path / "objects.npz", image=np.array([{}], dtype=object))
    with pytest.raises(DataError, match="objects.npz: cannot read array 'image'"):
        data.load(tmp_path / "objects.npz", module())


# ------------------------------------------------------------------ split, batching, class weights


def test_split_takes_the_last_fraction_as_views():
    x, y = good(10)
    (tx, ty), (vx, vy) = data.split(x, y, 0.25)
    # Keras: split_at = floor(10 * 0.75) = 7
    assert len(tx["image"]) == 7 and len(vy["digit"]) == 3
    np.testing.assert_array_equal(vx["image"], x["image"][7:])
    assert vx["image"].base is x["image"]
    (_, _, sw), (_, _, vsw) = data.split(x, y, 0.25, {"digit": np.arange(10.0)})
    np.testing.assert_array_equal(vsw["digit"], [7.0, 8.0, 9.0])


def test_split_errors():
    x, y = good(3)
    with pytest.raises(DataError, match=r"3 samples cannot be split .* validation_split=0\.9"):
        data.split(x, y, 0.9)  # split_at = floor(3 * 0.1) = 0
    with pytest.raises(DataError, match="validation_split must be between 0 and 1, got 1.0"):
        data.split(x, y, 1.0)


def test_batch_order():
    n, bs = 10, 4
    for shuffle in (True, False, "batch"):
        batches = data.batch_order(n, bs, shuffle, seed=3, epoch=0)
        assert [len(b) for b in batches] == [4, 4, 2]  # the last batch is partial, as in Keras
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
    assert [b.tolist() for b in data.batch_order(n, bs, False, 3, 0)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    within = data.batch_order(n, bs, "batch", 3, 0)  # Keras's "batch": shuffled within each batch
    assert [sorted(b.tolist()) for b in within] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    e0, e0b, e1 = (np.concatenate(data.batch_order(50, 8, True, 3, e)) for e in (0, 0, 1))
    np.testing.assert_array_equal(e0, e0b)
    assert not np.array_equal(e0, e1)
    with pytest.raises(DataError, match="shuffle must be"):
        data.batch_order(n, bs, "yes", 0, 0)


def test_take_reads_contiguous_runs_as_slices_and_casts():
    a = {"x": np.arange(20.0).reshape(10, 2)}
    out = data.take(a, np.array([3, 4, 5]), {"x": "float32"})
    assert out["x"].dtype == np.float32
    np.testing.assert_array_equal(out["x"], a["x"][3:6])
    np.testing.assert_array_equal(data.take(a, np.array([5, 1]))["x"], a["x"][[5, 1]])


def test_conform():
    assert data.conform(np.zeros((4,)), (1,)).shape == (4, 1)
    assert data.conform(np.zeros((4, 1)), ()).shape == (4,)
    assert data.conform(np.zeros((4, 3)), (3,)).shape == (4, 3)


# ------------------------------------------------------------------ against Keras's own code (slow)


@pytest.mark.slow
@pytest.mark.parametrize("n,fraction", [(10, 0.25), (7, 0.3), (100, 0.1), (33, 0.5), (1797, 0.15)])
def test_split_is_kerass_rule(n, fraction):
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    x = {"image": np.arange(n, dtype="float32")[:, None]}
    y = {"digit": np.arange(n)}
    (tx, _), (vx, _) = data.split(x, y, fraction)
    (kx,), (kv,) = train_validation_split((x["image"],), fraction)
    np.testing.assert_array_equal(tx["image"], np.asarray(kx))
    np.testing.assert_array_equal(vx["image"], np.asarray(kv))


@pytest.mark.slow
def test_split_errors_where_keras_does():
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    x, y = {"a": np.zeros((3, 1))}, {"b": np.zeros(3)}
    for fraction in (0.01, 0.5, 0.9, 1e-17):  # split_at = floor(3 * (1 - f)): 2, 1, 0 (error), 3 (error)
        try:
            train_validation_split((x["a"],), fraction)
            keras_ok = True
        except ValueError:
            keras_ok = False
        if keras_ok:
            data.split(x, y, fraction)
        else:
            with pytest.raises(DataError):
                data.split(x, y, fraction)


@pytest.mark.slow
def test_class_weight_is_kerass_rule():
    from keras.src.trainers.data_adapters.data_adapter_utils import class_weight_to_sample_weights

    cw = {0: 0.5, 2: 3.0}
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 4, size=20)
    for y in (ids, ids[:, None].astype("float32"), np.eye(4, dtype="float32")[ids]):
        np.testing.assert_array_equal(
            data.class_weight_to_sample_weight(y, cw), class_weight_to_sample_weights(y, cw)
        )


@pytest.mark.slow
def test_num_batches():
    assert data.num_batches(10, 4) == math.ceil(10 / 4) == 3
