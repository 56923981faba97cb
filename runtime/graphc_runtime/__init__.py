"""graphc-runtime: what graphc-generated training modules import to train.

`API` is the runtime's API level; a generated module calls `require(n)` with
the level it was generated for, and gets one clear error when the installed
runtime is older.
"""

__version__ = "1.0.0"
API = 1


def require(api: int) -> None:
    """Stop with a clear message when this runtime is older than `api`."""
    if api > API:
        raise SystemExit(
            f"this module needs graphc-runtime API {api}, but graphc-runtime {__version__} "
            f"(API {API}) is installed: pip install -U graphc-runtime"
        )
