"""Request a source's original URL and record what answered (manage.py check_sources).

HEAD first, as it costs the server least; GET when the server refuses HEAD
(405, 501) or fails it, reading only the first bytes. Requests go through
evidence.fetching, as the archiver's do: only http and https, never to an
internal address at any hop, redirects followed by hand and the final URL
recorded.
"""

import time
from dataclasses import dataclass

from django.utils import timezone

from . import fetching
from .archiving import SourceCheck

HEAD_REFUSED = {405, 501}
# A GET reads no more than this: the status is what is checked, not the page.
GET_BYTES = 1024


@dataclass
class Outcome:
    method: str
    status_code: int | None
    final_url: str
    elapsed_ms: int
    error: str = ""
    # The hub would not request the URL at all (scheme, internal address):
    # asking again with another method cannot help.
    refused: bool = False


def _request(url, method, timeout):
    started = time.monotonic()
    try:
        result = fetching.fetch(
            url,
            method=method,
            max_bytes=GET_BYTES,
            partial=True,
            connect_timeout=timeout,
            read_timeout=timeout,
        )
    except fetching.FetchError as failure:
        elapsed = int((time.monotonic() - started) * 1000)
        refused = isinstance(failure, fetching.FetchRefused)
        return Outcome(method, None, "", elapsed, str(failure)[:500], refused)
    elapsed = int((time.monotonic() - started) * 1000)
    final = result.final_url if len(result.final_url) <= 1000 else ""  # the column's size
    return Outcome(method, result.status_code, final, elapsed)


def check_url(url, *, timeout=10.0):
    """One check of `url`: HEAD, falling back to GET."""
    if not url.lower().startswith(("http://", "https://")):
        return Outcome("", None, "", 0, "Not an http or https URL", refused=True)
    outcome = _request(url, "HEAD", timeout)
    if not outcome.refused and (outcome.status_code is None or outcome.status_code in HEAD_REFUSED):
        outcome = _request(url, "GET", timeout)
    return outcome


def check_source(source, *, timeout=10.0):
    """Check `source.url` and record the result as a SourceCheck."""
    outcome = check_url(source.url, timeout=timeout)
    return SourceCheck.objects.create(
        source=source,
        url=source.url,
        checked_at=timezone.now(),
        method=outcome.method or "GET",
        status_code=outcome.status_code,
        final_url=outcome.final_url if outcome.final_url != source.url else "",
        elapsed_ms=outcome.elapsed_ms,
        error=outcome.error,
    )
