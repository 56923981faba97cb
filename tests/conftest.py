"""The two tiers of the suite (docs/testing.md):

    make test        everything (pytest)
    make test-fast   pytest -m "not slow": no TensorFlow, Keras or PyTorch at all

Tests that import a framework or build a framework model are marked
`@pytest.mark.slow`.  Two checks keep the fast tier honest:
- in the fast tier, collecting the tests imports no framework (test files
  use helpers.LazyModule), so `-m "not slow"` never pays for importing one;
- a test that is not marked slow and imports a framework fails (when the
  framework was not imported before it: in the fast tier, never).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    # `make test` runs one worker per core (pytest-xdist): each worker's TensorFlow and
    # PyTorch use one thread, so that the workers do not fight over the cores
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ.setdefault(_var, "1")

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("tensorflow", "keras", "torch", "jax")


def _loaded() -> set:
    return {m for m in FRAMEWORKS if m in sys.modules}


_IMPORTED_BY: list = []  # (test module, frameworks its import loaded)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    before = _loaded()
    yield
    new = _loaded() - before
    if new and isinstance(collector, pytest.Module):
        _IMPORTED_BY.append((collector.path, new))


def pytest_collection_finish(session):
    if "not slow" not in (session.config.getoption("markexpr") or ""):
        return  # the whole suite imports the frameworks anyway
    here = [(p, new) for p, new in _IMPORTED_BY if HERE in p.parents]
    if here:
        path, new = here[0]
        raise pytest.UsageError(
            f"importing {path.relative_to(HERE.parent)} loads {', '.join(sorted(new))}: import frameworks "
            "lazily (helpers.LazyModule, or inside the test), so that the fast tier stays framework-free"
        )
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for path, new in _IMPORTED_BY:  # other suites in testpaths: said, not enforced here
        if reporter is not None:
            reporter.write_line(f"note: collecting {path} imported {', '.join(sorted(new))} (fast tier)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    before = _loaded()
    outcome = yield
    new = _loaded() - before
    if new and item.get_closest_marker("slow") is None and outcome.excinfo is None:
        pytest.fail(
            f"{item.nodeid} imported {', '.join(sorted(new))} but is not marked @pytest.mark.slow",
            pytrace=False,
        )
