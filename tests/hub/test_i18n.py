"""The interface in English and Ukrainian.

The reader picks the language with the switcher in the header, which posts to
/i18n/setlang/ and stores the choice in a cookie: URLs never change. Without
a choice the site is in English. Record names and the data stay as they are.
"""

import datetime
import html
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from editorial.models import Correction
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
    SourceFactory,
    correction_form_data,
)

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "uk" / "LC_MESSAGES"


def text(response):
    """The page as a reader sees its text: entities decoded, tags kept."""
    return html.unescape(response.content.decode())


@pytest.fixture
def ukrainian(client):
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/firms/?stage=1"})
    assert response.status_code == 302
    assert response["Location"] == "/firms/?stage=1"
    return client


@pytest.fixture
def records():
    sany = FirmFactory(
        public_id="F0001",
        name_en="SANY Heavy Industry",
        name_zh="三一重工股份有限公司",
        kind="company",
        ownership="listed",
        exchange="Shanghai Stock Exchange",
        ticker="600031",
    )
    FirmFactory(stage=2, kind="network")
    FirmFactory(stage=3)
    DesignationFactory(firm=sany, listed_on=datetime.date(2024, 6, 24))
    site = SiteFactory(
        public_id="S0001", name_en="Bilorichenska coal mine", name_uk="шахта Білоріченська"
    )
    source = SourceFactory(
        public_id="SRC0001",
        published_on=datetime.date(2025, 3, 1),
        accessed_on=datetime.date(2025, 11, 28),
    )
    ClaimFactory(
        public_id="C0001",
        firms=[sany],
        sites=[site],
        cite=source,
        date_start=datetime.date(2024, 1, 1),
        date_precision="month",
        figure_low=Decimal("8.5"),
        figure_unit="%",
    )
    return {"firm": sany, "site": site, "source": source}


def test_choosing_ukrainian_sets_the_language_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "uk", "next": "/methodology/"})
    assert response.status_code == 302
    assert response["Location"] == "/methodology/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    # An unknown language is ignored: no cookie.
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_every_page_has_a_switcher_of_two_links_that_keeps_the_page(client):
    body = client.get("/sources/?kind=media").content.decode()
    nav = re.search(r'<nav class="language-switcher".*?</nav>', body, re.S)
    assert nav, "the language switcher"
    nav = nav.group()
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)"[^>]*>([^<]+)</a>', nav)
    next_page = "?next=/sources/%3Fkind%3Dmedia"
    assert links == [
        (f"/language/en/{next_page}", "en", "English"),
        (f"/language/uk/{next_page}", "uk", "Українська"),
    ]
    assert 'aria-current="true">English' in nav
    assert "<script" not in nav
    assert "style=" not in nav
    # One click: the link sets the language and comes back to the same page.
    response = client.get("/language/uk/", {"next": "/sources/?kind=media"})
    assert response.status_code == 302
    assert response["Location"] == "/sources/?kind=media"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="uk">' in page


def test_the_language_link_refuses_other_sites_and_languages(client):
    response = client.get("/language/uk/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/language/xx/", {"next": "/"}).status_code == 404


def test_with_no_cookie_everything_stays_english(client, records):
    home = text(client.get("/"))
    assert '<html lang="en">' in home
    assert "Foreign firms and the occupied territories of Ukraine: what the sources show" in home
    # One firm has claims; the two others are related organisations.
    assert "<strong>1</strong> firm or organisation named in claims" in home
    assert "2 related organisations</a> with no claim of their own" in home
    firms = text(client.get("/firms/"))
    assert 'role="status">3 firms</p>' in firms
    profile = text(client.get("/firms/F0001/"))
    assert "listed 24 June 2024" in profile
    assert "Sanctions, export controls and other designations" in profile
    assert "1 March 2025" in text(client.get("/sources/SRC0001/"))
    claim = text(client.get("/claims/C0001/"))
    assert "January 2024" in claim
    assert "8.5 %" in claim
    errors = text(client.post("/corrections/new/", {"evidence": "not a link"}))
    assert "This field is required." in errors
    for body in [home, firms, profile, claim, errors]:
        assert "Україн" not in body.replace(">Українська</a>", "")


def test_the_home_page_in_ukrainian(ukrainian, records):
    body = text(ukrainian.get("/"))
    assert '<html lang="uk">' in body
    assert (
        "<h1>Іноземні фірми і тимчасово окуповані території України: що показують джерела</h1>"
        in body
    )
    assert "<strong>1</strong> фірма чи організація, названа у твердженнях" in body
    assert "2 пов’язані організації</a> без власних тверджень" in body
    assert "Три етапи залучення" in body
    assert "Етап 1 · приватні постачальники обладнання" in body
    assert "1 фірма" in body  # each stage has one firm: the singular form
    assert 'hreflang="uk" aria-current="true">Українська</a>' in body
    assert "Методологія</a>" in body
    assert "Запропонуйте виправлення" in body  # the footer


def test_a_list_page_in_ukrainian(ukrainian, records):
    body = text(ukrainian.get("/firms/"))
    assert "<h1>Фірми та організації</h1>" in body
    assert 'role="status">3 фірми</p>' in body
    assert "Фільтр (активних: 0)" in body
    assert "Луганська область" in body  # a region facet
    assert "Назва (за спаданням)" in body  # a sort order
    assert '<option value="" selected>Усі</option>' in body  # the empty filter choice
    assert "Завантажити 3 рядки:" in body
    sites = text(ukrainian.get("/sites/"))
    assert "Об’єкти на тимчасово окупованих територіях" in sites
    assert "Луганська область" in sites


