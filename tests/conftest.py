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

import sys

import pytest

FRAMEWORKS = ("tensorflow", "keras", "torch", "jax")


def _loaded() -> set:
    return {m for m in FRAMEWORKS if m in sys.modules}


def pytest_collection_finish(session):
    if "not slow" not in (session.config.getoption("markexpr") or ""):
        return  # the whole suite imports the frameworks anyway
    loaded = _loaded()
    if loaded:
        raise pytest.UsageError(
            f"collecting the tests imported {', '.join(sorted(loaded))}: import frameworks lazily "
            "(helpers.LazyModule, or inside the test), so that the fast tier stays framework-free"
        )


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
