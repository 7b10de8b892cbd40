"""Looking up a public record by its permanent identifier."""

from functools import wraps

from django.apps import apps
from django.http import Http404
from django.shortcuts import redirect, render

from .models import PublicRecord, Status


def public_models():
    """Every concrete public record model, longest identifier prefix first (SRC before S)."""
    models = [model for model in apps.get_models() if issubclass(model, PublicRecord)]
    return sorted(models, key=lambda model: -len(model.ID_PREFIX))


def model_for(public_id):
    for model in public_models():
        rest = public_id[len(model.ID_PREFIX) :]
        if public_id.startswith(model.ID_PREFIX) and rest.isdigit():
            return model
    return None


def find_record(public_id, *, queryset=None):
    """The record with this identifier, whatever its kind and status, or None."""
    model = model_for(public_id)
    if model is None:
        return None
    queryset = queryset if queryset is not None else model.objects.all()
    return queryset.filter(public_id=public_id).first()


def tombstone_or(queryset):
    """Decorate a record view so that it receives the record, not its identifier.

    Unknown identifiers and drafts are a 404; a record merged into another
    redirects there for good (301); a withdrawn record answers 410 with its
    tombstone (what it was, when, in which update and why it was withdrawn).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, public_id, *args, **kwargs):
            record = queryset.reachable().filter(public_id=public_id).first()
            if record is None and public_id != public_id.upper():
                # Identifiers are upper case; a reader who typed f0001 gets F0001.
                upper = queryset.reachable().filter(public_id=public_id.upper()).first()
                if upper is not None:
                    return redirect(upper, permanent=True)
            if record is None:
                raise Http404(f"No public record {public_id}")
            if record.merged_into:
                target = (
                    type(record).objects.reachable().filter(public_id=record.merged_into).first()
                )
                if target is not None:
                    return redirect(target, permanent=True)
            if record.status == Status.WITHDRAWN:
                return render(request, "hub/tombstone.html", {"record": record}, status=410)
            return view(request, record, *args, **kwargs)

        return wrapper

    return decorator
