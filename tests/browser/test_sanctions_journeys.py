"""Sanctions analysts and staff: the page by jurisdiction, and a FollowTheMoney file to an update."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.conftest import staff_log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password-42"


def test_the_sanctions_page_shows_an_export_control_as_one(page, seeded_history_live, shoot):
    base = seeded_history_live.url
    page.goto(f"{base}/sanctions/")
    us = page.locator("section", has=page.get_by_role("heading", name=re.compile("United States")))
    expect(us).to_contain_text("Huawei")
    expect(us).to_contain_text("Export control recorded")
    expect(us).not_to_contain_text("Sanctions designation recorded")
    expect(page.locator("main")).to_contain_text("None recorded")
    shoot("sanctions")
    page.get_by_role("link", name="D0001").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Export control")
    page.goto(f"{base}/firms/?designation=none")
    expect(page.locator("main")).not_to_contain_text("Huawei")
    expect(page.locator("tbody")).to_contain_text("None recorded")


def test_a_followthemoney_file_becomes_a_staged_designation_then_a_published_update(
    page, seeded_live, django_user_model, tmp_path, shoot
):
    base = seeded_live.url
    users = {}
    for username, group in [("edith", "editor"), ("rueben", "reviewer")]:
        users[username] = django_user_model.objects.create_user(
            username, password=PASSWORD, is_staff=True
        )
        users[username].groups.add(Group.objects.get(name=group))
    upload = tmp_path / "eu-sample.ftm.json"
    lines = [
        {"id": "eu-sany", "schema": "Company", "properties": {"name": ["三一重工股份有限公司"]}},
        {
            "id": "eu-sany-listing",
            "schema": "Sanction",
            "properties": {
                "entity": ["eu-sany"],
                "authority": ["Council of the European Union"],
                "country": ["eu"],
                "program": ["EU Russia sanctions (test listing)"],
                "provisions": ["Asset freeze"],
                "listingDate": ["2025-02-24"],
            },
        },
    ]
    upload.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines))

    staff_log_in(page, base, users["edith"], PASSWORD, "/staff/import/ftm/")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name=re.compile("Read the file")).click()
    result = page.locator("#result")
    expect(result).to_contain_text("1 matched a published firm")
    expect(result).to_contain_text("SANY")
    shoot("ftm-staged")
    page.context.clear_cookies()
    page.goto(f"{base}/firms/F0001/")
    expect(page.locator("#sanctions")).to_contain_text("None recorded")  # nothing public yet

    staff_log_in(page, base, users["rueben"], PASSWORD, "/staff/updates/new/")
    page.get_by_label("Summary").fill("An EU listing of SANY, from a FollowTheMoney file")
    page.get_by_role("button", name=re.compile("Publish update 2")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Update 2")
    page.context.clear_cookies()

    page.goto(f"{base}/firms/F0001/")
    sanctions = page.locator("#sanctions")
    expect(sanctions).to_contain_text("Sanction (asset freeze or blocking)")
    expect(sanctions).to_contain_text("FollowTheMoney file eu-sample.ftm.json")
    page.goto(f"{base}/sanctions/")
    eu = page.locator("section", has=page.get_by_role("heading", name=re.compile("European Union")))
    expect(eu).to_contain_text("SANY")
    shoot("sanctions-after-upload")
