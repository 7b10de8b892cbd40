"""Template filters of the hub: ``{% load hub_tags %}``."""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from hub import fragments as fragments_module
from hub import links, transliteration
from hub.records import model_for

register = template.Library()


@register.filter
def transliterate(text, language=""):
    """``{{ name|transliterate:"zh" }}``: the Latin transliteration, or "" if already Latin."""
    return transliteration.transliterate(str(text or ""), str(language or ""))


# What may be a record identifier, as editors cite them in running text:
# "(SRC0008)". hub.records says which kind of record, if any, it names.
RECORD_ID = re.compile(r"\b[A-Z]{1,3}[0-9]{4,7}\b")


@register.filter(needs_autoescape=True)
def record_links(text, autoescape=True):
    """``{{ firm.description|record_links }}``: the text, each record identifier in it a link.

    The text is escaped first; identifiers are letters and digits only, so the
    links are built on the escaped text. An identifier of a kind with no page
    (a designation) stays text; one of no public record links to a page that
    says so (404).
    """
    escaped = conditional_escape(text) if autoescape else str(text)

    def link(match):
        model = model_for(match.group(0))
        if model is None or not model.DETAIL_URL_NAME:
            return match.group(0)
        url = reverse(model.DETAIL_URL_NAME, args=[match.group(0)])
        return f'<a href="{url}" class="id">{match.group(0)}</a>'

    return mark_safe(RECORD_ID.sub(link, escaped))


@register.filter
def active_filters(filterset):
    """How many of a list's filters the request uses (the sort order is not a filter)."""
    if filterset is None or not filterset.is_bound:
        return 0
    data = filterset.form.data
    return sum(1 for name in filterset.filters if name != "sort" and data.get(name))


@register.simple_tag
def term(vocabulary, value, label):
    """``{% term "confidence" claim.confidence claim.get_confidence_display %}``.

    The label of a vocabulary value, linked to its one definition on the
    methodology page (anchor ``<vocabulary>-<value>``, see evidence.glossary).
    """
    return format_html(
        '<a class="term" href="{}#{}-{}">{}</a>', reverse("methodology"), vocabulary, value, label
    )


@register.simple_tag
def translated(record, field_name, links=False):
    """``{% translated claim "statement" %}``: a record's text in the reader's language.

    In Ukrainian, the field's ``<field>_uk`` twin where the hub has written it;
    else the English, marked (in its own language) as not yet translated. With
    ``links=True`` the record identifiers in it are links (record_links).
    """
    english = getattr(record, field_name, "") or ""
    ukrainian = getattr(record, f"{field_name}_uk", "") or ""
    shown = (lambda text: record_links(text)) if links else conditional_escape
    if (get_language() or "").split("-")[0] != "uk":
        return shown(english)
    if ukrainian:
        return shown(ukrainian)
    if not english:
        return ""
    return format_html(
        '<span lang="en">{}</span> <span class="untranslated">({})</span>',
        shown(english),
        gettext("not yet translated"),
    )


@register.simple_tag
def external_link(url, text=""):
    """``{% external_link source.url label %}``: a link to a stored URL, or text if it may not be one.

    Only a URL that follows hub.links' rule (http or https to a public host)
    becomes a link; any other (stored before the rule, or broken since) is
    shown as text, so that no page links to an internal address or a script.
    `text` is the link's words (the URL itself when not given).
    """
    url = str(url or "")
    text = text or url
    if links.is_public_url(url):
        return format_html('<a href="{}" rel="nofollow noopener">{}</a>', url, text)
    if text == url:
        return format_html('<span class="url-text">{}</span>', url)
    return format_html('{} (<span class="url-text">{}</span>)', text, url)


@register.simple_tag
def fragments(template_name, records, name, attribute=""):
    """``{% fragments "evidence/_citation.html" footnotes "citation" attribute="citation" %}``.

    `template_name` rendered for each record (or each record's `attribute`)
    under `name`, each from the per-record fragment cache (hub.fragments).
    """
    if attribute:
        records = [getattr(record, attribute) for record in records]
    return fragments_module.render_each(template_name, list(records), name)


@register.simple_tag
def fragment(template_name, record, name):
    """``{% fragment "entities/_network.html" firm "firm" %}``: one record's part, cached."""
    return fragments_module.render_each(template_name, [record], name)
