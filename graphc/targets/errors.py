"""Errors a code generator reports for programs the front end accepts."""

from __future__ import annotations


class EmitError(Exception):
    def __init__(self, diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic
