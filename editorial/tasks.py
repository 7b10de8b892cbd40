"""Background work of the corrections workflow (django.tasks; run by `manage.py db_worker`)."""

import hashlib
import hmac

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse

WHERE_THE_LINK_IS = (
    "Your private tracking link, which shows its full history, is in the email we sent you "
    "when you submitted it."
)


def _pad(correction_id, length):
    key = settings.SECRET_KEY.encode()
    message = f"editorial.tasks.tracking-link:{correction_id}".encode()
    return hmac.new(key, message, hashlib.sha512).digest()[:length]


def seal_token(correction_id, token):
    """The tracking token masked for the queue: a task's arguments stay in its row after it runs.

    Only the hash of the token is stored with the correction; the queue's copy
    is XORed with a pad derived from the secret key and the correction, used
    for this one token, so the row alone does not open the tracking page.
    """
    raw = token.encode()
    return bytes(a ^ b for a, b in zip(raw, _pad(correction_id, len(raw)), strict=True)).hex()


def open_token(correction_id, sealed):
    raw = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(raw, _pad(correction_id, len(raw)), strict=True)).decode()


@task()
def notify_correction_received(correction_id, sealed_token):
    """Send a submitter the reference and the private tracking link of their correction."""
    from .models import Correction

    correction = Correction.objects.select_related("contact").filter(pk=correction_id).first()
    email = getattr(getattr(correction, "contact", None), "email", "") if correction else ""
    if not email:
        return {"sent": False}
    token = open_token(correction_id, sealed_token)
    link = settings.HUB_SITE_URL + reverse("editorial:correction_track", args=[token])
    send_mail(
        subject=f"Your correction {correction.reference} was received",
        message=(
            f"Thank you for your correction {correction.reference} to the TOT Insights Hub.\n\n"
            f"Your private tracking link shows what happens to it, step by step:\n{link}\n\n"
            "Keep this email: the hub stores only a fingerprint of the link and cannot send it "
            "again. Anyone with the link can see the correction's progress (not your name or "
            "address)."
        ),
        from_email=None,
        recipient_list=[email],
    )
    return {"sent": True}


@task()
def notify_correction_published(correction_id, update_number):
    """Tell a correction's submitter that update `update_number` published it.

    The task carries the correction's key, not the address: the queue keeps
    its rows after they run, and the address stays only in CorrectionContact,
    whose retention rule (purge_contact_data) removes it in time. A contact
    purged before the worker got here gets no mail.
    """
    from .models import Correction

    correction = Correction.objects.select_related("contact").filter(pk=correction_id).first()
    email = getattr(getattr(correction, "contact", None), "email", "") if correction else ""
    if not email:
        return {"sent": False}
    send_mail(
        subject=f"{correction.reference} was published in update {update_number}",
        message=(
            f"Thank you for your correction {correction.reference}. It was published in update "
            f"{update_number} of the TOT Insights Hub: "
            f"{settings.HUB_SITE_URL}/updates/{update_number}/\n\n" + WHERE_THE_LINK_IS
        ),
        from_email=None,
        recipient_list=[email],
    )
    return {"sent": True}
