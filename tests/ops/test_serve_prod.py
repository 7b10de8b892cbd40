"""make serve-prod refuses to start, with an example, when production settings are missing."""

import subprocess

import pytest

from tests.ops import support

REQUIRED = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "HUB_CACHE_URL"]


@pytest.mark.parametrize("missing", REQUIRED)
def test_serve_prod_names_the_missing_variable_and_starts_nothing(missing):
    env = support.child_env(
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL="sqlite:////nonexistent/db.sqlite3",
        HUB_CACHE_URL="redis://127.0.0.1:6379/7",
        PY="/bin/false",  # were it to go on, collectstatic would fail loudly
    )
    env.pop(missing)
    result = subprocess.run(
        [str(support.BASE_DIR / "scripts" / "serve-prod")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert f"missing environment variable(s): {missing}" in result.stderr
    assert "make serve-prod" in result.stderr
