"""Latin transliterations shown beside names in other scripts."""

import pytest
from django.template import Context, Template

from hub.transliteration import is_latin, transliterate
from tests.factories import FirmFactory, SiteFactory


def test_chinese_is_toneless_pinyin_with_the_syllables_of_a_word_together():
    assert transliterate("三一", "zh") == "Sanyi"
    assert transliterate("三一重工股份有限公司", "zh") == "Sanyi Zhonggong Gufen Youxian Gongsi"
    assert transliterate("华为技术有限公司", "zh") == "Huawei Jishu Youxian Gongsi"


def test_chinese_brackets_polyphones_and_syllable_boundaries():
    # Full-width brackets become Latin ones; 重 in 重工 reads zhong, not chong.
    assert (
        transliterate("中国通用技术（集团）控股有限责任公司", "zh")
        == "Zhongguo Tongyong Jishu (Jituan) Konggu Youxian Zeren Gongsi"
    )
    # An apostrophe marks a syllable that starts with a vowel inside a word; ü stays ü.
    assert transliterate("西安", "zh") == "Xi'an"
    assert transliterate("绿地", "zh") == "Lüdi"


@pytest.mark.parametrize(
    "name",
    ["三一重工股份有限公司", "徐工集团工程机械股份有限公司", "中国银联", "国际科学组织联盟"],
)
def test_every_chinese_transliteration_is_latin(name):
    latin = transliterate(name, "zh")
    assert latin
    assert is_latin(latin)


def test_ukrainian_follows_the_national_standard_kmu_2010():
    assert transliterate("Білоріченська", "uk") == "Bilorichenska"
    assert transliterate("шахта Білоріченська", "uk") == "shakhta Bilorichenska"
    # KMU 2010: зг is zgh; word-initial Ї, Ю are Yi, Yu; й at the end is i; the apostrophe drops.
    assert transliterate("Згурівка", "uk") == "Zghurivka"
    assert transliterate("Їжакевич", "uk") == "Yizhakevych"
    assert transliterate("Юрій", "uk") == "Yurii"
    assert transliterate("Знам’янка", "uk") == "Znamianka"
    assert transliterate("Каранський кар'єр", "uk") == "Karanskyi karier"


def test_russian_follows_the_english_wikipedia_romanisation():
    latin = transliterate("Белореченская", "ru")
    assert latin.startswith("Belorechensk")
    assert latin == "Belorechenskaya"
    assert transliterate("ООО «Сани Украина»", "ru") == "OOO «Sani Ukraina»"


def test_the_language_picks_the_cyrillic_scheme_and_the_letters_guess_it_when_absent():
    # The same letters read differently in Ukrainian and Russian.
    assert transliterate("Харків", "uk") == "Kharkiv"
    assert transliterate("Каранский", "ru") == "Karansky"
    assert transliterate("Каранський", "uk") == "Karanskyi"
    assert transliterate("Білоріченська") == "Bilorichenska"  # і: Ukrainian
    assert transliterate("Белореченская") == "Belorechenskaya"  # no і, ї, є, ґ: Russian
    assert transliterate("三一", "") == "Sanyi"


@pytest.mark.parametrize("text", ["SANY", "Bilorichenska", "Türkiye", "", "  ", "600031"])
def test_latin_text_has_nothing_to_transliterate(text):
    assert transliterate(text, "zh") == ""


def test_the_template_filter_takes_the_language_code():
    template = Template(
        '{% load hub_tags %}{{ name|transliterate:"uk" }}|{{ zh|transliterate:code }}'
    )
    rendered = template.render(Context({"name": "Білоріченська", "zh": "三一", "code": "zh"}))
    assert rendered == "Bilorichenska|Sanyi"


@pytest.mark.django_db
def test_profiles_and_lists_show_the_transliteration_beside_the_original(client):
    firm = FirmFactory(
        name_en="SANY Heavy Industry", name_zh="三一重工股份有限公司", name_ru="Сани"
    )
    site = SiteFactory(
        name_en="Bilorichenska coal mine",
        name_uk="шахта Білоріченська",
        name_ru="шахта Белореченская",
    )
    span = '<span class="translit" lang="en-Latn">{}</span>'

    profile = client.get(firm.get_absolute_url()).content.decode()
    assert (
        '<span lang="zh">三一重工股份有限公司</span> '
        + span.format("Sanyi Zhonggong Gufen Youxian Gongsi")
        in profile
    )
    assert '<span lang="ru">Сани</span> ' + span.format("Sani") in profile

    firms = client.get("/firms/").content.decode()
    assert span.format("Sanyi Zhonggong Gufen Youxian Gongsi") in firms

    profile = client.get(site.get_absolute_url()).content.decode()
    assert (
        '<span lang="uk">шахта Білоріченська</span> ' + span.format("shakhta Bilorichenska")
        in profile
    )
    assert span.format("shakhta Belorechenskaya") in profile

    sites = client.get("/sites/").content.decode()
    assert span.format("shakhta Bilorichenska") in sites


@pytest.mark.django_db
def test_a_latin_name_gets_no_transliteration(client):
    firm = FirmFactory(name_en="Plain Co", name_ru="Plain Co")
    assert 'class="translit"' not in client.get(firm.get_absolute_url()).content.decode()
