"""An update's changes are read in one place (editorial.impact), the same from memory or stored."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from editorial import publishing, staging
from editorial.impact import MOVES, UpdateImpact
from entities.models import Firm, Site
from evidence.models import Citation, Claim, Source
from tests.factories import CitationFactory, ClaimFactory, FirmFactory, SiteFactory, SourceFactory

ROOT = Path(settings.BASE_DIR)
# Not the hub's running code: tests and migrations (frozen history) may read diffs.
SKIPPED = {
    ".git",
    ".venv",
    "node_modules",
    "tests",
    "migrations",
    "var",
    "staticfiles",
    "artifacts",
}
THE_READER = "editorial/impact.py"
# Code that reads a diff to show it, not to act on it: (file, function) -> why.
DISPLAY = {
    ("editorial/models.py", "readable_diff"): "the changelog rows of the update and history pages",
    ("editorial/staff_forms.py", "preview"): "the staff preview of what a published change did",
}
DISPLAY_TEMPLATES = {
    "templates/editorial/_diff.html": "the changelog table of the update and history pages",
}
# Code that names the column to write it, not to read it: (file, function) -> why.
WRITERS = {
    ("editorial/publishing/sqlwrite.py", "write_changes"): "writes the applied changes' diffs",
    ("editorial/publishing/rules.py", "regrade_claims"): "saves a diff UpdateImpact rewrote",
}
DIFF_LOOKUP = re.compile(r"^diff($|__)")


def diff_uses(source):
    """[(function, kind)] where `source` reads `.diff` ("read") or names the column ("column")."""
    found = []

    class Visitor(ast.NodeVisitor):
        def __init__(self):
            self.functions = ["<module>"]

        def visit_FunctionDef(self, node):
            self.functions.append(node.name)
            self.generic_visit(node)
            self.functions.pop()

        def visit_AsyncFunctionDef(self, node):
            self.visit_FunctionDef(node)

        def visit_Attribute(self, node):
            if node.attr == "diff" and isinstance(node.ctx, ast.Load):
                found.append((self.functions[-1], "read"))
            self.generic_visit(node)

        def visit_Constant(self, node):
            if isinstance(node.value, str) and DIFF_LOOKUP.match(node.value):
                found.append((self.functions[-1], "column"))

        def visit_keyword(self, node):
            if node.arg and DIFF_LOOKUP.match(node.arg):
                found.append((self.functions[-1], "column"))
            self.generic_visit(node)

    Visitor().visit(ast.parse(source))
    return found


def hub_files(pattern):
    for path in sorted(ROOT.rglob(pattern)):
        relative = path.relative_to(ROOT)
        if not SKIPPED & set(relative.parts[:-1]):
            yield relative.as_posix(), path


def test_the_scanner_finds_reads_and_column_names():
    source = (
        "def f(change, qs):\n"
        "    change.diff = []\n"  # a write: fine
        "    fields = [e for e in change.diff]\n"
        "    qs.values_list('diff')\n"
        "    qs.filter(diff__contains=[])\n"
    )
    assert diff_uses(source) == [("f", "read"), ("f", "column"), ("f", "column")]


def test_change_diffs_are_read_only_by_editorial_impact_and_the_pages_that_show_them():
    offenders = []
    for name, path in hub_files("*.py"):
        if name == THE_READER:
            continue
        for function, kind in diff_uses(path.read_text(encoding="utf-8")):
            allowed = DISPLAY if kind == "read" else WRITERS
            if (name, function) not in allowed:
                offenders.append(f"{name}: {function} ({kind})")
    for name, path in hub_files("*.html"):
        if name not in DISPLAY_TEMPLATES and re.search(r"\.diff\b", path.read_text("utf-8")):
            offenders.append(name)
    assert offenders == [], "read an update's changes through editorial.impact.UpdateImpact"


def test_the_allowed_readers_still_exist():
    # An entry for code that no longer reads diffs would hide a new reader of the same name.
    listed = {**DISPLAY, **WRITERS}
    used = {
        (name, function)
        for name, path in hub_files("*.py")
        if name in {file for file, _ in listed}
        for function, _kind in diff_uses(path.read_text(encoding="utf-8"))
    }
    assert set(listed) <= used
    assert all((ROOT / name).is_file() for name in DISPLAY_TEMPLATES)


@pytest.mark.django_db
def test_an_update_s_impact_is_the_same_from_its_changes_in_memory_and_stored(django_user_model):
    editor = django_user_model.objects.create_user("impact-editor", is_staff=True)
    firm, other_firm = FirmFactory(), FirmFactory()
    site = SiteFactory()
    source = SourceFactory(publisher="Monitor A")
    claim = ClaimFactory(firms=[firm], sites=[site], cite=source)
    second = ClaimFactory(firms=[firm], cite=SourceFactory(publisher="Paper B"))
    moved = CitationFactory(claim=second, source=SourceFactory(publisher="Paper C"))
    changes = [
        staging.stage_edit(
            record=claim, fields={"firms": [other_firm.public_id], "sites": []}, user=editor
        ),
        staging.stage_edit(record=moved, fields={"claim": claim.public_id}, user=editor),
        staging.stage_withdrawal(record=site, reason="A duplicate.", user=editor),
        staging.stage_edit(record=source, fields={"reliability": "C"}, user=editor),
    ]
    update = publishing.publish_update(
        change_ids=[change.pk for change in changes], summary="Impact", idempotency_key="impact"
    )
    stored = UpdateImpact.of_update(update)
    in_memory = UpdateImpact.of_changes(update.changes.all())

    models = (Firm, Site, Source, Claim, Citation)
    for impact in (stored, in_memory):
        assert impact.touched(Claim) >= {claim.pk}
        assert impact.status_changed(Site) == {site.pk}
        assert impact.status_changed(Claim) == set()
        assert impact.changed(Claim, {"sites"}) == {claim.pk}
        assert impact.changed(Source, {"reliability"}) == {source.pk}
        assert impact.moved_away(Claim, "firms") == {firm.public_id}
        assert impact.moved_away(Claim, "sites") == {site.public_id}
        assert impact.moved_away(Citation, "claim") == {second.public_id}
    for model in models:
        assert stored.touched(model) == in_memory.touched(model)
        assert stored.status_changed(model) == in_memory.status_changed(model)
        for pk in stored.touched(model):
            assert stored.fields(model, pk) == in_memory.fields(model, pk)
        for field in MOVES:
            assert stored.moved_away(model, field) == in_memory.moved_away(model, field)
