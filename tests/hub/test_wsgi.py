"""The WSGI entry point: a server process starts warm, its start-up objects out of the collector's way."""

import json
import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import gc, json, sys
import hub.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "pinyin": "pypinyin" in sys.modules}))
"""


def test_a_server_process_loads_its_tables_then_freezes_what_it_loaded():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["pinyin"]  # loaded before the first request, not during it
    # Django, the apps and the pinyin tables: well over 100,000 objects.
    assert state["frozen"] > 100_000
