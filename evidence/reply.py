"""Right of reply, per claim: the vocabulary and the derived reply status.

What is recorded on a claim: whether and when the firm was contacted, how,
in which language and by which deadline; and its response (quoted, linked,
dated). The reply status follows from those fields, in the database (the
`reply_status_expression`, used by querysets and the CSV). It is never
stored on the claim, so it cannot disagree with them; a firm profile counts
its claims' states from the firm's claim facts (derived.firm_facts writes
them, derived.reply reads them), which store each state without today's date
in it (the same expression with `stored=True`) and compare the deadline when
read (`status_on`).
"""

import datetime

from django.db import models
from django.db.models import Case, CharField, DateField, Q, Value, When
from django.db.models.functions import Cast, Concat, Now
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


def _lookups(prefix, **lookups):
    return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})


def responded(prefix=""):
    """The claims with a recorded response: its text or its address."""
    return ~_lookups(prefix, firm_response="") | ~_lookups(prefix, firm_response_url="")


RESPONDED = responded()
# A stored state awaiting a response until a deadline: "until:<ISO date>".
UNTIL = "until:"


def reply_status_expression(*, stored=False, prefix=""):
    """The reply status of each claim, computed by the database.

    The one statement of the rule. By default the deadline is compared with
    the database's today (UTC): querysets and the CSV. With `stored=True` the
    state leaves today out, to be stored (derived.firm_facts): a claim
    awaiting a response until a deadline is "until:<deadline>", which
    `status_on` turns into a status on the day it is read. `prefix` reaches
    the claim's fields through a relation ("claim__" from its firms' links).
    """

    def q(**lookups):
        return _lookups(prefix, **lookups)

    deadline = f"{prefix}reply_deadline"
    cases = [
        When(responded(prefix), then=Value(ReplyStatus.RESPONDED.value)),
        When(q(reply_contacted_on__isnull=True), then=Value(ReplyStatus.NOT_CONTACTED.value)),
    ]
    if stored:
        # Dates are ISO text in both databases (PostgreSQL's DateStyle ISO, the default).
        cases.append(When(q(reply_deadline__isnull=True), then=Value(ReplyStatus.AWAITING.value)))
        default = Concat(Value(UNTIL), Cast(deadline, CharField()), output_field=CharField())
    else:
        cases.append(
            When(
                q(reply_deadline__lt=Cast(Now(), DateField())),
                then=Value(ReplyStatus.NO_RESPONSE.value),
            )
        )
        default = Value(ReplyStatus.AWAITING.value)
    return Case(*cases, default=default, output_field=CharField())


def status_on(state, today):
    """The reply status a stored state (reply_status_expression(stored=True)) has on `today`."""
    if state.startswith(UNTIL):
        deadline = datetime.date.fromisoformat(state.removeprefix(UNTIL))
        return ReplyStatus.NO_RESPONSE if deadline < today else ReplyStatus.AWAITING
    return ReplyStatus(state)


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
