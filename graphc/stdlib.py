"""Keras applications written in GDL, usable by name with no `use` (see issue: applications)."""

from __future__ import annotations


def lookup(name: str):
    return None
