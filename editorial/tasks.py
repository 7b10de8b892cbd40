"""Background work of the corrections workflow (django.tasks; run by `manage.py db_worker`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


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
            f"{settings.HUB_SITE_URL}/updates/{update_number}/\n\n"
            "Your private tracking link shows its full history."
        ),
        from_email=None,
        recipient_list=[email],
    )
    return {"sent": True}
