"""docs/layers.md, the table of every keras.layers class and its status in graphc, is current.

The fast tests regenerate the table from the committed snapshot of keras.layers's names
(graphc/tools/keras_layers.py) and the catalog, without Keras; the slow one checks that the
snapshot is what the installed Keras exports.  When either fails: `make layers-doc`.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from graphc.tools import layer_table


def test_docs_layers_md_is_current():
    assert layer_table.DOC.read_text() == layer_table.render(), (
        "docs/layers.md is stale: run `make layers-doc` and commit the result"
    )


def test_every_keras_class_is_accounted_for():
    """Each class is either in the catalog or listed, with a reason, as not expressible."""
    version, supported, inexpressible, missing = layer_table.rows()
    assert missing == []
    _, classes, _ = layer_table.load_snapshot()
    assert len(supported) + len(inexpressible) == len(set(classes.values()))
    for _, _, why in inexpressible:
        assert why.strip()


def test_table_rows():
    """Spot checks of the rendered table against the catalog and the PyTorch registry."""
    from graphc.targets.torch_layers import ENTRIES, UNSUPPORTED

    text = layer_table.render()
    conv2d = next(line for line in text.splitlines() if line.startswith("| `Conv2D` |"))
    assert "`Convolution2D`" in conv2d and 'padding="valid"' in conv2d and "filters, kernel_size," in conv2d
    assert conv2d.endswith("| yes |")
    gqa = next(line for line in text.splitlines() if line.startswith("| `GroupQueryAttention` |"))
    assert "return_attention_scores=false" in gqa
    lam = next(line for line in text.splitlines() if line.startswith("| `Lambda` |"))
    assert "Python function" in lam
    for op in ENTRIES:
        line = next((x for x in text.splitlines() if x.startswith(f"| `{op.name}` |")), None)
        if line is not None:
            assert line.endswith("| yes |"), op.name
    for name, why in UNSUPPORTED.items():
        line = next(x for x in text.splitlines() if x.startswith(f"| `{name}` |"))
        assert line.endswith(f"| no: {layer_table.cell(why)} |"), name


def test_rendering_imports_no_framework():
    code = (
        "import sys; from graphc.tools import layer_table; layer_table.render(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'torch', 'keras', 'jax')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_check_flag_reports_staleness(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "layers.md"
    stale.write_text("old\n")
    monkeypatch.setattr(layer_table, "DOC", stale)
    assert layer_table.main(["--check"]) == 1
    assert "make layers-doc" in capsys.readouterr().err
    stale.write_text(layer_table.render())
    assert layer_table.main(["--check"]) == 0


@pytest.mark.slow
def test_snapshot_matches_installed_keras():
    pytest.importorskip("keras")
    version, classes, others = layer_table.read_keras()
    assert layer_table.SNAPSHOT.read_text() == layer_table.snapshot_text(version, classes, others), (
        "graphc/tools/keras_layers.py is not what the installed Keras exports: run `make layers-doc`"
    )
