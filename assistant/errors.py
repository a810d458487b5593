"""Errors the assistant raises for bad input; messages are Japanese and safe to show to the user."""

from __future__ import annotations


class InputError(ValueError):
    """The question, filter, location or session id cannot be used (the API answers 4xx)."""
