"""Template filters for evidence on pages: reply states counted from claims already read."""

from django import template

from evidence.reply import count_by_status

register = template.Library()


@register.filter
def reply_counts(claim_groups):
    """[(status, label, count)] for the claims of a profile's (label, claims) groups.

    The claims come annotated with `reply_status` (ClaimQuerySet.for_display),
    so counting them costs no query.
    """
    return count_by_status(claim for _label, claims in claim_groups for claim in claims)
