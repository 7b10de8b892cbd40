"""`manage.py generate_synthetic`: a skewed, multi-script data set published as a flagged update."""

import io
import json
import re
import statistics
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.test import Client

from downloads import package
from editorial import publishing, staging
from editorial.models import Update
from editorial.publishing import rules
from entities.models import Firm, Region, SanctionsDesignation, Site, Stage
from evidence.models import Citation, Claim, Source
from hub.models import Status
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def generate(**options):
    sizes = {"firms": 20, "sites": 8, "sources": 30, "claims": 200, **options}
    out = io.StringIO()
    call_command("generate_synthetic", stdout=out, **sizes)
    return out.getvalue()


def test_a_tiny_set_is_published_as_one_synthetic_update():
    output = generate()
    update = Update.objects.get()
    assert update.is_synthetic
    assert f"Published synthetic update {update.number}" in output
    assert Firm.objects.count() == 20
    assert Site.objects.count() == 8
    assert Source.objects.count() == 30
    assert Claim.objects.count() == 200
    for model in [Firm, Site, Source, Claim, Citation, SanctionsDesignation]:
        assert not model.objects.exclude(status=Status.PUBLISHED, last_update=update.number)
    assert update.added == sum(
        model.objects.count()
        for model in [Firm, Site, Source, Claim, Citation, SanctionsDesignation]
    )
    # Every published claim cites a published source, with a locator (invariant 3).
    rules.check_public_invariants()
    # The update's frozen package was written, like any other update's.
    assert package.files_of(update)


def test_the_set_is_realistic_skewed_and_in_three_scripts():
    generate(claims=400)
    citations = Counter(Claim.objects.annotate(n=Count("citations")).values_list("n", flat=True))
    assert set(citations) <= {1, 2, 3, 4}
    assert len(citations) == 4
    assert set(Claim.objects.values_list("region", flat=True)) >= set(Region.values)
    assert set(Claim.objects.values_list("stage", flat=True)) >= set(Stage.values)
    assert set(Firm.objects.values_list("stage", flat=True)) >= set(Stage.values)
    per_firm = sorted(
        Firm.objects.annotate(n=Count("claims")).values_list("n", flat=True), reverse=True
    )
    assert per_firm[0] >= 4 * statistics.median(per_firm)  # a few firms with many claims
    names = " ".join(Firm.objects.values_list("name_en", "name_zh", "name_ru").first())
    assert CJK.search(names)
    assert CYRILLIC.search(names)
    assert re.search("[A-Za-z]", names)
    statements = " ".join(Claim.objects.values_list("statement", flat=True)[:8])
    assert CJK.search(statements)
    assert CYRILLIC.search(statements)
    assert Firm.objects.filter(~Q(sectors=None)).exists()
    assert SanctionsDesignation.objects.exists()


def test_each_claim_holds_the_grade_its_evidence_gives(monkeypatch):
    from bench import synthetic_data as synthetic
    from evidence import confidence

    monkeypatch.setattr(synthetic, "GRADE_BATCH", 64)  # several batches
    output = generate(claims=300)
    pks = list(Claim.objects.values_list("pk", flat=True))
    computed = {pk: grade.value for pk, (grade, _) in confidence.computed_grades(pks).items()}
    assert dict(Claim.objects.values_list("pk", "confidence")) == computed
    assert len(set(computed.values())) >= 3  # the rules give several grades
    assert re.search(r"[1-9][0-9,]* claims given the grade their evidence gives", output)
    # So the first update to touch a claim has nothing to regrade.
    claim = Claim.objects.first()
    edit = staging.stage_edit(record=claim, fields={"figure_unit": "cranes"}, user=None)
    update = publishing.publish_update(change_ids=[edit.pk], summary="Edit", idempotency_key="g")
    assert update.changes.count() == 1


def test_it_refuses_a_database_holding_real_records_unless_allowed():
    real = FirmFactory(name_en="A Real Firm")
    with pytest.raises(CommandError, match="real"):
        generate()
    assert not Update.objects.filter(is_synthetic=True).exists()
    assert Claim.objects.count() == 0

    generate(allow_real=True)
    real.refresh_from_db()
    assert real.name_en == "A Real Firm"
    assert Firm.objects.count() == 21
    assert Firm.objects.values("public_id").distinct().count() == 21


def test_a_second_synthetic_update_adds_to_the_first_without_being_told():
    generate()
    generate(claims=50)
    first, second = Update.objects.order_by("number")
    assert first.is_synthetic
    assert second.is_synthetic
    assert Claim.objects.filter(last_update=second.number).count() == 50
    assert Claim.objects.count() == 250


def test_every_page_says_the_data_are_synthetic(client):
    assert "Synthetic data." not in client.get("/").content.decode()
    generate(no_package=True)
    update = Update.objects.get()
    claim = Claim.objects.first()
    for url in ["/", "/firms/", claim.get_absolute_url(), Firm.objects.first().get_absolute_url()]:
        page = Client().get(url).content.decode()
        assert "Synthetic data." in page, url
        assert f"last changed in update {update.number} is synthetic" in page, url


def test_impossible_sizes_are_refused():
    with pytest.raises(CommandError):
        generate(claims=0)


def test_the_downloads_of_a_synthetic_update_say_it_is_synthetic(client):
    generate()
    update = Update.objects.get()
    manifest = json.loads((package.directory(update.number) / "manifest.json").read_text())
    datapackage = json.loads((package.directory(update.number) / "datapackage.json").read_text())
    assert manifest["synthetic"] is True
    assert datapackage["synthetic"] is True
    assert "SYNTHETIC TEST DATA" in datapackage["title"]
    for url in ["/claims.json", f"/records/{Claim.objects.first().public_id}.json"]:
        answer = client.get(url).json()
        assert answer["update"] == update.number
        assert answer["synthetic_updates"] == [update.number]


def test_synthetic_names_are_searchable_by_their_transliterations():
    generate()
    firm = Firm.objects.exclude(name_zh="").first()
    assert firm.latin_names
    first_word = firm.latin_names.split()[0]
    assert firm in Firm.objects.public().matching(first_word)