def test_a_profile_in_ukrainian_keeps_names_in_their_scripts(ukrainian, records):
    body = text(ukrainian.get("/firms/F0001/"))
    assert '<html lang="uk">' in body
    assert "<h1>SANY Heavy Industry</h1>" in body
    assert '<span lang="zh">三一重工股份有限公司</span>' in body
    assert "Sanyi Zhonggong Gufen Youxian Gongsi" in body
    assert "Форма власності" in body
    assert "акції торгуються на Shanghai Stock Exchange (600031)" in body
    assert "Санкції, експортний контроль та інші обмежувальні заходи" in body
    assert "внесено до списку 24 червня 2024 р." in body
    site = text(ukrainian.get("/sites/S0001/"))
    assert "Луганська область, Україна" in site
    assert '<span lang="uk">шахта Білоріченська</span>' in site


def test_dates_and_numbers_follow_the_language(ukrainian, records):
    source = text(ukrainian.get("/sources/SRC0001/"))
    assert "1 березня 2025 р." in source  # the month in the genitive after a day
    assert "28 листопада 2025 р." in source
    claim = text(ukrainian.get("/claims/C0001/"))
    assert "січень 2024" in claim  # a month on its own: nominative, lower case
    assert "8,5 %" in claim  # a decimal comma
    assert "Примітка 1" in claim


def test_large_numbers_are_grouped_in_each_language():
    template = Template("{% load humanize %}{{ n|intcomma }}")
    with translation.override("en"):
        assert template.render(Context({"n": 12345})) == "12,345"
    with translation.override("uk"):
        assert template.render(Context({"n": 12345})) == "12\xa0345"


def test_the_methodology_page_in_ukrainian(ukrainian):
    body = text(ukrainian.get("/methodology/"))
    for phrase in [
        "<h1>Методологія</h1>",
        "Етапи залучення",
        "Етап 2 · парадипломатичні та академічні мережі «Поясу і шляху»",
        "Рівні достовірності",
        "Підтверджено",
        "Його підтверджують щонайменше два незалежні джерела",
        "Стандарт роботи з джерелами",
        "Автономна Республіка Крим або Севастополь; ніколи як Росія.",
        "Ступені надійності джерел",
        "Типи тверджень",
        "Постачання обладнання",
        "Виправлення та оновлення",
    ]:
        assert phrase in body, phrase
    assert "Sourcing standard" not in body


def test_the_correction_form_and_its_errors_in_ukrainian(ukrainian, records):
    body = text(ukrainian.get("/corrections/new/?record=F0001"))
    assert "<h1>Запропонувати виправлення</h1>" in body
    assert "Що не так?" in body
    assert "Надіслати виправлення" in body

    response = ukrainian.post("/corrections/new/", {"evidence": "not a link"})
    assert response.status_code == 400
    body = text(response)
    assert "Будь ласка, виправте зазначене нижче; нічого ще не надіслано." in body
    assert "Це поле обов'язкове." in body  # Django's own catalogue
    assert (
        "«not a link» не може бути посиланням: Вебадреса не може містити пробілів чи розривів рядка."
        in body
    )  # ours


def test_a_ukrainian_reader_gets_the_thank_you_message_in_ukrainian(ukrainian, records):
    response = ukrainian.post(
        "/corrections/new/",
        correction_form_data(record="F0001", what_is_wrong="The ticker.", proposed_fix="600032."),
        follow=True,
    )
    assert response.status_code == 200
    assert "Дякуємо. Ваше виправлення має номер" in text(response)


def test_what_a_ukrainian_reader_stores_is_in_the_default_language(ukrainian, records):
    relationship = RelationshipFactory(public_id="R0001", source_firm=records["firm"])
    ukrainian.post(
        "/corrections/new/?record=R0001",
        correction_form_data(record="R0001", what_is_wrong="The kind.", proposed_fix="Partner."),
    )
    correction = Correction.objects.get()
    with translation.override("en"):
        assert correction.target_label == str(relationship)
    assert " — member of — " in correction.target_label


def test_exports_stay_machine_readable_in_ukrainian(ukrainian, records):
    csv = ukrainian.get("/claims.csv").getvalue().decode()
    assert "2024-01-01" in csv
    assert "8.5" in csv
    assert "8,5" not in csv
    assert "equipment_supply" in csv


def test_the_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.metadata["Language"] == "uk"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated
    assert not fuzzy
    assert not po.obsolete_entries()
    placeholder = re.compile(r"%\(\w+\)s|\{\w+\}")
    for entry in po:
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            assert len(forms) == 4, entry.msgid
            assert all(forms), entry.msgid
        else:
            forms = [entry.msgstr]
            assert entry.msgstr.strip(), entry.msgid
        for form in forms:
            assert set(placeholder.findall(form)) == set(placeholder.findall(entry.msgid)), (
                entry.msgid
            )
    # The committed .mo holds exactly what the .po says (run `make messages` after editing).
    mo = {
        (entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(CATALOGUE / "django.mo"))
    }
    for entry in po:
        compiled = mo[(entry.msgctxt, entry.msgid)]
        if entry.msgid_plural:
            assert compiled.msgstr_plural == entry.msgstr_plural, entry.msgid
        else:
            assert compiled.msgstr == entry.msgstr, entry.msgid
