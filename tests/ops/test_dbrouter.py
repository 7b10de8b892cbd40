"""The read-replica router: which database each read and write goes to."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import RequestFactory, override_settings

from editorial.models import Change, Correction, CorrectionContact, Update
from entities.models import Firm, Site
from evidence.models import Citation, Claim, Source
from hub import dbrouter

ROUTER = "hub.dbrouter.PrimaryReplicaRouter"
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def router():
    return dbrouter.PrimaryReplicaRouter()


# No database marker: pytest-django wraps `db` tests in a transaction, and a read
# inside a transaction rightly stays on the primary.
@pytest.mark.parametrize("model", [Firm, Site, Claim, Source, Citation, Update])
def test_public_reads_go_to_the_replica_outside_transactions(router, model):
    assert router.db_for_read(model) == "replica"


@pytest.mark.parametrize("model", [Firm, Claim, Update, Correction, Session])
def test_every_write_goes_to_the_primary(router, model):
    assert router.db_for_write(model) == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_inside_a_transaction_stay_on_the_primary(router):
    with transaction.atomic():
        assert router.db_for_read(Firm) == "default"
    assert router.db_for_read(Firm) == "replica"


def test_reads_in_a_pinned_block_stay_on_the_primary_and_the_pin_is_released(router):
    with dbrouter.use_primary():
        assert router.db_for_read(Firm) == "default"
        with dbrouter.use_primary():
            assert router.db_for_read(Claim) == "default"
        assert router.db_for_read(Claim) == "default"
    assert router.db_for_read(Firm) == "replica"


@pytest.mark.parametrize("model", [Correction, CorrectionContact, Change, Session, User])
def test_private_workflow_sessions_and_accounts_are_always_read_from_the_primary(router, model):
    assert router.db_for_read(model) == "default"


def test_migrations_run_on_the_primary_only(router):
    assert router.allow_migrate("default", "entities", "firm")
    assert not router.allow_migrate("replica", "entities", "firm")


def pin_seen_by_view(request):
    """Run the middleware around a view that reports whether reads were pinned."""
    seen = {}

    def view(request):
        seen["pinned"] = dbrouter.pinned_to_primary()
        return None

    dbrouter.primary_pin_middleware(view)(request)
    return seen["pinned"]


def test_middleware_pins_staff_posts_and_signed_in_requests_but_not_public_reads():
    factory = RequestFactory()
    public = factory.get("/firms/")
    public.user = AnonymousUser()
    assert pin_seen_by_view(public) is False

    post = factory.post("/corrections/new/")
    post.user = AnonymousUser()
    assert pin_seen_by_view(post) is True

    staff_page = factory.get("/staff/corrections/")
    staff_page.user = AnonymousUser()
    assert pin_seen_by_view(staff_page) is True

    signed_in = factory.get("/firms/")
    signed_in.user = User(username="reader")  # any real user is authenticated
    assert pin_seen_by_view(signed_in) is True
    assert dbrouter.pinned_to_primary() is False


@override_settings(DATABASE_ROUTERS=[ROUTER])
def test_querysets_pick_their_database_through_the_router():
    assert Firm.objects.public().db == "replica"
    assert Correction.objects.all().db == "default"
    with dbrouter.use_primary():
        assert Firm.objects.public().db == "default"


def test_settings_add_the_replica_router_and_middleware_only_when_a_replica_is_configured():
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'dbs': sorted(settings.DATABASES),"
        " 'routers': getattr(settings, 'DATABASE_ROUTERS', []),"
        " 'mw': settings.MIDDLEWARE,"
        " 'mirror': settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')}))"
    )

    def settings_with(**extra):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
        env.update(DJANGO_SETTINGS_MODULE="hub.settings", **extra)
        out = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    with_replica = settings_with(DATABASE_REPLICA_URL="postgres://hub:hub@127.0.0.1:5432/hub_ro")
    assert with_replica["dbs"] == ["default", "replica"]
    assert with_replica["routers"] == [ROUTER]
    assert with_replica["mirror"] == "default"
    middleware = with_replica["mw"]
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "hub.dbrouter.primary_pin_middleware"

    without = settings_with()
    assert without["dbs"] == ["default"]
    assert without["routers"] == []
    assert "hub.dbrouter.primary_pin_middleware" not in without["mw"]
