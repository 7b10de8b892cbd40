"""Defences of the public correction form against bots.

Four checks, each of which refuses a post before anything is stored:

- a rate limit per client (django-ratelimit on the shared cache, keyed on
  `hub.clientip.client_ip`, which believes X-Forwarded-For only from our
  own proxies): HUB_CORRECTION_RATES, e.g. "5/m,20/h";
- a honeypot: a text field people never see (the `hidden` attribute), which
  bots that fill every field fill;
- a signed form token (django.core.signing) carrying when the form was
  served and a random nonce: a post sooner than HUB_FORM_MIN_SECONDS after
  that, or later than HUB_FORM_MAX_SECONDS, or with a forged token is
  refused;
- replay: a token's nonce is accepted once (an atomic `cache.add`).
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from hub.clientip import ratelimit_key

SALT = "editorial.correction-form"
HONEYPOT = "website"
TOKEN = "form_token"
RATE_GROUP = "editorial.correction_new"


@dataclass(frozen=True)
class Refusal:
    reason: str
    status: int
    message: str


REFUSALS = {
    "rate": Refusal(
        "rate",
        429,
        _(
            "You have sent several corrections in a short time. Please wait a few minutes "
            "and send this one again: your text is kept below."
        ),
    ),
    "honeypot": Refusal(
        "honeypot",
        400,
        _("This form could not be sent. Please send it again: your text is kept below."),
    ),
    "too_fast": Refusal(
        "too_fast",
        400,
        _(
            "That was quicker than a person fills in this form. Please check your text "
            "and send it again."
        ),
    ),
    "expired": Refusal(
        "expired",
        400,
        _(
            "This form has expired (a form can be sent within an hour). Please send it "
            "again: your text is kept below."
        ),
    ),
    "replayed": Refusal(
        "replayed",
        400,
        _(
            "This form has already been sent once. To send another correction, "
            "send it again: your text is kept below."
        ),
    ),
}


def issue_token(*, issued_at=None):
    """A signed token saying when the form was served, with a fresh nonce."""
    when = time.time() if issued_at is None else issued_at
    return signing.dumps({"t": round(when, 3), "n": secrets.token_urlsafe(16)}, salt=SALT)


def read_token(token):
    """(issued_at, nonce) of a genuine token, else None."""
    try:
        data = signing.loads(str(token)[:500], salt=SALT)
        issued_at, nonce = float(data["t"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if not nonce or len(nonce) > 64:
        return None
    return issued_at, nonce


def _nonce_key(nonce):
    return f"editorial:form-nonce:{nonce}"


def over_rate(request):
    """Count this post against the client's limits; True if any is exceeded."""
    limited = False
    for rate in settings.HUB_CORRECTION_RATES:
        limited |= is_ratelimited(
            request, group=RATE_GROUP, key=ratelimit_key, rate=rate, method="POST", increment=True
        )
    return limited


def screen(request):
    """Check a post. Returns (refusal or None, issued_at to carry into a re-served form)."""
    read = read_token(request.POST.get(TOKEN, ""))
    issued_at = read[0] if read else None
    if over_rate(request):
        return REFUSALS["rate"], issued_at
    if request.POST.get(HONEYPOT, ""):
        return REFUSALS["honeypot"], issued_at
    if read is None:
        return REFUSALS["expired"], None
    age = time.time() - issued_at
    if age > settings.HUB_FORM_MAX_SECONDS or age < -60:
        return REFUSALS["expired"], None
    if age < settings.HUB_FORM_MIN_SECONDS:
        return REFUSALS["too_fast"], issued_at
    if not cache.add(_nonce_key(read[1]), 1, timeout=int(settings.HUB_FORM_MAX_SECONDS) + 60):
        return REFUSALS["replayed"], issued_at
    return None, issued_at
