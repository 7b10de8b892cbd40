"""Right of reply, per claim: the vocabulary and the derived reply status.

What is recorded on a claim: whether and when the firm was contacted, how,
in which language and by which deadline; and its response (quoted, linked,
dated). The reply status follows from those fields, in the database (the
`reply_status_expression`, used by querysets and the CSV). It is never
stored on the claim, so it cannot disagree with them; a firm profile counts
its claims' states from the firm's claim facts (entities.facts), which
store each state without today's date in it and compare the deadline when read.
"""

from django.db import models
from django.db.models import Case, CharField, DateField, Q, Value, When
from django.db.models.functions import Cast, Now
from django.utils.translation import gettext_lazy as _


class ReplyChannel(models.TextChoices):
    EMAIL = "email", _("email")
    LETTER = "letter", _("letter")
    PHONE = "phone", _("telephone")
    WEB_FORM = "web_form", _("the firm's web form")
    IN_PERSON = "in_person", _("in person")
    OTHER = "other", _("another channel")


class ResponseStance(models.TextChoices):
    DENIES = "denies", _("The firm denies the claim")
    ACKNOWLEDGES = "acknowledges", _("The firm acknowledges the claim")
    COMMENTS = "comments", _("The firm comments without confirming or denying")


class ReplyStatus(models.TextChoices):
    NOT_CONTACTED = "not_contacted", _("Not yet contacted")
    AWAITING = "awaiting", _("Awaiting a response")
    RESPONDED = "responded", _("Responded")
    NO_RESPONSE = "no_response_by_deadline", _("No response by the deadline")


RESPONDED = ~Q(firm_response="") | ~Q(firm_response_url="")


def reply_status_expression():
    """The reply status of each claim, computed by the database from today's date (UTC)."""
    return Case(
        When(RESPONDED, then=Value(ReplyStatus.RESPONDED.value)),
        When(reply_contacted_on__isnull=True, then=Value(ReplyStatus.NOT_CONTACTED.value)),
        When(
            reply_deadline__lt=Cast(Now(), DateField()),
            then=Value(ReplyStatus.NO_RESPONSE.value),
        ),
        default=Value(ReplyStatus.AWAITING.value),
        output_field=CharField(),
    )


def reply_date_expression():
    """The date that goes with the reply status.

    responded: the date of the response; awaiting and no_response_by_deadline:
    the deadline; not_contacted: none.
    """
    return Case(
        When(RESPONDED, then="firm_response_date"),
        When(reply_contacted_on__isnull=True, then=Value(None, output_field=DateField())),
        default="reply_deadline",
        output_field=DateField(),
    )
