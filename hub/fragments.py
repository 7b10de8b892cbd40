"""Parts of pages cached per record, published update and language.

The page cache (hub.cache) answers a URL it has seen; every other URL renders
in full: a new page of a profile, a new filter, the other language, the first
view after an update. Much of what such a page renders was rendered before on
another page: a citation's footnote reads the same under every claim list and
profile that shows it, a claim's block the same wherever its footnotes start
at the same number. `render_each` renders a partial template once per record
and serves it from the cache afterwards: one cache round trip (get_many) for
all of a page's records, one template render per record not seen before.

The keys hold what the fragment depends on: the generation of hub.cache (the
latest update, today's date), the language, a digest of the partial's source
and of the partials it includes (a deploy that changes them moves to new
keys), and the record's `fragment_key` (its primary key unless the page sets
one, as evidence.footnotes does with the first footnote number).
A partial rendered here has no request in its context: it must not need one.
`HUB_FRAGMENT_CACHE=0` renders every fragment on every request.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .cache import generation

PREFIX = "hub:fragment"
INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")


def template_digest(name):
    """A digest of a template's source and of every template it includes, by name.

    Read once per process, except under DEBUG, where templates change while
    the development server runs.
    """
    return _digest_of(name) if settings.DEBUG else _kept_digest(name)


@functools.lru_cache(maxsize=64)
def _kept_digest(name):
    return _digest_of(name)


def _digest_of(name):
    digest, seen, pending = hashlib.sha256(), set(), [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source = get_template(current).template.source
        digest.update(current.encode() + b"\0" + source.encode())
        pending += INCLUDE.findall(source)
    return digest.hexdigest()[:16]


def key_of(record):
    return getattr(record, "fragment_key", None) or record.pk


def render_each(template_name, records, name):
    """The HTML of `template_name` rendered for each record (as `name` in its context), joined."""
    template = get_template(template_name)
    if not settings.HUB_FRAGMENT_CACHE:
        return mark_safe("".join(template.render({name: record}) for record in records))
    prefix = (
        f"{PREFIX}:{generation()}:{get_language()}:{template_name}:{template_digest(template_name)}"
    )
    keys = [f"{prefix}:{key_of(record)}" for record in records]
    found = cache.get_many(keys) if keys else {}
    parts, missing = [], {}
    for key, record in zip(keys, records, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = template.render({name: record})
        parts.append(html)
    if missing:
        cache.set_many(missing, timeout=settings.HUB_PAGE_CACHE_SECONDS)
    return mark_safe("".join(parts))
