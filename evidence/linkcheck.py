"""Request a source's original URL and record what answered (manage.py check_sources).

HEAD first, as it costs the server least; GET when the server refuses HEAD
(405, 501) or fails it, reading only the first bytes. Redirects are
followed and the final URL recorded. Only http and https URLs are requested.
"""

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.utils import timezone

from .archiving import SourceCheck

USER_AGENT = "TOT-Insights-Hub-link-check/1.0 (+https://totinsights.org/)"
HEAD_REFUSED = {405, 501}


@dataclass
class Outcome:
    method: str
    status_code: int | None
    final_url: str
    elapsed_ms: int
    error: str = ""


def _request(url, method, timeout):
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)
            status, final = response.status, response.geturl()
        error = ""
    except urllib.error.HTTPError as failure:
        status, final, error = failure.code, failure.geturl() or url, ""
    except (urllib.error.URLError, OSError, ValueError) as failure:
        reason = getattr(failure, "reason", failure)
        status, final, error = None, "", f"{type(failure).__name__}: {reason}"[:500]
    elapsed = int((time.monotonic() - started) * 1000)
    return Outcome(method, status, final, elapsed, error)


def check_url(url, *, timeout=10.0):
    """One check of `url`: HEAD, falling back to GET."""
    if not url.lower().startswith(("http://", "https://")):
        return Outcome("", None, "", 0, "Not an http or https URL")
    outcome = _request(url, "HEAD", timeout)
    if outcome.status_code is None or outcome.status_code in HEAD_REFUSED:
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
