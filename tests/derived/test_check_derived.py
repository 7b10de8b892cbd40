"""`manage.py check_derived` finds a stored count that differs from its rebuild; --fix repairs it."""

import io

import pytest
from django.core.management import CommandError, call_command

from derived.models import ClaimTally, FirmSite
from entities.models import Firm
from tests.factories import ClaimFactory, FirmFactory, SiteFactory, counts_deferred

pytestmark = pytest.mark.django_db


def check(*args):
    out = io.StringIO()
    call_command("check_derived", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def firm():
    with counts_deferred():
        firm = FirmFactory(public_id="F7101")
        mine = SiteFactory(public_id="S7101")
        ClaimFactory(firms=[firm], sites=[mine], region="luhansk", claim_type="finance", stage=1)
        ClaimFactory(firms=[firm], region="donetsk", claim_type="finance", stage=1)
    return firm


def test_stores_that_equal_their_rebuild_pass(firm):
    assert check() == "Every stored count equals its rebuild.\n"


def test_planted_differences_are_each_reported_and_fix_repairs_them(firm, derived_stores):
    right = derived_stores.contents()
    Firm.objects.filter(pk=firm.pk).update(claim_count=7)
    FirmSite.objects.filter(firm=firm, site__public_id="S7101").delete()
    ClaimTally.objects.filter(region="donetsk").update(claims=5)

    out = io.StringIO()
    with pytest.raises(CommandError, match="3 differences") as refused:
        call_command("check_derived", stdout=out)
    assert refused.value.returncode == 1
    assert out.getvalue().splitlines() == [
        "firm sites (F7101, S7101): stored no row, rebuilt 1",
        "claim tally (finance, single_source, 1, donetsk, 2024): stored 5, rebuilt 1",
        "firm claim counts (F7101): stored 7, rebuilt 2",
    ]
    # Checking changed nothing: the rebuild it compared with was rolled back.
    assert derived_stores.contents() != right
    assert Firm.objects.get(pk=firm.pk).claim_count == 7

    assert "3 differences, repaired" in check("--fix")
    assert derived_stores.contents() == right
    assert check() == "Every stored count equals its rebuild.\n"
