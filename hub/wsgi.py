import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
application = get_wsgi_application()


def warm_up():
    """Load what the first requests would otherwise load: URL patterns, templates, pinyin tables."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    from hub.transliteration import transliterate

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    get_template("base.html")
    transliterate("三一", "zh")  # pypinyin's dictionaries: 0.3 s on first use


# Then keep the long-lived objects (300,000 of them: Django, the apps, the
# pinyin tables) out of the garbage collector's generations. Otherwise a
# collection of the oldest generation walks them all, and the request that
# set it off waits 150 ms more: the slowest of every 20 uncached pages at a
# million claims (README "Performance"). Each server process (a
# gunicorn worker imports this module after forking) does it for itself.
warm_up()
gc.freeze()
