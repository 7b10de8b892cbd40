"""Deployment checks of the hub's own settings (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


@register("hub", deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """HUB_SITE_URL must be the public https address: it is frozen into every data package.

    A package's CITATION.cff, datapackage.json and hub_url columns are written
    once, at publishing, and never again; a development address in them could
    not be corrected later.
    """
    parts = urlsplit(settings.HUB_SITE_URL)
    if parts.scheme == "https" and parts.hostname not in {None, "localhost", "127.0.0.1", "::1"}:
        return []
    return [
        Warning(
            f"HUB_SITE_URL is {settings.HUB_SITE_URL!r}, not the hub's public https address.",
            hint="Set HUB_SITE_URL (e.g. https://hub.example.org): published data packages "
            "carry it for good.",
            id="hub.W001",
        )
    ]
