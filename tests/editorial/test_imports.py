"""Spreadsheet import: all or nothing, a dry run first, staged (never public) changes."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from editorial import import_views, imports, publishing
from editorial.models import Change, ImportJob
from evidence.models import Citation, Claim
from tests.factories import ClaimFactory, FirmFactory, SourceFactory, csv_file, login_verified

pytestmark = pytest.mark.django_db

CLAIM_HEADERS = ["public_id", "statement", "claim_type", "confidence", "firms", "figure_low"]
UNIQUE = "Quartzfield"  # a word no factory claim uses, to find imported claims on public pages


def new_claims(count, *, bad_row=None, firms=""):
    """`count` new claims; the one on spreadsheet row `bad_row` has a bogus type."""
    return [
        [
            "",
            f"{UNIQUE} claim {number}",
            "bogus" if number == bad_row else "presence",
            "single_source",
            firms,
            str(number),
        ]
        for number in range(2, count + 2)
    ]


def pending():
    return Change.objects.filter(state=Change.State.PENDING)


@pytest.fixture
def client(editor):
    client = Client()
    login_verified(client, editor)
    return client


@pytest.fixture
def run_inline(monkeypatch, django_capture_on_commit_callbacks, django_user_model):
    """Large imports run inline, not in a thread (a thread does not see a test's transaction).

    The view starts the thread once its transaction commits; wrap the request
    in the returned context manager to run it then.
    """
    monkeypatch.setattr(
        import_views,
        "start_in_background",
        lambda job_id, user_id: import_views.run_job(
            job_id, django_user_model.objects.get(pk=user_id)
        ),
    )
    return lambda: django_capture_on_commit_callbacks(execute=True)


def upload(client, content, *, table="claims", name="claims.csv"):
    url = reverse("editorial:staff_import")
    return client.post(url, {"table": table, "file": SimpleUploadedFile(name, content)})


def job_page(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


# All or nothing -------------------------------------------------------------


def test_one_bad_row_in_a_thousand_imports_nothing_and_names_the_row(editor):
    ClaimFactory()
    changes, claims = Change.objects.count(), Claim.objects.count()
    sheet = imports.read_table(csv_file(CLAIM_HEADERS, new_claims(1000, bad_row=501)), "c.csv")
    report = imports.run_import(table="claims", sheet=sheet, user=editor, commit=True)
    assert report["errors"] == [
        {"row": 501, "reason": "claim_type: Value 'bogus' is not a valid choice."}
    ]
    assert report["staged"] == 0
    assert Change.objects.count() == changes
    assert Claim.objects.count() == claims


def test_the_page_imports_nothing_from_a_file_with_a_bad_row(client, run_inline):
    ClaimFactory()
    claims = Claim.objects.count()
    with run_inline():
        response = upload(client, csv_file(CLAIM_HEADERS, new_claims(1000, bad_row=501)))
    response = job_page(client, response)
    text = response.content.decode()
    assert "1 bad row: nothing was imported" in text
    assert "Row 501: claim_type: Value &#x27;bogus&#x27; is not a valid choice." in text
    assert "Stage these" not in text
    job = ImportJob.objects.get()
    assert (job.total, job.bad_rows, job.state) == (1000, 1, ImportJob.State.DONE)
    # The import cannot be confirmed into staging anyway.
    url = reverse("editorial:staff_import_job", args=[job.pk])
    assert client.post(url, {"action": "confirm"}).status_code == 409
    assert not pending().exists()
    assert Claim.objects.count() == claims


def test_every_bad_row_is_reported_with_its_number_and_reason(editor):
    firm, claim = FirmFactory().public_id, ClaimFactory().public_id
    rows = [
        ["", "Fine", "presence", "single_source", firm, ""],
        ["", "Unknown firm", "presence", "single_source", f"{firm};F9999", ""],
        ["C9999", "No such claim", "presence", "single_source", "", ""],
        ["", "Not a number", "presence", "single_source", "", "many"],
        [],  # a blank line is skipped, but still counts as a row of the sheet
        [claim, "Twice", "presence", "single_source", "", ""],
        [claim, "Twice", "presence", "single_source", "", ""],
    ]
    sheet = imports.read_table(csv_file(CLAIM_HEADERS, rows), "c.csv")
    report = imports.run_import(table="claims", sheet=sheet, user=editor, commit=True)
    assert report["errors"] == [
        {"row": 3, "reason": "firms: no firm 'F9999'"},
        {
            "row": 4,
            "reason": "public_id: no claim 'C9999' (leave public_id empty to add a new record)",
        },
        {"row": 5, "reason": "figure_low: expected a number, not 'many'"},
        {"row": 8, "reason": f"public_id: {claim} is already on row 7"},
    ]
    assert not pending().exists()


# Dry run, confirmation, publication -----------------------------------------


def test_a_dry_run_shows_new_edit_and_unchanged_rows_and_stages_nothing(client):
    firm = FirmFactory()
    c1 = ClaimFactory(claim_type="presence", figure_low=17)
    c2 = ClaimFactory()
    rows = [
        ["", f"{UNIQUE} one", "presence", "single_source", firm.public_id, "3"],
        [c1.public_id, c1.statement, "presence", "single_source", "", "18"],
        [c2.public_id, c2.statement, c2.claim_type, c2.confidence, "", ""],
    ]
    claims = Claim.objects.count()
    response = job_page(client, upload(client, csv_file(CLAIM_HEADERS, rows)))
    text = response.content.decode()
    assert "Every row is good: 1 new, 1 edit, 1 unchanged" in text
    assert f"edit of {c1.public_id}" in text
    assert "<strong>figure_low</strong>: 17 → 18" in text
    assert "unchanged" in text
    assert "Stage these 2 changes" in text
    assert not pending().exists()
    assert Claim.objects.count() == claims


def test_confirmed_changes_are_staged_and_go_public_only_when_published(client):
    firms = [FirmFactory().public_id, FirmFactory().public_id]
    edited = ClaimFactory(claim_type="presence", figure_low=17)
    source = SourceFactory()
    rows = [
        ["", f"{UNIQUE} one", "presence", "single_source", ";".join(firms), "3"],
        ["", f"{UNIQUE} two", "finance", "alleged", "", ""],
        [edited.public_id, edited.statement, "presence", "single_source", "", "18"],
    ]
    response = upload(client, csv_file(CLAIM_HEADERS, rows))
    job = ImportJob.objects.get()
    response = client.post(response["Location"], {"action": "confirm"})
    assert response.status_code == 302
    assert "Staged 3 changes (2 new, 1 edit" in client.get(response["Location"]).content.decode()
    job.refresh_from_db()
    assert job.commit
    assert bytes(job.data) == b""  # the file is not kept once imported
    new_ids = [row["public_id"] for row in job.report["rows"] if row["action"] == "new"]
    assert pending().count() == 3
    assert set(pending().filter(action="create").values_list("public_id", flat=True)) == set(
        new_ids
    )
    assert set(
        Claim.objects.get(public_id=new_ids[0]).firms.values_list("public_id", flat=True)
    ) == set(firms)
    # A second confirmation does nothing more.
    assert (
        client.post(
            reverse("editorial:staff_import_job", args=[job.pk]), {"action": "confirm"}
        ).status_code
        == 409
    )
    assert pending().count() == 3

    # Claims are only publishable with a citation: import those too.
    citations = csv_file(
        ["claim", "source", "locator"],
        [[public_id, source.public_id, "Key points, bullet 1"] for public_id in new_ids],
    )
    response = upload(client, citations, table="citations", name="citations.csv")
    response = client.post(response["Location"], {"action": "confirm"})
    assert pending().count() == 5
    assert "Staged 2 changes" in client.get(response["Location"]).content.decode()
    assert UNIQUE in client.get(reverse("editorial:staff_changes")).content.decode()

    public = Client()
    search = reverse("evidence:claim_list") + f"?q={UNIQUE}"
    assert f"{UNIQUE} one" not in public.get(search).content.decode()
    assert public.get(reverse("evidence:claim_detail", args=[new_ids[0]])).status_code == 404
    assert "17" in str(Claim.objects.get(public_id=edited.public_id).figure_low)

    publishing.publish_update(
        change_ids=list(pending().values_list("pk", flat=True)),
        summary="Imported claims",
        idempotency_key="import-test-key",
    )
    assert f"{UNIQUE} one" in public.get(search).content.decode()
    assert public.get(reverse("evidence:claim_detail", args=[new_ids[1]])).status_code == 200
    assert Claim.objects.get(public_id=edited.public_id).figure_low == 18
    assert Citation.objects.public().filter(claim__public_id__in=new_ids).count() == 2


def test_an_xlsx_workbook_imports_like_a_csv_file(editor):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["statement", "claim_type", "confidence", "date_start", "figure_low", "stage"])
    sheet.append(
        [f"{UNIQUE} xlsx", "presence", "single_source", datetime.datetime(2024, 3, 1), 12.5, 2]
    )
    content = io.BytesIO()
    book.save(content)
    report = imports.run_import(
        table="claims",
        sheet=imports.read_table(content.getvalue(), "claims.xlsx"),
        user=editor,
        commit=True,
    )
    assert report["errors"] == []
    claim = Claim.objects.get(public_id=report["rows"][0]["public_id"])
    assert (str(claim.date_start), str(claim.figure_low), claim.stage) == ("2024-03-01", "12.50", 2)


# Bad files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"statement,claim_type,confidence,bogus_column\nx,presence,single_source,1\n",
            "c.csv",
            "Unknown column &#x27;bogus_column&#x27;",
        ),
        # confidence is computed when a claim is published: claim_type is required.
        (b"statement,confidence\nx,alleged\n", "c.csv", "Missing required column: claim_type"),
        (
            "statement,claim_type,confidence\nCaf\u00e9,presence,alleged\n".encode("latin-1"),
            "c.csv",
            "not UTF-8",
        ),
        (b"", "c.csv", "The submitted file is empty."),
        (b"statement,claim_type,confidence\n", "c.csv", "header row but no records"),
        (b"\n\n", "c.csv", "Row 1 must name the columns"),
        (b'[{"statement": "x"}]', "claims.json", "Upload a CSV file"),
        (b'[{"statement": "x"}]', "claims.csv", "looks like JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "c.csv", "not UTF-8"),
        (b"PK\x03\x04 not really a workbook", "c.xlsx", "cannot be read as an .xlsx workbook"),
        (
            b'statement,claim_type,confidence\n"unclosed,presence,alleged\n',
            "c.csv",
            "cannot be read as CSV",
        ),
        (b"statement,statement\nx,y\n", "c.csv", "Columns appear twice: statement"),
        (b"a" * (10 * 1024 * 1024 + 1), "c.csv", "larger than 10 MB"),
    ],
)
def test_a_bad_file_is_a_form_error_not_a_crash(client, content, name, message):
    response = upload(client, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_missing_required_column_is_fine_when_every_row_is_an_edit(editor):
    claim = ClaimFactory(figure_low=17)
    sheet = imports.read_table(
        csv_file(["public_id", "figure_low"], [[claim.public_id, "19"]]), "c.csv"
    )
    imports.check_columns("claims", sheet)
    report = imports.run_import(table="claims", sheet=sheet, user=editor, commit=True)
    assert report["staged"] == 1
    assert pending().get().proposed == {"figure_low": "19"}


# Progress ---------------------------------------------------------------------


def test_the_command_prints_progress_and_stages_only_with_commit(editor, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_file(CLAIM_HEADERS, new_claims(1000)))
    out = io.StringIO()
    call_command("import_records", str(path), "--table", "claims", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line for line in lines if "rows checked" in line] == [
        f"{n}/1000 rows checked" for n in range(100, 1001, 100)
    ]
    assert "1000 new, 0 edits, 0 unchanged." in lines
    assert not pending().exists()

    firms = ";".join(FirmFactory().public_id for _ in range(2))
    path.write_bytes(csv_file(CLAIM_HEADERS, new_claims(3, firms=firms)))
    out = io.StringIO()
    call_command(
        "import_records", str(path), "--table", "claims", "--commit", "--user", "edith", stdout=out
    )
    assert "Staged 3 changes" in out.getvalue()
    assert set(pending().values_list("created_by__username", flat=True)) == {"edith"}


def test_the_command_fails_on_a_bad_row_and_imports_nothing(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(csv_file(CLAIM_HEADERS, new_claims(5, bad_row=4)))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad row: nothing was imported"):
        call_command(
            "import_records",
            str(path),
            "--table",
            "claims",
            "--commit",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "row 4: claim_type: Value 'bogus' is not a valid choice." in err.getvalue()
    assert not pending().exists()


def test_a_running_job_page_shows_progress_and_refreshes_itself(client, editor):
    job = ImportJob.objects.create(
        table="claims",
        filename="big.csv",
        total=1000,
        processed=300,
        state=ImportJob.State.RUNNING,
        created_by=editor,
    )
    text = client.get(reverse("editorial:staff_import_job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in text
    assert "Checking rows: 300 of 1000." in text
    assert '<progress max="1000" value="300">' in text
    job.state = ImportJob.State.DONE
    job.save()
    text = client.get(reverse("editorial:staff_import_job", args=[job.pk])).content.decode()
    assert "http-equiv" not in text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_import_runs_in_a_background_thread(django_user_model, monkeypatch):
    user = django_user_model.objects.create_user("thread", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="stage_change"))
    client = Client()
    login_verified(client, user)
    threads = []
    start = import_views.start_in_background
    monkeypatch.setattr(
        import_views, "start_in_background", lambda *args: threads.append(start(*args))
    )
    response = upload(client, csv_file(CLAIM_HEADERS, new_claims(350)))
    assert response.status_code == 302
    (thread,) = threads
    thread.join(timeout=120)
    job = ImportJob.objects.get()
    assert (job.state, job.processed, job.bad_rows) == (ImportJob.State.DONE, 350, 0)
    assert job.report["counts"]["new"] == 350
    assert not pending().exists()  # a dry run
    assert import_views.LIVE_PROGRESS == {}


# Access -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/staff/import/", "/staff/import/1/"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login(url, method):
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/admin/login/")


def test_staff_without_the_staging_permission_are_forbidden(django_user_model):
    client = Client()
    login_verified(client, django_user_model.objects.create_user("clerk", is_staff=True))
    assert client.get(reverse("editorial:staff_import")).status_code == 403


def test_the_staff_navigation_links_to_the_import_page(client):
    text = client.get(reverse("editorial:staff_dashboard")).content.decode()
    assert reverse("editorial:staff_import") in text
