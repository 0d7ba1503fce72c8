"""Benchmark logic behind the command lines in ``tools/benchmarks``."""
