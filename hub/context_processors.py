from django.conf import settings


def site(request):
    """What every page's header and footer need: the licence of the data."""
    return {
        "data_license": settings.HUB_DATA_LICENSE,
        "data_license_url": settings.HUB_DATA_LICENSE_URL,
    }
