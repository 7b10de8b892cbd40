"""Template filters of the hub: ``{% load hub_tags %}``."""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from hub import transliteration

register = template.Library()


@register.filter
def transliterate(text, language=""):
    """``{{ name|transliterate:"zh" }}``: the Latin transliteration, or "" if already Latin."""
    return transliteration.transliterate(str(text or ""), str(language or ""))


# The hub's record identifiers, as editors cite them in running text: "(SRC0008)".
# Longest prefixes first, so that SRC0008 is a source, not a site.
RECORD_ID = re.compile(r"\b(SRC|CIT|F|S|C|R)[0-9]{4,7}\b")
RECORD_PAGES = {
    "SRC": "evidence:source_detail",
    "CIT": "evidence:citation_detail",
    "F": "entities:firm_detail",
    "S": "entities:site_detail",
    "C": "evidence:claim_detail",
    "R": "entities:relationship_detail",
}


@register.filter(needs_autoescape=True)
def record_links(text, autoescape=True):
    """``{{ firm.description|record_links }}``: the text, each record identifier in it a link.

    The text is escaped first; identifiers are letters and digits only, so the
    links are built on the escaped text. An identifier of no public record
    links to a page that says so (404).
    """
    escaped = conditional_escape(text) if autoescape else str(text)

    def link(match):
        url = reverse(RECORD_PAGES[match.group(1)], args=[match.group(0)])
        return f'<a href="{url}" class="id">{match.group(0)}</a>'

    return mark_safe(RECORD_ID.sub(link, escaped))
