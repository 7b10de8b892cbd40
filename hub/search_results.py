"""The search page's groups: a ranked page of hits per kind of record, with snippets.

Each group runs two queries whatever the data, its count and its first hits,
and one more when nothing holds the query as written and misspellings are
tried. Claims are counted up to COUNT_CAP: a common word is in tens of
thousands of claims, and counting them all read each of them (the claim list
behind the group's link counts them up to its own cap). Snippets are built in
Python from the rows already read (escape, then mark).
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import search
from .listing import count_up_to
from .transliteration import transliterate

GROUP_SIZE = 10
SNIPPET_WIDTH = 220
# Claims beyond this many are "more than" it on the search page.
COUNT_CAP = 1000

# Per kind: the list's URL name and (field, label, script) of the names a hit may show.
FIRM_NAMES = (
    ("name_en", _("English name"), ""),
    ("name_zh", _("Chinese name"), "zh"),
    ("name_ru", _("Russian name"), "ru"),
    ("name_uk", _("Ukrainian name"), "uk"),
    ("ticker", _("Ticker"), ""),
)
SITE_NAMES = (
    ("name_uk", _("Ukrainian name"), "uk"),
    ("name_ru", _("Russian name"), "ru"),
    ("locality", _("Locality"), ""),
)
SOURCE_NAMES = (
    ("publisher", _("Publisher"), ""),
    ("author", _("Author"), ""),
)


@dataclass
class Hit:
    url: str
    public_id: str
    title: str  # safe HTML
    details: list = field(default_factory=list)  # (label, safe HTML, transliteration)
    # The query matched one of the record's names (not only its description).
    name_matched: bool = False


@dataclass
class Group:
    key: str
    label: str
    list_url: str
    count: int
    hits: list
    more: bool = False  # there are more than `count` (COUNT_CAP)
    misspelt: bool = False  # nothing holds the query as written: similar names
    # Claims about the firms found by name: [(firm's public id, its name)].
    about: list = field(default_factory=list)


def name_details(record, names, terms):
    """Which of the record's other names and aliases the query matched, each labelled.

    A name found through its Latin transliteration (the query "Sanyi" and the
    stored 三一重工) is shown as written, with the transliteration that matched.
    """
    details = []
    candidates = [
        (label, getattr(record, field_name, "") or "", language)
        for field_name, label, language in names
    ]
    aliases = (getattr(record, "aliases", "") or "").splitlines()
    candidates += [(_("Matched alias"), line.strip(), "") for line in aliases if line.strip()]
    for label, value, language in candidates:
        latin = transliterate(value, language) if value else ""
        if search.holds_term(value, terms):
            details.append((label, search.highlight(value, terms), latin))
        elif latin and search.holds_term(latin, terms):
            details.append((label, search.highlight(value, terms), search.highlight(latin, terms)))
    return details


def reader_text(record, field_name, terms):
    """The English `field_name` or its Ukrainian twin (``<field>_uk``), whichever a hit shows.

    The one in the reader's language when it holds the query (or nothing
    does), else the other language's when that one holds it: a hit shows the
    words that found it.
    """
    english = getattr(record, field_name, "") or ""
    ukrainian = getattr(record, f"{field_name}_uk", "") or ""
    texts = [english, ukrainian]
    if (get_language() or "").split("-")[0] == "uk":
        texts.reverse()
    texts = [text for text in texts if text]
    held = [text for text in texts if search.holds_term(text, terms)]
    return (held or texts or [""])[0]


def text_detail(record, field_name, label, terms):
    value = reader_text(record, field_name, terms)
    if search.holds_term(value, terms):
        return [(label, search.highlight(value, terms, SNIPPET_WIDTH), "")]
    return []


def firm_hit(firm, terms):
    details = name_details(firm, FIRM_NAMES, terms)
    named = bool(details) or search.holds_term(firm.name_en, terms)
    if not details:
        details = text_detail(firm, "description", _("Description"), terms)
    title = search.highlight(str(firm), terms)
    return Hit(firm.get_absolute_url(), firm.public_id, title, details, name_matched=named)


def site_hit(site, terms):
    details = name_details(site, SITE_NAMES, terms)
    if not details:
        details = text_detail(site, "description", _("Description"), terms)
    return Hit(
        site.get_absolute_url(), site.public_id, search.highlight(site.name_en, terms), details
    )


def claim_hit(claim, terms):
    # A claim is its statement: the link is the statement, cut around the first hit.
    title = search.highlight(reader_text(claim, "statement", terms), terms, SNIPPET_WIDTH)
    details = text_detail(claim, "firm_response", _("The firm's response"), terms)
    return Hit(claim.get_absolute_url(), claim.public_id, title, details)


def source_hit(source, terms):
    details = name_details(source, SOURCE_NAMES, terms)
    details += text_detail(source, "description", _("Description"), terms)
    return Hit(
        source.get_absolute_url(), source.public_id, search.highlight(source.title, terms), details
    )


def groups(query, kinds):
    """The groups for a cleaned, non-empty query: two or three queries a kind.

    `kinds` lists (key, label, list URL name, queryset, hit maker), one per
    group in order; the site's search page (pages.views.search_kinds) names
    the four searchable models, so that this kernel module imports no app.
    """
    terms = search.highlight_terms(query)
    result = []
    for key, label, list_url, queryset, make_hit in kinds:
        count, more = _count(search.matching(queryset, query, fuzzy=False))
        misspelt = False
        if not count and search.finds_misspellings(queryset.model, query, queryset.db):
            count, more = _count(search.matching(queryset, query))
            misspelt = bool(count)
        ranked = search.ranked(queryset, query, fuzzy=misspelt)
        records = list(ranked[:GROUP_SIZE]) if count else []
        hits = [make_hit(record, terms) for record in records]
        result.append(Group(key, label, list_url, count, hits, more, misspelt))
    return result


def claims_about_found_firms(firms, claims_about, terms):
    """A group of the claims about the firms a query found by name (三一 finds SANY's claims).

    `firms` is the firms' group; `claims_about(public ids)` the public claims
    about those firms (pages.views names the model). Two queries, or none when
    no firm was found by one of its names. A misspelt group's firms were found
    by the similarity of their names.
    """
    about = [(hit.public_id, hit.title) for hit in firms.hits if hit.name_matched or firms.misspelt]
    if not about:
        return None
    queryset = claims_about([public_id for public_id, _ in about])
    count, more = _count(queryset)
    records = list(queryset[:GROUP_SIZE]) if count else []
    hits = [claim_hit(record, terms) for record in records]
    label = _("Claims about the firms found")
    return Group("firm_claims", label, "evidence:claim_list", count, hits, more, about=about)


def _count(queryset):
    """(number of rows, whether there are more): claims stop at COUNT_CAP."""
    if not search.spec_for(queryset.model).large:
        return queryset.count(), False
    count = count_up_to(queryset, COUNT_CAP)
    return min(count, COUNT_CAP), count > COUNT_CAP
