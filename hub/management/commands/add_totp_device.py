"""Give a staff member an authenticator (TOTP device) and print its key once.

    python manage.py add_totp_device edith [--name phone]

Scan the printed otpauth:// address (or type the base32 key) into an
authenticator app. The key is shown only here; the admin can delete a lost
device (Django OTP → TOTP devices) and this command make a new one.
"""

import base64

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a confirmed TOTP device for a user and print its key."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator")

    def handle(self, *args, username, name, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        secret = base64.b32encode(device.bin_key).decode()
        self.stdout.write(f"Key (base32): {secret}")
        self.stdout.write(f"Address: {device.config_url}")
