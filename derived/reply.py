"""The firms' claims by right-of-reply state, stored without today's date in it.

The rule is evidence.reply.reply_status_expression: stored with
`stored=True`, a claim awaiting a response until a deadline is
"until:<deadline>", and `reply_counts` compares the deadline with the day it
is read (evidence.reply.status_on), so the stored facts stay right as the
calendar moves on without being written again.
"""

from django.utils import timezone

from evidence.reply import ReplyStatus, reply_status_expression, status_on

from .models import FirmClaimFact

# The claim fields the reply state is computed from.
REPLY_FIELDS = ["firm_response", "firm_response_url", "reply_contacted_on", "reply_deadline"]


def stored_reply_state(prefix=""):
    """The state stored per claim: the reply status, a deadline instead of a comparison with today."""
    return reply_status_expression(stored=True, prefix=prefix)


def reply_counts(firm, today=None):
    """[(status, label, count)] of the firm's published claims by reply status on `today`.

    `today` is UTC's, as the database compares it (reply_status_expression).
    """
    today = today or timezone.now().date()
    counts = dict.fromkeys(ReplyStatus.values, 0)
    rows = FirmClaimFact.objects.filter(firm=firm, facet=FirmClaimFact.Facet.REPLY).values_list(
        "value", "claims"
    )
    for state, claims in rows:
        counts[status_on(state, today).value] += claims
    return [(value, ReplyStatus(value).label, counts[value]) for value in ReplyStatus.values]
