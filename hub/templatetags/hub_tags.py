"""Template filters of the hub: ``{% load hub_tags %}``."""

from django import template

from hub import transliteration

register = template.Library()


@register.filter
def transliterate(text, language=""):
    """``{{ name|transliterate:"zh" }}``: the Latin transliteration, or "" if already Latin."""
    return transliteration.transliterate(str(text or ""), str(language or ""))
