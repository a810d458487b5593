"""Offline evaluation: gold suites, metrics and the harness (uses the assistant's public surface only)."""
