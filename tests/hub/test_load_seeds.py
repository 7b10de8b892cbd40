"""load_seeds: a changed file, a bad row or a rule broken loads nothing and says where."""

import json
import shutil

import pytest
from django.core.management import CommandError

from editorial.models import Update
from entities.models import Firm, Site
from evidence.models import Claim
from tests.hub.conftest import SEEDS, load

pytestmark = pytest.mark.django_db


def tables_only(tmp_path):
    """A copy of the seed tables without their later updates."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("updates"))
    return folder


def test_a_changed_seed_file_updates_only_that_record(tmp_path):
    folder = tables_only(tmp_path)
    load(directory=str(folder))
    firms = json.loads((folder / "firms.json").read_text())
    original = firms[0]["description"]
    firms[0]["description"] = "Edited description."
    (folder / "firms.json").write_text(json.dumps(firms, ensure_ascii=False))
    output = load(directory=str(folder))
    assert "firms.json: 0 created, 1 updated" in output
    assert "Published update 2: Seed files revised" in output
    change = Update.objects.get(number=2).changes.get()
    assert change.diff == [
        {"field": "description", "before": original, "after": "Edited description."}
    ]
    assert Firm.objects.get(public_id=firms[0]["public_id"]).description == "Edited description."


def test_the_tables_cannot_be_edited_once_later_updates_are_published(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    load(directory=str(folder))
    published = Update.objects.count()
    firms = json.loads((folder / "firms.json").read_text())
    firms[0]["description"] = "Edited description."
    (folder / "firms.json").write_text(json.dumps(firms, ensure_ascii=False))
    with pytest.raises(CommandError, match=r"new file of seeds/updates/"):
        load(directory=str(folder))
    assert Update.objects.count() == published


def test_a_bad_row_anywhere_loads_nothing(tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    citations = json.loads((folder / "citations.json").read_text())
    citations[-1]["source"] = "SRC9999"  # refers to no source
    (folder / "citations.json").write_text(json.dumps(citations))
    with pytest.raises(CommandError, match=r"citations\.json, record"):
        load(directory=str(folder))
    assert not Firm.objects.exists()
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("region", "russia", "not a valid choice"),
        ("coordinate_precision", "none", "site_coordinates_consistent"),
    ],
)
def test_a_row_breaking_a_rule_names_the_file_record_and_rule(tmp_path, field, value, reason):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    sites = json.loads((folder / "sites.json").read_text())
    located = next(site for site in sites if site.get("latitude"))
    located[field] = value
    (folder / "sites.json").write_text(json.dumps(sites, ensure_ascii=False))
    with pytest.raises(CommandError, match=reason) as error:
        load(directory=str(folder))
    assert f"sites.json, record {sites.index(located) + 1}" in str(error.value)
    assert not Site.objects.exists()
