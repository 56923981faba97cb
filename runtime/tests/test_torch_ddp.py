"""DistributedDataParallel: the trainer under `torchrun --nproc-per-node 2` (gloo on CPU).

With shuffle=False, DistributedSampler gives rank r the samples r, r+2, ...,
so each step's two half-batches together are the single-process batch, and
DDP's averaged gradient is the single-process gradient: a 2-process run must
log what a 1-process run logs (metrics and losses reduced across processes),
train to the same weights, print and save on rank 0 only, and a checkpoint
written by 2 processes must resume in 1 (and back).  Tolerance: the two runs
differ only in float32 summation order (two half-batch means averaged instead
of one mean, gradients summed by all-reduce): <= 8 steps x log2(8) x 6e-8
relative ~ 1.5e-6 on weights and logged values, so 1e-5 relative.

The NCCL path needs CUDA GPUs and is skipped (visibly) without them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
RUNTIME = HERE.parent
SCRIPT = HERE / "fixtures" / "ddp_run.py"
RTOL = 1e-5


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(RUNTIME), str(HERE), env.get("PYTHONPATH", "")])
    env["OMP_NUM_THREADS"] = "1"
    env.pop("WORLD_SIZE", None)
    return env


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _torchrun(*args):
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc-per-node=2",
        "--nnodes=1",
        "--rdzv-backend=c10d",
        f"--rdzv-endpoint=127.0.0.1:{_free_port()}",
        str(SCRIPT),
        *map(str, args),
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r.stdout


def _load(out):
    with open(f"{out}.json") as f:
        result = json.load(f)
    return result, {k: v.numpy() for k, v in torch.load(f"{out}.pt").items()}


def _close(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(np.asarray(a[k]), np.asarray(b[k]), rtol=RTOL, atol=1e-7, err_msg=k)


def test_two_processes_train_like_one_and_resume_across_process_counts(tmp_path):
    sys.path.insert(0, str(HERE))
    from fixtures import ddp_run

    # one process: the reference, and a checkpoint after epoch 1 for the 2 processes to resume
    ddp_run.run(str(tmp_path / "one"), 2, quiet=True)
    ddp_run.run(None, 1, str(tmp_path / "ckpt_b"), quiet=True)
    out = _torchrun(tmp_path)
    one, w1 = _load(tmp_path / "one")
    two, w2 = _load(tmp_path / "two")
    assert two["world"] == 2 and one["world"] == 1
    _close(two["history"], one["history"])
    _close(w2, w1)
    # rank 0 alone prints (epoch 2 of the resumed run, then epochs 1 and 2) and writes checkpoints
    assert [ln.split(" - ")[0] for ln in out.splitlines() if ln.startswith("epoch ")] == [
        "epoch 2/2",
        "epoch 1/2",
        "epoch 2/2",
    ]
    assert sorted(os.listdir(tmp_path / "ckpt2")) == ["last.pt"]
    # 1 process resumed by 2 ...
    b, wb = _load(tmp_path / "b")
    assert b["world"] == 2
    _close(b["history"], one["history"])
    _close(wb, w1)
    # ... and 2 processes' epoch-1 checkpoint resumed by 1
    (tmp_path / "ckpt_a").mkdir()
    os.replace(tmp_path / "after1.pt", tmp_path / "ckpt_a" / "last.pt")
    ddp_run.run(str(tmp_path / "a"), 2, str(tmp_path / "ckpt_a"), resume=True, quiet=True)
    a, wa = _load(tmp_path / "a")
    _close(a["history"], one["history"])
    _close(wa, w1)


@pytest.mark.skipif(
    not torch.cuda.is_available() or torch.cuda.device_count() < 2, reason="NCCL path: needs 2 CUDA GPUs"
)
def test_nccl_two_gpus(tmp_path):  # pragma: no cover - needs GPUs
    env = _env()
    script = tmp_path / "gpu.py"
    script.write_text(
        "import sys, json, torch\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from fixtures import ddp_run\n"
        "from graphc_runtime.torch import fit\n"
        "h = fit(ddp_run.Module, data=ddp_run.data(), epochs=2, batch_size=8, shuffle=False, seed=0, device='cuda', quiet=True)\n"
        "if h.model.is_main_process:\n"
        f"    json.dump(h.history, open({str(tmp_path / 'gpu.json')!r}, 'w'))\n"
    )
    r = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads((tmp_path / "gpu.json").read_text())["loss"]
