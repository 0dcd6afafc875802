"""Driving wrk (the load generator) and plain HTTP requests against the bench server."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from twofactor.demo import demo_code

LUA = Path(__file__).with_name("wrk.lua")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A logged-in (or anonymous) user: cookies, the CSRF token, one request at a time."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path, data=None, headers=None):
        """(status, headers, body) without following redirects."""
        # The base is always the local bench server's http:// address.
        url = self.base + path
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def login(self, email, password):
        status, _headers, body = self.request("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        form = {"username": email, "password": password, "csrfmiddlewaretoken": token.decode()}
        status, headers, _body = self.request(
            "/accounts/login/", data=urllib.parse.urlencode(form).encode()
        )
        if status != 302 or not self.cookie("sessionid"):
            raise RuntimeError(f"Login of {email} failed (HTTP {status}).")
        # Whoever owes a second factor is sent to give it by the next page they open.
        _status, headers, _body = self.request("/")
        if "/two-factor/verify/" in headers.get("Location", ""):
            self.second_factor(email, headers["Location"])
        return self

    def second_factor(self, email, location):
        """Staff give the code of their authenticator after the password: the demo one,
        which seed_demo gives every staff login. A code is accepted once: when the same
        code was just used, the next one is given."""
        parts = urllib.parse.urlsplit(location)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        used = None
        for _attempt in range(2):
            _status, _headers, body = self.request(path)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
            code = demo_code()
            while code == used:
                time.sleep(1)
                code = demo_code()
            form = {"csrfmiddlewaretoken": token.decode(), "code": code}
            status, headers, _body = self.request(path, data=urllib.parse.urlencode(form).encode())
            if status == 302 and "/two-factor/" not in headers.get("Location", ""):
                return
            used = code
        raise RuntimeError(f"The second factor of {email} was refused (HTTP {status}).")


def multipart(fields, files=()):
    """A multipart/form-data body whose form token is the placeholder @@TOKEN@@."""
    boundary = f"----netdigibench{uuid.uuid4().hex}"
    chunks = []
    for name, value in [*fields, ("submission_token", "@@TOKEN@@")]:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, content_type, content in files:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def wrk(base, paths, *, requests, concurrency, cookie=None, method="GET", body=None,
        content_type=None, max_seconds=180, timeout_seconds=60):  # fmt: skip
    """Run wrk for `requests` requests (or `max_seconds`, whichever comes first)."""
    with tempfile.TemporaryDirectory(prefix="netdigi-wrk-") as tmp:
        out = Path(tmp) / "summary.json"
        env = {
            **os.environ,
            "BENCH_PATHS": " ".join(paths),
            "BENCH_METHOD": method,
            "BENCH_LIMIT": str(requests),
            "BENCH_OUT": str(out),
            "BENCH_TOKEN_PREFIX": str(uuid.uuid4())[:24],
        }
        if cookie:
            env["BENCH_COOKIE"] = cookie
        if content_type:
            env["BENCH_CONTENT_TYPE"] = content_type
        if body is not None:
            body_file = Path(tmp) / "body"
            body_file.write_bytes(body)
            env["BENCH_BODY_FILE"] = str(body_file)
        command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max_seconds}s",
                   "--timeout", f"{timeout_seconds}s", "-s", str(LUA), base]  # fmt: skip
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        marker = Path(f"{out}.stopped")
        while process.poll() is None:
            if marker.exists():
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.05)
        _stdout, stderr = process.communicate()
        if not out.exists():
            raise RuntimeError(f"wrk failed: {stderr.decode(errors='replace')}")
        summary = json.loads(out.read_text())
    seconds = summary["elapsed_us"] / 1e6
    summary["rps"] = summary["completed"] / seconds if seconds else 0.0
    return summary
