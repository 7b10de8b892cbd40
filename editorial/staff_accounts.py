"""Staff accounts: an editor or a reviewer, with the authenticator device staff sign in with.

The two roles are the groups the editorial migrations make (editor,
reviewer); `manage.py create_staff` calls this.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

ROLES = ("editor", "reviewer")


class AccountRefused(Exception):
    """The account cannot be made as asked."""


@transaction.atomic
def create_staff(*, email, role, password=None):
    """Make a staff account in `role`, with a confirmed TOTP device.

    Returns (user, password, device): the password is generated when none is
    given, and the device's `config_url` is the otpauth:// URI an
    authenticator app reads.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if role not in ROLES:
        raise AccountRefused(f"The role is {' or '.join(ROLES)}, not {role!r}.")
    group = Group.objects.filter(name=role).first()
    if group is None:
        raise AccountRefused(f"There is no {role} group: run manage.py migrate first.")
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    if "@" not in email or len(email) > 150:
        raise AccountRefused(f"{email!r} is not an email address (at most 150 characters).")
    if user_model.objects.filter(username__iexact=email).exists():
        raise AccountRefused(f"There is already an account {email}.")
    password = password or secrets.token_urlsafe(18)
    user = user_model.objects.create_user(email, email=email, password=password, is_staff=True)
    user.groups.add(group)
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    return user, password, device
