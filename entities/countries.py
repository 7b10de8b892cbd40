"""Countries of registration the hub records, by ISO 3166-1 alpha-2 code.

A short closed list keeps the country filter a validated choice; add a
country here when the first firm registered there is recorded.
"""

from django.utils.translation import gettext_lazy as _

COUNTRY_CHOICES = [
    ("CN", _("China")),
    ("HK", _("Hong Kong, China")),
    ("AE", _("United Arab Emirates")),
    ("BY", _("Belarus")),
    ("IR", _("Iran")),
    ("KG", _("Kyrgyzstan")),
    ("KZ", _("Kazakhstan")),
    ("RU", _("Russia")),
    ("TR", _("Türkiye")),
    ("UZ", _("Uzbekistan")),
]
