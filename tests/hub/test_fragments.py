"""Per-record parts of pages are cached per update and language (hub/fragments.py)."""

import re

import pytest
from django.core.cache import cache
from django.template.backends.django import Template
from django.test import Client

from evidence.models import Claim
from hub import cache as page_cache
from hub import fragments
from tests.factories import ClaimFactory, FirmFactory, SiteFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def fragments_on(settings):
    settings.HUB_FRAGMENT_CACHE = True


@pytest.fixture
def renders(monkeypatch):
    """The partial templates rendered, by name, each time one is."""
    rendered = []
    real = Template.render

    def render(self, context=None, request=None):
        rendered.append(self.origin.template_name)
        return real(self, context, request)

    monkeypatch.setattr(Template, "render", render)
    return rendered


@pytest.fixture
def firm():
    """A published firm with three claims at one site, each citing a source."""
    firm = FirmFactory(name_en="Example Heavy Industry")
    site = SiteFactory()
    for _ in range(3):
        ClaimFactory(firms=[firm], sites=[site])
    return firm


def fragment_keys():
    return [key for key in cache._cache if f"{fragments.PREFIX}:" in key]


def page(path, language="en"):
    response = Client(headers={"accept-language": language}).get(path)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("record", ["firm", "site", "claim", "firm list", "claim list"])
def test_a_page_reads_the_same_with_fragments_cached_as_rendered(settings, firm, record, language):
    site = firm.claims.first().sites.get()
    url = {
        "firm": firm.get_absolute_url(),
        "site": site.get_absolute_url(),
        "claim": firm.claims.first().get_absolute_url(),
        "firm list": "/firms/",
        "claim list": "/claims/",
    }[record]
    settings.HUB_FRAGMENT_CACHE = False
    rendered = page(url, language)
    settings.HUB_FRAGMENT_CACHE = True
    filled = page(url, language)
    from_cache = page(url, language)
    assert filled == rendered
    assert from_cache == rendered
    assert fragment_keys(), "the page cached no fragment"


def test_a_second_view_renders_no_claim_or_citation_again(fragments_on, renders, firm):
    page(firm.get_absolute_url())
    assert renders.count("evidence/_claim_footnoted.html") == 3
    assert renders.count("evidence/_citation.html") == 3
    assert renders.count("entities/_timeline_row.html") == 3
    renders.clear()
    page(firm.get_absolute_url())
    assert "evidence/_claim_footnoted.html" not in renders
    assert "entities/_timeline_row.html" not in renders
    assert "evidence/_citation.html" not in renders
    assert "entities/_network.html" not in renders


def test_a_citation_rendered_for_a_profile_is_read_from_the_cache_by_the_claim_page(
    fragments_on, renders, firm
):
    page(firm.get_absolute_url())
    renders.clear()
    claim = firm.claims.first()
    html = page(claim.get_absolute_url())
    assert "evidence/_citation.html" not in renders
    assert f'<li id="{claim.citations.get().public_id}">' in html


def test_each_language_and_each_update_has_fragments_of_its_own(
    fragments_on, renders, firm, monkeypatch
):
    page(firm.get_absolute_url())
    renders.clear()
    ukrainian = page(firm.get_absolute_url(), language="uk")
    assert renders.count("evidence/_citation.html") == 3
    assert 'lang="uk"' in ukrainian
    renders.clear()
    monkeypatch.setattr(page_cache, "site_state", lambda: {"update": 99, "synthetic": []})
    page(firm.get_absolute_url())
    assert renders.count("evidence/_citation.html") == 3


def test_a_claim_block_cached_on_one_profile_keeps_its_own_numbers_on_another(settings):
    """A claim shown third on one profile (footnote [3]) and first on another ([1])."""
    first, second = FirmFactory(name_en="First Industry"), FirmFactory(name_en="Second Industry")
    ClaimFactory.create_batch(2, firms=[first], claim_type=Claim.Type.EQUIPMENT_SUPPLY)
    shared = ClaimFactory(firms=[first, second], claim_type=Claim.Type.INVESTMENT)
    settings.HUB_FRAGMENT_CACHE = False
    rendered = page(second.get_absolute_url())
    settings.HUB_FRAGMENT_CACHE = True
    on_first = page(first.get_absolute_url())
    block = on_first[on_first.index(f'<li class="claim" id="{shared.public_id}">') :]
    assert ">[3]</a>" in block[: block.index("</li>")]
    assert page(second.get_absolute_url()) == rendered
    assert ">[1]</a>" in rendered


def test_the_digest_of_a_partial_covers_the_partials_it_includes(settings, monkeypatch):
    settings.DEBUG = True  # read afresh, as under the development server
    before = fragments.template_digest("evidence/_citation.html")
    real = fragments.get_template

    class Changed:
        def __init__(self, template):
            self.template = type("T", (), {"source": template.template.source + "<!-- -->"})

    def get_template(name):
        template = real(name)
        return Changed(template) if name == "evidence/_quote_translation.html" else template

    monkeypatch.setattr(fragments, "get_template", get_template)
    assert fragments.template_digest("evidence/_citation.html") != before


def test_a_row_rendered_for_one_list_is_read_from_the_cache_by_another(fragments_on, renders, firm):
    page("/claims/")
    page("/firms/")
    assert renders.count("evidence/_claim_row.html") == 3
    assert renders.count("entities/_firm_row.html") == 1
    renders.clear()
    claim_type = firm.claims.first().claim_type
    filtered = page(f"/claims/?claim_type={claim_type}")
    page(f"/firms/?q={firm.name_en}")
    assert "evidence/_claim_row.html" not in renders
    assert "entities/_firm_row.html" not in renders
    assert firm.claims.first().public_id in filtered
