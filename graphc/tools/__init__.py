"""Developer tools (not used by the compiler)."""
