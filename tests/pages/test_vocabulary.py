"""One word per thing: every value of every vocabulary has one label, the methodology's.

The methodology defines each value once, under the anchor <vocabulary>-<value>;
every page that shows a value shows that same label, linked to that anchor.
"""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from evidence.glossary import VOCABULARIES, vocabulary
from tests.factories import ClaimFactory, FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "uk"]
DEFINED = re.compile(r'<dt id="([a-z-]+-[A-Za-z0-9_]+)">(.*?)</dt>\s*<dd>(.*?)</dd>', re.S)


def methodology_terms(client, language):
    page = client.get(reverse("methodology"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    found = {}
    for anchor, label, definition in DEFINED.findall(page):
        assert anchor not in found, f"{anchor} is defined twice on the methodology page"
        found[anchor] = (html.unescape(label.strip()), definition.strip())
    return found


def linked(anchor, label):
    return f'<a class="term" href="/methodology/#{anchor}">{html.escape(label)}</a>'


def page(client, url, language):
    return html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_methodology_defines_every_value_of_every_vocabulary_once(client, language):
    defined = methodology_terms(client, language)
    with translation.override(language):
        for vocab in VOCABULARIES:
            for term in vocab.terms:
                label, definition = defined[term.anchor]
                assert label == str(term.label)
                assert definition, f"{term.anchor} has no definition"
    # The reliability grades appear once each, not as a letter and again as a label.
    assert len([a for a in defined if a.startswith("reliability-")]) == 4


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_showing_a_value_shows_the_methodology_s_label_linked_to_it(client, language):
    defined = methodology_terms(client, language)
    firm = FirmFactory(stage=None)
    claims = {}
    for confidence in vocabulary("confidence").terms:
        claims[confidence.value] = ClaimFactory(confidence=confidence.value, firms=[firm])
    for claim_type in vocabulary("claim-type").terms:
        claims[claim_type.value] = ClaimFactory(claim_type=claim_type.value, firms=[firm])
    for stage in vocabulary("stage").terms:
        claims[stage.value] = ClaimFactory(stage=int(stage.value), firms=[firm])

    for name in ("confidence", "claim-type", "stage"):
        for term in vocabulary(name).terms:
            label = defined[term.anchor][0]
            claim = claims[term.value]
            shown = page(client, claim.get_absolute_url(), language)
            assert linked(term.anchor, label) in shown, (term.anchor, "claim page")
    for name in ("confidence", "claim-type"):
        listed = page(client, reverse("evidence:claim_list"), language)
        for term in vocabulary(name).terms:
            label = defined[term.anchor][0]
            assert linked(term.anchor, label) in listed, (term.anchor, "claim list")
            # The filter offers the same word.
            assert re.search(rf'<option value="{term.value}"[^>]*>{re.escape(label)}', listed)
    for term in vocabulary("confidence").terms:
        profile = page(client, firm.get_absolute_url(), language)
        assert linked(term.anchor, defined[term.anchor][0]) in profile, (term.anchor, "profile")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_firm_list_names_each_stage_rather_than_giving_its_number(client, language):
    defined = methodology_terms(client, language)
    for term in vocabulary("stage").terms:
        FirmFactory(stage=int(term.value))
    listed = page(client, reverse("entities:firm_list"), language)
    for term in vocabulary("stage").terms:
        label = defined[term.anchor][0]
        assert linked(term.anchor, label) in listed
        assert re.search(rf'<option value="{term.value}"[^>]*>{re.escape(label)}', listed)
    assert "<td>1</td>" not in listed


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_source_s_reliability_grade_links_its_definition(client, language):
    defined = methodology_terms(client, language)
    for term in vocabulary("reliability").terms:
        source = SourceFactory(reliability=term.value)
        shown = page(client, source.get_absolute_url(), language)
        assert linked(term.anchor, defined[term.anchor][0]) in shown
        listed = page(client, reverse("evidence:source_list"), language)
        assert f'href="/methodology/#{term.anchor}"' in listed


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_legend_uses_the_methodology_s_words_and_definitions(client, language):
    defined = methodology_terms(client, language)
    ClaimFactory()
    listed = page(client, reverse("evidence:claim_list"), language)
    for term in [*vocabulary("confidence").terms, vocabulary("status").terms[-1]]:
        label, definition = defined[term.anchor]
        assert linked(term.anchor, label) in listed
        assert html.unescape(definition) in listed
    assert "Documented" not in listed
