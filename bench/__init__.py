"""Benchmarks that print JSON: ``python -m bench <name>`` (see bench/README.md)."""
