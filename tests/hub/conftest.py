"""Helpers of the seed-data tests (test_load_seeds.py, test_seed_content.py)."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SEEDS = Path(settings.BASE_DIR) / "seeds"


def load(**kwargs):
    """Run load_seeds; give what it printed."""
    out = io.StringIO()
    call_command("load_seeds", stdout=out, **kwargs)
    return out.getvalue()
