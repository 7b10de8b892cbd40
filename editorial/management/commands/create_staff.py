"""manage.py create_staff EMAIL --role editor|reviewer: a staff account and its authenticator."""

import io

from django.core.management.base import BaseCommand, CommandError

from editorial.staff_accounts import ROLES, AccountRefused, create_staff


class Command(BaseCommand):
    help = (
        "Create a staff account (the email is its user name) in the editor or reviewer role, "
        "with a one-time-password device; prints the password and the otpauth:// URI to add "
        "to an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument(
            "--password", default=None, help="The password (default: a random one, printed)."
        )
        parser.add_argument(
            "--no-qr", action="store_true", help="Print the address only, not its QR code."
        )

    def handle(self, *args, email, role, password, no_qr, **options):
        try:
            user, password, device = create_staff(email=email, role=role, password=password)
        except AccountRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created {user.get_username()} ({role}).")
        self.stdout.write(f"Password: {password}")
        self.stdout.write("Add this to an authenticator app (it is shown only now):")
        self.stdout.write(device.config_url)
        if not no_qr:
            import segno

            picture = io.StringIO()
            segno.make(device.config_url, error="m").terminal(out=picture, compact=True)
            self.stdout.write("Or scan it:")
            self.stdout.write(picture.getvalue())
        self.stdout.write("Sign in at /staff/admin/login/ with the password, then the app's code.")
