from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' tooling: the synthetic data generator and its bulk loader.

    An app only so that `manage.py generate_synthetic` is found; it has no models.
    It sits at the top: it imports every app, and nothing imports it.
    """

    name = "bench"
    verbose_name = "Benchmarks"
