import io
import os

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings

# CI runs a modest number of generated cases; HYPOTHESIS_PROFILE=thorough for a local soak.
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def seeded(db):
    """The seed dataset, loaded as `make run` loads it."""
    call_command("load_seeds", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def downloads_root(tmp_path, settings):
    """Each test publishes its updates' packages into its own folder."""
    settings.HUB_DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.HUB_DOWNLOADS_ROOT
