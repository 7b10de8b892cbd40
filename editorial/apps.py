from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Corrections and updates"

    def ready(self):
        # Published data changes only inside a publish (editorial.immutability):
        # the triggers follow every migrate, the SQLite function every connection.
        from . import immutability

        post_migrate.connect(immutability.install, sender=self)
        connection_created.connect(immutability.register_sqlite_function)
