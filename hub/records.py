"""Looking up a public record by its permanent identifier."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render

from .models import Status


def tombstone_or(queryset):
    """Decorate a record view so that it receives the record, not its identifier.

    Unknown identifiers and drafts are a 404; a withdrawn record answers 410
    with its tombstone (what it was, when and why it was withdrawn).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, public_id, *args, **kwargs):
            record = queryset.reachable().filter(public_id=public_id).first()
            if record is None:
                raise Http404(f"No public record {public_id}")
            if record.status == Status.WITHDRAWN:
                return render(request, "hub/tombstone.html", {"record": record}, status=410)
            return view(request, record, *args, **kwargs)

        return wrapper

    return decorator
