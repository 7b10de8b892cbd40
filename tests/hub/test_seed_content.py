"""The shipped seed data itself: complete, cited, faithful to its sources.

Every test here reads the whole seed history, loaded once for the module
(the `seed_history` fixture of tests/conftest.py); the loader's behaviour on
bad or changed files is tested in test_load_seeds.py, on an empty database.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers

from editorial.models import Update
from entities.models import Firm, Relationship, SanctionsDesignation, Site
from evidence.models import Citation, Claim, Source
from tests.hub.conftest import SEEDS, load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_history")]
MODELS = [Firm, Relationship, SanctionsDesignation, Site, Source, Claim, Citation]


def snapshot():
    return {
        model.__name__: serializers.serialize("json", model.objects.order_by("pk"))
        for model in MODELS
    }


def test_a_second_load_changes_nothing():
    published = Update.objects.count()
    assert published == 1 + len(list((SEEDS / "updates").glob("*.json")))
    before = snapshot()
    second = load()
    assert second.splitlines() == [
        "Tables: published as update 1, unchanged.",
        "Nothing new: no update published.",
    ]
    assert Update.objects.count() == published
    assert snapshot() == before


def test_the_later_updates_are_published_in_order_after_the_tables(seed_history):
    output = seed_history
    files = sorted((SEEDS / "updates").glob("*.json"))
    numbers = [
        int(line.split("published update ")[1].split(":")[0])
        for line in output.splitlines()
        if line.startswith("updates/")
    ]
    assert numbers == list(range(2, 2 + len(files)))
    assert Update.objects.get(number=1).summary.startswith("Seed dataset")


def test_the_seed_holds_every_firm_and_organisation_of_the_article():
    names = " | ".join(Firm.objects.values_list("name_en", flat=True))
    for name in [
        "SANY",
        "XCMG",
        "LiuGong",
        "Huawei",
        "Zhongxin",
        "Amma",
        "Genertec International",
        "Xinxing",
        "UnionPay",
        "Alliance of International Science Organizations",
        "Belt and Road enterprises alliance",
        "Silk Road Dialogue Committee",
        "business associations",
    ]:
        assert name.lower() in names.lower(), name
    # The unnamed mine visitors, the alliance the article describes without a name and
    # the business associations it names only as a group (fact-check row 21).
    assert set(Firm.objects.filter(identified=False).values_list("public_id", flat=True)) == {
        "F0013",
        "F0015",
        Firm.objects.get(name_en__startswith="Unnamed Chinese mining").public_id,
    }


def test_the_four_level_network_is_a_chain_of_memberships():
    anso = Firm.objects.get(name_en__icontains="Alliance of International Science")
    level2 = Relationship.objects.get(target_firm=anso, kind="member").source_firm
    level3 = Relationship.objects.get(target_firm=level2, kind="member").source_firm
    level4 = Relationship.objects.get(target_firm=level3, kind="member").source_firm
    assert "enterprises alliance" in level2.name_en
    assert "Silk Road Dialogue" in level3.name_en
    assert "business associations" in level4.name_en


def test_the_seed_holds_the_sites_and_sources_of_the_article():
    sites = " | ".join(Site.objects.values_list("name_en", flat=True)).lower()
    for name in [
        "bilorichenska",
        "karansky",
        "coal mines",
        "relay stations",
        "bank branches",
        "chinese-language",
    ]:
        assert name in sites, name
    assert Site.objects.get(name_en__icontains="relay").quantity == 6000
    assert Site.objects.get(name_en__icontains="bank branches").quantity == 79
    assert Site.objects.get(name_en__icontains="coal mines").quantity == 4
    publishers = " | ".join(Source.objects.values_list("publisher", flat=True)).lower()
    for name in ["eastern human rights group", "realna gazeta", "ants", "king's college london"]:
        assert name in publishers, name
    assert Source.objects.filter(kind="occupation_statement").exists()


@pytest.mark.parametrize(
    ("low", "high", "unit"),
    [
        (17, None, "firms"),
        (79, None, "bank branches"),
        (8, 15, "%"),
        (6000, None, "relay stations"),
        (4, None, "coal mines"),
        (2008, None, ""),
    ],
)
def test_every_figure_of_the_article_is_a_claim(low, high, unit):
    claims = (
        Claim.objects.filter(figure_low=low, figure_high=high)
        if low != 2008
        else Claim.objects.filter(statement__contains="2008")
    )
    assert claims.exists(), (low, high)
    if unit:
        assert unit in claims.first().figure_unit


def test_every_published_claim_and_relationship_cites_a_source_with_a_locator():
    for claim in Claim.objects.public():
        citations = Citation.objects.public().filter(claim=claim)
        assert citations.exists(), claim.public_id
        assert all(c.locator.strip() for c in citations)
    for relationship in Relationship.objects.public():
        assert Citation.objects.public().filter(relationship=relationship).exists()


# The article stays outside the repository (it is not the project's own
# writing); the project's materials keep it in shared/ beside the clone, as CI has it.
ARTICLE = Path(
    os.environ.get(
        "HUB_SEED_ARTICLE", Path(settings.BASE_DIR).parent / "shared" / "seed-article.txt"
    )
)


def test_quotes_from_the_article_are_exact():
    if not ARTICLE.exists():
        pytest.fail(f"The seed article is not at {ARTICLE}: set HUB_SEED_ARTICLE to its path.")
    text = ARTICLE.read_text(encoding="utf-8")
    for citation in Citation.objects.filter(source__public_id="SRC0001"):
        assert citation.quote in text, citation.public_id


def test_no_occupied_site_is_placed_in_russia():
    assert set(Site.objects.values_list("region", flat=True)) <= {
        "crimea",
        "sevastopol",
        "donetsk",
        "luhansk",
        "zaporizhzhia",
        "kherson",
        "several",
    }


def test_no_citation_puts_the_hub_briefing_s_words_under_another_source_s_name():
    hub_quotes = [
        quote
        for quote in Citation.objects.filter(source__hub_publication=True).values_list(
            "quote", flat=True
        )
        if len(quote) >= 20
    ]
    assert hub_quotes, "the briefing is marked as the hub's own publication"
    article = ARTICLE.read_text(encoding="utf-8") if ARTICLE.exists() else ""
    others = Citation.objects.public().exclude(source__hub_publication=True).exclude(quote="")
    for citation in others.select_related("source"):
        assert not any(q in citation.quote or citation.quote in q for q in hub_quotes), (
            citation.public_id
        )
        if article and len(citation.quote) >= 20:
            assert citation.quote not in article, citation.public_id
        assert "seed article" not in citation.locator.lower(), citation.public_id


def test_every_quote_not_in_english_has_the_hubs_translation():
    untranslated = (
        Citation.objects.public()
        .exclude(quote="")
        .exclude(source__language__startswith="en")
        .filter(quote_translation="")
    )
    assert not untranslated.exists(), list(untranslated.values_list("public_id", flat=True))


def test_claims_resting_only_on_the_hub_briefing_are_graded_hub_findings():
    for claim in Claim.objects.public().prefetch_related("citations__source"):
        cited = [c for c in claim.citations.all() if c.status == "published"]
        if cited and all(c.source.hub_publication for c in cited):
            # "Reportedly" in the briefing itself makes the claim alleged.
            hedged = all(c.stance == "hedged" for c in cited)
            expected = "alleged" if hedged else "hub_finding"
            assert claim.confidence == (claim.confidence_override or expected), claim.public_id


def test_the_seed_history_leaves_no_european_presence_resting_on_no_claim():
    for firm in Firm.objects.public().select_related("european_presence_claim"):
        if firm.european_presence:
            assert firm.european_presence_shown is not None, firm.public_id
    for public_id in ("F0001", "F0002", "F0003", "F0004"):
        firm = Firm.objects.get(public_id=public_id)
        assert firm.european_presence is None
        assert firm.european_presence_note.startswith("Not established by a claim yet.")
