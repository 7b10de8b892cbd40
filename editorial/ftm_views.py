"""The staff page that reads a FollowTheMoney file into staged changes (editorial.ftm_import)."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import ftm_import
from .staff.access import staff_required


class FtMUploadForm(forms.Form):
    file = forms.FileField(
        help_text=(
            "FollowTheMoney entities, one JSON object per line (an OpenSanctions export, say), "
            "at most 10 MB. Nothing is fetched from the internet."
        )
    )


@require_http_methods(["GET", "POST"])
@staff_required("editorial.stage_change")
def ftm_upload(request):
    result = None
    form = FtMUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > ftm_import.MAX_BYTES:
            form.add_error("file", "The file is larger than 10 MB.")
        else:
            try:
                result = ftm_import.stage_from_ftm(
                    content=upload.read(), filename=upload.name, user=request.user
                )
            except ftm_import.FtMFileError as error:
                form.add_error("file", str(error))
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request, "editorial/staff_ftm_import.html", {"form": form, "result": result}, status=status
    )
