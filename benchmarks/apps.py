from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The national-size synthetic dataset (manage.py seed_scale) and the bench-only endpoints.

    No models: it writes the other apps' tables, and only rows it can recognise as its own."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
