"""Search reaches the evidence: claims about the firms a name finds, which name matched, typos.

CI runs this file on PostgreSQL and on SQLite: "did you mean" works on both
(the names are compared in memory, hub.search_suggest).
"""

import html
import re

import pytest
from django.db import connection

from tests.factories import ClaimFactory, FirmFactory, SiteFactory

POSTGRESQL = connection.vendor == "postgresql"
pytestmark = pytest.mark.django_db


def page(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def group(body, key):
    match = re.search(rf'id="group-{key}".*?</section>', body, re.DOTALL)
    return match.group() if match else ""


def ids(section):
    return re.findall(r'<span class="id">([A-Z]+[0-9]+)</span>', section)


def test_a_firm_s_name_in_chinese_finds_the_claims_about_it(client, small_world):
    sany, claim = small_world.sany, small_world.supply
    body = page(client, "三一")
    assert sany.public_id in ids(group(body, "firms"))
    about = group(body, "firm_claims")
    assert "Claims about the firms found" in about
    assert claim.public_id in ids(about)
    # Shown as such: which firms, each linking its claims.
    assert f'href="/claims/?firm={sany.public_id}"' in about
    # The statement itself does not hold 三一: the plain claim group does not find it.
    assert "三一" not in claim.statement
    assert claim.public_id not in ids(group(body, "claims"))


def test_a_firm_found_only_in_another_firm_s_description_brings_no_claims(client):
    named = FirmFactory(name_en="Zoomlion Heavy Industry", aliases="")
    mentions = FirmFactory(name_en="Other Co.", description="A dealer of Zoomlion cranes.")
    ClaimFactory(firms=[named], statement="Cranes were delivered.")
    other = ClaimFactory(firms=[mentions], statement="Trucks were delivered.")
    about = group(page(client, "Zoomlion"), "firm_claims")
    assert other.public_id not in ids(about)
    assert len(ids(about)) == 1


def test_a_match_on_an_alias_says_which_name_matched(client):
    FirmFactory(public_id="F9801", name_en="Sany Heavy Equipment", aliases="Сани Украина\nSHE")
    section = group(page(client, "Украина"), "firms")
    assert ids(section)[0] == "F9801"
    assert "<dt>Matched alias</dt><dd>Сани <mark>Украина</mark>" in section


def test_a_match_on_a_transliteration_shows_the_name_it_transliterates(client):
    # latin_names is what publishing derives from the Chinese name (hub.transliteration).
    FirmFactory(
        public_id="F9802", name_en="Tianli Co.", name_zh="开元贸易", latin_names="Kaiyuan Maoyi"
    )
    section = group(page(client, "Maoyi"), "firms")
    assert ids(section) == ["F9802"]
    assert "<dt>Chinese name</dt><dd>开元贸易" in section
    assert "Kaiyuan <mark>Maoyi</mark>" in section


@pytest.mark.parametrize(
    ("typo", "name"),
    [("Huawey", "Huawei"), ("Hauwei", "Huawei"), ("huawey technologies", "Huawei technologies")],
)
def test_a_misspelt_firm_name_finds_the_firm_and_offers_the_spelling(client, typo, name):
    FirmFactory(public_id="F9803", name_en="Huawei Technologies Co., Ltd.", aliases="")
    body = html.unescape(page(client, typo))
    assert ids(group(body, "firms"))[:1] == ["F9803"]
    text = re.sub(r"<[^>]+>", "", body)
    if POSTGRESQL and "closest spellings" in body:
        # Trigram similarity found it; the spelling is offered beside it.
        assert f"Did you mean {name}?" in text
    else:
        # Nothing found as typed (always so on SQLite): the closest name's results.
        assert f"Showing the results for {name}," in text


def test_a_misspelt_site_name_is_corrected_on_every_database(client):
    SiteFactory(public_id="S9801", name_en="Bilorichenska mine", aliases="")
    body = page(client, "Bilorechenska")
    assert ids(group(body, "sites"))[:1] == ["S9801"]
    assert "Bilorichenska" in re.sub(r"<[^>]+>", "", body.split('id="group-')[0])


def test_a_query_the_hub_holds_is_not_corrected(client):
    FirmFactory(name_en="Huawei Technologies Co., Ltd.")
    body = page(client, "Huawei")
    assert "Did you mean" not in body
    assert "Showing the results for" not in body


def test_nothing_close_offers_nothing(client):
    FirmFactory(name_en="Huawei Technologies Co., Ltd.")
    body = page(client, "Xylophone")
    assert "Did you mean" not in body
    assert "Nothing matched" in body
