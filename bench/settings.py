"""Settings of the benchmark server: production settings plus a query counter and the bare
view (the throughput ceiling). Only bench/run.py uses them, never production."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")

from netdigi.settings import *  # noqa: E402,F403
from netdigi.settings import MIDDLEWARE  # noqa: E402

# Outermost, so that it counts every query of the request, session and auth included.
MIDDLEWARE = ["bench.middleware.query_count", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/netdigi-bench-static")  # noqa: S108
