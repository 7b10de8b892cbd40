"""Ukrainian all the way down: records carry Ukrainian text beside the English.

The Ukrainian pages show a record's Ukrainian text where the hub has written
it, else the English marked "ще не перекладено"; the English pages never
change; the downloads carry both.
"""

import csv
import html
import io

import pytest
from django.core.management import call_command

from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
from evidence.models import Citation, Claim, Source
from hub.models import Status
from tests.factories import CitationFactory, ClaimFactory, FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db
MARK = "(ще не перекладено)"


def uk(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()


def en(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_ukrainian_page_shows_the_ukrainian_text_and_an_english_one_the_english(client):
    firm = FirmFactory(description="Maker of cranes.", description_uk="Виробник кранів.")
    claim = ClaimFactory(
        firms=[firm],
        statement="The firm supplied cranes.",
        statement_uk="Фірма постачала крани.",
    )
    for url in (claim.get_absolute_url(), firm.get_absolute_url(), "/claims/"):
        assert "Фірма постачала крани." in uk(client, url)
        assert "The firm supplied cranes." in en(client, url)
    # (The claim page's "how to cite" keeps the record's English title.)
    for url in (firm.get_absolute_url(), "/claims/"):
        assert "The firm supplied cranes." not in uk(client, url)
    assert '<h1 class="statement">Фірма постачала крани.' in uk(client, claim.get_absolute_url())
    assert "Виробник кранів." in uk(client, firm.get_absolute_url())
    assert MARK not in uk(client, firm.get_absolute_url())


def test_a_text_not_yet_translated_shows_the_english_marked_as_such(client):
    claim = ClaimFactory(statement="The firm supplied cranes.")
    page = uk(client, claim.get_absolute_url())
    assert (
        f'<span lang="en">The firm supplied cranes.</span> <span class="untranslated">{MARK}</span>'
        in page
    )
    assert "untranslated" not in en(client, claim.get_absolute_url())


def test_a_quote_s_ukrainian_translation_is_shown_on_ukrainian_pages(client):
    claim = ClaimFactory(cite=False)
    source = SourceFactory(language="zh")
    CitationFactory(
        claim=claim,
        source=source,
        quote="三一提供了设备。",
        quote_translation="SANY supplied the equipment.",
        quote_translation_uk="SANY постачала обладнання.",
    )
    assert '<q lang="uk">SANY постачала обладнання.</q>' in uk(client, claim.get_absolute_url())
    assert '<q lang="en">SANY supplied the equipment.</q>' in en(client, claim.get_absolute_url())
    # The source's page lists the same quote with the same translation.
    assert '<q lang="uk">SANY постачала обладнання.</q>' in uk(client, source.get_absolute_url())
    assert '<q lang="en">SANY supplied the equipment.</q>' in en(client, source.get_absolute_url())


def test_the_downloads_carry_both_languages(client):
    ClaimFactory(public_id="C9900", statement="English.", statement_uk="Українською.")
    body = b"".join(client.get("/claims.csv").streaming_content).decode()
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["id"] == "C9900")
    assert (row["statement"], row["statement_uk"]) == ("English.", "Українською.")


# Every model with Ukrainian text: its twins are the fields `<field>_uk` beside a `<field>`.
TRANSLATED_MODELS = [Firm, Site, Relationship, SanctionsDesignation, Source, Claim, Citation]
# What stays without a Ukrainian twin in the seed data, and why (nothing else may):
# a quote in Ukrainian needs no Ukrainian translation (the page shows the quote itself).
# Names are not here: `name_uk` beside `name_en` holds a name the place or firm has in
# Ukrainian, and the descriptive labels of S0003-S0008 and the firms' names have none.
UNTRANSLATED = {
    Citation: {"quote_translation": {"source__language": "uk"}},
}


def ukrainian_twins(model):
    """The (English field, Ukrainian field) pairs of `model`."""
    names = {field.name for field in model._meta.get_fields()}
    return [
        (name[:-3], name) for name in sorted(names) if name.endswith("_uk") and name[:-3] in names
    ]


def test_every_seed_record_has_ukrainian_text_or_is_marked_untranslated(client):
    call_command("load_seeds", stdout=io.StringIO())
    claims = Claim.objects.public()
    assert claims.exists()
    assert not claims.filter(statement_uk="").exists()
    missing, checked = [], 0
    for model in TRANSLATED_MODELS:
        for english, ukrainian in ukrainian_twins(model):
            rows = model.objects.public().exclude(**{english: ""})
            if english in UNTRANSLATED.get(model, {}):
                rows = rows.exclude(**UNTRANSLATED[model][english])
            checked += rows.count()
            missing += [
                (public_id, english)
                for public_id in rows.filter(**{ukrainian: ""}).values_list("public_id", flat=True)
            ]
    assert missing == []
    assert checked > 150  # descriptions, statements, notes, quotes' translations, localities
    assert not Sector.objects.exclude(name="").filter(name_uk="").exists()
    for record in [*Firm.objects.public(), *Site.objects.public()]:
        page = html.unescape(uk(client, record.get_absolute_url()))
        if record.description_uk:
            assert record.description_uk.split(" (")[0][:60] in page, record.public_id
        elif record.description:
            assert MARK in page, record.public_id
    # SANY Heavy Industry's profile in Ukrainian: its claims' statements in Ukrainian.
    sany = Firm.objects.get(public_id="F0001")
    page = html.unescape(uk(client, sany.get_absolute_url()))
    statements = Claim.objects.public().filter(firms=sany).exclude(status=Status.DRAFT)
    assert statements.exists()
    for claim in statements:
        assert f"<p>{claim.statement_uk}" in page
        assert f"<p>{claim.statement}" not in page
