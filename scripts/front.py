#!/usr/bin/env python3
"""The production front (make front): nginx on loopback before gunicorn.

Renders scripts/front/nginx.conf into a run folder and runs nginx (Debian's
package: apt-get install -y nginx-light) in the foreground, in front of
scripts/serve-prod, which it starts first on 127.0.0.1 and stops when nginx
stops. The environment is serve-prod's (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL, HUB_CACHE_URL, ...), plus FRONT_PORT (8000: where readers come
in) and PORT (8001: gunicorn, on loopback only). DJANGO_BEHIND_PROXY=1 and
HUB_TRUSTED_PROXIES=127.0.0.1 are set for gunicorn, since the front is the
proxy. Over plain HTTP (a local try) the front says https to the app, as a
TLS front would: FRONT_FORWARDED_PROTO=http to say what it is.

The load and fault scripts use `render` and `start` (scripts/slow_clients.py).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = BASE_DIR / "scripts" / "front" / "nginx.conf"


def nginx_binary():
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise SystemExit("nginx is missing: apt-get install -y nginx-light (Debian's package).")
    return found


def render(run, *, listen, upstream, unlimited=(), access_log="off", forwarded_proto="https"):
    """Write the front's configuration into the folder `run`; return its path."""
    run = Path(run)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / name).mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text()
    marks = {
        "@RUN@": str(run),
        "@LISTEN@": str(listen),
        "@UPSTREAM@": upstream,
        "@ACCESS_LOG@": str(access_log),
        "@FORWARDED_PROTO@": forwarded_proto,
        "@UNLIMITED_GEO@": "".join(f"{address} 0; " for address in unlimited),
        "@UNLIMITED@": ", ".join(unlimited) or "none",
    }
    for mark, value in marks.items():
        text = text.replace(mark, value)
    conf = run / "nginx.conf"
    conf.write_text(text)
    subprocess.run(
        [nginx_binary(), "-t", "-q", "-p", str(run), "-c", str(conf)],
        check=True,
        stderr=subprocess.PIPE,
    )
    return conf


def start(conf):
    """Run nginx on the rendered `conf` in its own process group; return the process."""
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
        start_new_session=True,
    )
    time.sleep(0.5)
    if process.poll() is not None:
        raise SystemExit(f"nginx stopped at start; see {conf.parent / 'error.log'}")
    return process


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGQUIT)  # graceful: finish the requests in flight
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main():
    sys.path.insert(0, str(BASE_DIR / "scripts"))
    import prodserver

    front_port = int(os.environ.get("FRONT_PORT", "8000"))
    app_port = int(os.environ.get("PORT", "8001"))
    run = BASE_DIR / "var" / "front"
    conf = render(
        run,
        listen=f"127.0.0.1:{front_port}"
        if os.environ.get("FRONT_HOST") is None
        else f"{os.environ['FRONT_HOST']}:{front_port}",
        upstream=f"127.0.0.1:{app_port}",
        access_log=run / "access.log",
        forwarded_proto=os.environ.get("FRONT_FORWARDED_PROTO", "https"),
    )
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "DJANGO_BEHIND_PROXY": "1",
        "HUB_TRUSTED_PROXIES": os.environ.get("HUB_TRUSTED_PROXIES", "127.0.0.1"),
    }
    app = prodserver.serve(
        env,
        port=app_port,
        workers=int(os.environ.get("WORKERS", "2")),
        log_path=run / "gunicorn.log",
    )
    print(f"gunicorn on 127.0.0.1:{app_port} (log {run / 'gunicorn.log'})", flush=True)
    nginx = start(conf)
    print(f"front (nginx) on port {front_port}; Ctrl-C stops both", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        while not stopping and nginx.poll() is None and app.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(nginx)
        prodserver.stop(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
