"""What each confidence level means, for the methodology page.

The rules are not written here: they are the ones `evidence.confidence`
applies, in the order it applies them, so the page cannot drift from the code.
"""

from evidence.confidence import RULES

CONFIDENCE_RULES = RULES
