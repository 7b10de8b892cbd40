"""The two staff roles of the editorial workflow, as groups.

editor:   moderates corrections and stages changes; reads every record.
reviewer: everything an editor may do, plus publishing updates and seeing
          submitters' contact details.

Permissions are normally created by a post_migrate signal, i.e. only after
every migration has run; on a fresh database they do not exist yet here, so
they are created first (create_permissions is idempotent).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORD_MODELS = {
    "entities": ["firm", "sector", "sanctionsdesignation", "relationship", "site"],
    "evidence": ["source", "claim", "citation"],
}
EDITOR = [
    ("editorial", "moderate_correction"),
    ("editorial", "stage_change"),
    ("editorial", "view_correction"),
    ("editorial", "view_change"),
    *[(app, f"view_{model}") for app, models in RECORD_MODELS.items() for model in models],
]
REVIEWER = [
    *EDITOR,
    ("editorial", "publish_update"),
    ("editorial", "view_contact_details"),
]
GROUPS = {"editor": EDITOR, "reviewer": REVIEWER}


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        # Migration app configs have no models module, which create_permissions
        # takes to mean "nothing to do"; pretend they have one.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            # .get() on purpose: a missing permission is a bug to fail loudly on.
            permissions.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("entities", "0002_initial"),
        ("evidence", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
