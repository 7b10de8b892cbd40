"""What each confidence level means, written once for the methodology page."""

from django.utils.translation import gettext_lazy as _

from evidence.models import Confidence

CONFIDENCE_RULES = [
    (
        Confidence.CONFIRMED,
        _(
            "At least two citations from sources of different publishers, neither derived "
            "from the other, or a primary source from the firm itself."
        ),
    ),
    (
        Confidence.SINGLE_SOURCE,
        _("One independent source, cited with its locator; not yet corroborated."),
    ),
    (
        Confidence.ALLEGED,
        _(
            "Reported only by an interested party, an anonymous source, or with hedging "
            '("reportedly") in the source itself.'
        ),
    ),
    (
        Confidence.DISPUTED,
        _("A recorded denial by the firm, or a credible counter-source, stands against it."),
    ),
]
