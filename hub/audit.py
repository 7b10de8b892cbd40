"""The audit trail: who did what, on the `hub.audit` logger.

Logins, failed logins, lockouts, logouts, expired sessions, publishing and
every moderation decision are logged here with the actor. Callers pass
named facts only (a username, a reference, a status): never a password, a
one-time code, a tracking token, or a submitter's name, email or address.
Values are reduced to one short line so that nothing can forge log lines.
"""

import logging

from .clientip import client_ip

logger = logging.getLogger("hub.audit")

MAX_VALUE = 120


def _clean(value):
    text = str(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text[:MAX_VALUE].replace(" ", "_") or "-"


def actor_name(actor):
    if actor is None:
        return "-"
    if getattr(actor, "is_authenticated", False):
        return actor.get_username()
    if isinstance(actor, str):
        return actor
    return "anonymous"


def log(event, *, actor, request=None, **facts):
    """Log `event` by `actor` (a user, a username, or None), with `facts`.

    With a request, the client address is logged too: the address of a staff
    member or of someone trying to log in, never a public form's submitter
    (the correction form does not call this).
    """
    parts = [f"event={_clean(event)}", f"actor={_clean(actor_name(actor))}"]
    if request is not None:
        parts.append(f"ip={client_ip(request)}")
    parts.extend(f"{key}={_clean(value)}" for key, value in sorted(facts.items()))
    logger.info(" ".join(parts))
