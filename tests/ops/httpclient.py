"""A small HTTP client for tests that talk to real servers (gunicorn), with its own cookies.

It speaks to the app server as the TLS-terminating proxy in front of it
would: the public host name in `Host` (the same for every app server, as
nginx's `proxy_set_header Host $host` sends it), `X-Forwarded-Proto: https`
(the servers run with DJANGO_BEHIND_PROXY=1, so Secure cookies and HSTS behave
as in production), an optional `X-Forwarded-For` naming the client, and
`Origin` on posts (CSRF over HTTPS).
"""

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return f"<Response {self.status}>"


class Browser:
    def __init__(self, base_url, *, forwarded_for=None, cookies=None, public_host="127.0.0.1"):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.public_host = public_host
        self.forwarded_for = forwarded_for
        self.cookies = dict(cookies or {})

    @property
    def origin(self):
        return f"https://{self.public_host}"

    def request(self, method, path, data=None, timeout=20):
        headers = {"Host": self.public_host, "X-Forwarded-Proto": "https"}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            content = raw.read()
            for line in raw.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(line)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content)
        finally:
            conn.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data, *, form_page):
        """Post a form as a browser does: with the CSRF token of the page that showed it."""
        data = {"csrfmiddlewaretoken": hidden_field(form_page.text, "csrfmiddlewaretoken"), **data}
        return self.request("POST", path, data=data)


def hidden_field(html, name):
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    assert match, f"no field {name!r} in the page"
    return match.group(1)
