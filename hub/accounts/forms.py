"""The second login step: a six-digit code from the staff member's authenticator app."""

from django import forms


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="Six digits. Each code works once.",
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_otp_token(self):
        from django_otp import match_token

        token = self.cleaned_data["otp_token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The code is made of digits only.")
        self.device = match_token(self.user, token)
        if self.device is None:
            raise forms.ValidationError(
                "That code is wrong, already used or expired. Wait for the next one."
            )
        return token
