"""``{% load glossary_tags %}``: the hub's vocabularies (evidence.glossary) in templates."""

from django import template

from evidence import glossary

register = template.Library()


@register.simple_tag
def glossary_terms(name):
    """``{% glossary_terms "confidence" as terms %}``: the terms of one vocabulary, in order."""
    return glossary.vocabulary(name).terms
