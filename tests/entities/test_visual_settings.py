"""The map tile server is a setting, and only its host joins the CSP's img-src."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_IMG_SRC = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.SECURE_CSP['img-src']))"
)


def img_src(tile_url):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))}
    environment.update(DJANGO_SETTINGS_MODULE="hub.settings", HUB_MAP_TILE_URL=tile_url)
    return subprocess.run(
        [sys.executable, "-c", PRINT_IMG_SRC],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_tile_server_the_csp_allows_no_other_image_host():
    result = img_src("")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == list(settings.SECURE_CSP["img-src"])
    assert not any("example" in source for source in settings.SECURE_CSP["img-src"])


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("https://tiles.example.org/osm/{z}/{x}/{y}.png", "https://tiles.example.org"),
    ],
)
def test_a_tile_server_host_joins_the_csp_img_src(tile_url, source):
    result = img_src(tile_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [*settings.SECURE_CSP["img-src"], source]


@pytest.mark.parametrize(
    "tile_url",
    ["tiles.example.org/{z}", "ftp://x.example.org/{z}", "https://a.{s}.example.org/{z}"],
)
def test_a_malformed_tile_url_stops_the_start(tile_url):
    result = img_src(tile_url)
    assert result.returncode != 0
    assert "HUB_MAP_TILE_URL" in result.stderr
