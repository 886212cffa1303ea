"""Benchmark harness: `python -m bench --scale small|national` (see docs/performance.md).

`bench.generate` builds a realistic database with COPY; `bench.run` serves it with
gunicorn and measures the declared targets over HTTP."""
