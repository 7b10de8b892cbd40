from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _latest_update():
    from editorial.models import Update

    return Update.objects.order_by("-number").first()


def site(request):
    """What every page's header and footer need: the licence, the current update.

    The update is looked up only by pages that show it.
    """
    return {
        "data_license": settings.HUB_DATA_LICENSE,
        "data_license_url": settings.HUB_DATA_LICENSE_URL,
        "latest_update": SimpleLazyObject(_latest_update),
    }
