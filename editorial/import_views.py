"""Staff pages of the spreadsheet import: upload, dry-run report, confirmation.

Uploading a file always starts a dry run (editorial.imports): the page then
shows what each row would do, and the bad rows. Confirming runs the same
stored file again for real, which stages pending changes; a reviewer still
has to publish them. Files of more than BACKGROUND_ROWS rows run in a
background thread and the job page refreshes itself (a meta refresh: the
CSP forbids inline scripts) until they finish. A job's file, progress and
report live in an ImportJob row, so the confirmation needs no new upload.
"""

import logging
import threading

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import imports
from .models import ImportJob
from .staff.access import staff_required

BACKGROUND_ROWS = 300
SHOWN_ROWS = 500  # outcomes listed on the page; the counts cover every row
TABLE_CHOICES = [(name, name.capitalize()) for name in imports.RESOURCES]
# The job page reads this for jobs running in this process (see JobProgress).
LIVE_PROGRESS = {}

logger = logging.getLogger("hub.editorial")


class ImportForm(forms.Form):
    table = forms.ChoiceField(choices=TABLE_CHOICES)
    file = forms.FileField(
        help_text=(
            "CSV (UTF-8) or .xlsx, at most 10 MB. Row 1 names the columns as in seeds/*.json; "
            "separate several identifiers or aliases in one cell with ';'. Leave public_id empty "
            "for a new record; give it to change a published one."
        )
    )

    def clean(self):
        data = super().clean()
        upload, table = data.get("file"), data.get("table")
        if upload is None or table is None:
            return data
        # Checked before reading, so that a huge upload is not read into memory.
        if upload.size > imports.MAX_BYTES:
            self.add_error("file", "The file is larger than 10 MB: split it into smaller files.")
            return data
        content = upload.read()
        try:
            sheet = imports.read_table(content, upload.name)
            imports.check_columns(table, sheet)
        except imports.ImportFileError as error:
            self.add_error("file", str(error))
            return data
        data["content"], data["rows"] = content, len(sheet.rows)
        return data


# Running a job ------------------------------------------------------------


class JobProgress:
    """Records a running job's progress where the job page can see it.

    The import keeps its transaction open to the end, so progress written
    through its own connection would be invisible until then. On PostgreSQL
    a second connection writes it (and commits) at once. SQLite has one
    writer at a time, so there the count is kept in this process's memory
    for the page (the development server is one process).
    """

    def __init__(self, job_id):
        self.job_id = job_id
        self.side = None

    def __call__(self, processed, total):
        LIVE_PROGRESS[self.job_id] = processed
        if connection.vendor == "sqlite" or self.side is False:
            return
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self.side.ops.quote_name(ImportJob._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET processed = %s, updated_at = %s WHERE id = %s",
                    [processed, timezone.now(), self.job_id],
                )
        except DatabaseError:
            # Progress is a courtesy: failing to show it must not fail the import.
            logger.warning("import job %s: cannot record progress", self.job_id, exc_info=True)
            self.close()
            self.side = False

    def close(self):
        LIVE_PROGRESS.pop(self.job_id, None)
        if self.side:
            self.side.close()


def run_job(job_id, user=None):
    """Run an ImportJob (a dry run, or the confirmed import) and store its report."""
    job = ImportJob.objects.get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.RUNNING, processed=0)
    progress = JobProgress(job_id)
    try:
        sheet = imports.read_table(bytes(job.data), job.filename)
        imports.check_columns(job.table, sheet)
        # The job's final state commits together with what the import staged.
        with transaction.atomic():
            report = imports.run_import(
                table=job.table, sheet=sheet, user=user, commit=job.commit, progress=progress
            )
            # The file is kept until it has been imported for real.
            emptied = {"data": b""} if job.commit else {}
            ImportJob.objects.filter(pk=job_id).update(
                state=ImportJob.State.DONE,
                processed=report["total"],
                bad_rows=len(report["errors"]),
                report=report,
                updated_at=timezone.now(),
                **emptied,
            )
    except Exception as error:
        logger.exception("import job %s failed", job_id)
        message = (
            str(error) if isinstance(error, imports.ImportFileError) else "an unexpected error"
        )
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.CRASHED, report={"crash": message}, updated_at=timezone.now()
        )
    else:
        logger.info("import job %s (%s) finished", job_id, job.table)
    finally:
        progress.close()


def start_in_background(job_id, user_id):
    """Run the job in a thread of this process (tests replace this to run it inline)."""
    thread = threading.Thread(
        target=_run_in_thread, args=(job_id, user_id), name=f"import-{job_id}", daemon=True
    )
    thread.start()
    return thread


def _run_in_thread(job_id, user_id):
    try:
        run_job(job_id, get_user_model().objects.filter(pk=user_id).first())
    finally:
        connections.close_all()  # this thread's connections are not closed by any request


def _launch(job, user):
    if job.total > BACKGROUND_ROWS:
        # After commit: the thread's own connection must see the job row.
        transaction.on_commit(lambda: start_in_background(job.pk, user.pk))
    else:
        run_job(job.pk, user)


@staff_required("editorial.stage_change")
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            job = ImportJob.objects.create(
                table=data["table"],
                filename=data["file"].name[:255],
                data=data["content"],
                total=data["rows"],
                created_by=request.user,
            )
            _launch(job, request.user)
            return redirect("editorial:staff_import_job", pk=job.pk)
        status = 400
    else:
        form = ImportForm()
    context = {
        "form": form,
        "jobs": ImportJob.objects.defer("data", "report").select_related("created_by")[:10],
        "tables": [
            (name, list(resource().fields), imports.required_columns(resource._meta.model))
            for name, resource in imports.RESOURCES.items()
        ],
        "max_rows_inline": BACKGROUND_ROWS,
    }
    return render(request, "editorial/staff_import.html", context, status=status)


@staff_required("editorial.stage_change")
@require_http_methods(["GET", "HEAD", "POST"])
def import_job(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") != "confirm":
            raise BadRequest("Unknown action.")
        # Conditional, so that a double click or a second editor confirms only once.
        confirmed = ImportJob.objects.filter(
            pk=job.pk, commit=False, state=ImportJob.State.DONE, bad_rows=0
        ).update(commit=True, state=ImportJob.State.QUEUED, processed=0)
        if confirmed:
            job.refresh_from_db()
            _launch(job, request.user)
            messages.success(request, f"Import {job.pk} is staging its changes.")
            return redirect("editorial:staff_import_job", pk=job.pk)
        messages.error(request, "This import was already confirmed, or cannot be.")
        status = 409
    running = job.state in {ImportJob.State.QUEUED, ImportJob.State.RUNNING}
    report = job.report or {}
    rows = report.get("rows", [])
    context = {
        "job": job,
        "running": running,
        "processed": max(job.processed, LIVE_PROGRESS.get(job.pk, 0)),
        "report": report,
        "rows": [_present(row) for row in rows[:SHOWN_ROWS]],
        "hidden_rows": max(len(rows) - SHOWN_ROWS, 0),
        "errors": report.get("errors", []),
        "can_confirm": job.state == ImportJob.State.DONE and not job.commit and not job.bad_rows,
    }
    return render(request, "editorial/staff_import_job.html", context, status=status)


def _present(row):
    """A row outcome with its before/after values as text."""
    changes = [
        {**change, "before": _text(change["before"]), "after": _text(change["after"])}
        for change in row.get("changes", [])
    ]
    return {**row, "changes": changes}


def _text(value):
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
