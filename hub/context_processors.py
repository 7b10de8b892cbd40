from django.apps import apps
from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _latest_update():
    # Named by the settings, not imported (see hub.cache.update_published).
    return apps.get_model(settings.HUB_UPDATE_MODEL).objects.order_by("-number").first()


def site(request):
    """What every page's header and footer need: the licence, the current update.

    The update is looked up only by pages that show it.
    """
    return {
        "data_license": settings.HUB_DATA_LICENSE,
        "data_license_url": settings.HUB_DATA_LICENSE_URL,
        "latest_update": SimpleLazyObject(_latest_update),
    }
