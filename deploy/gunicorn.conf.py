"""gunicorn settings of the Member Area: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed from the environment (GUNICORN_*). Run it behind a reverse
proxy (nginx, a load balancer) that terminates TLS, buffers uploads and sets
X-Forwarded-Proto; list the proxy's address in FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os
from pathlib import Path

wsgi_app = "netdigi.wsgi:application"
# Run from the project folder whatever the current directory.
chdir = str(Path(__file__).resolve().parent.parent)

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer is killed and its worker replaced (uploads of 5 x 10 MB
# arrive buffered by the proxy, so 30 s is plenty).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then: a slow leak never grows for long.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# Heartbeat files in memory, not on a disk that may stall (gunicorn's own advice).
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - gunicorn creates its files safely there
if SHARED_MEMORY.is_dir():
    worker_tmp_dir = str(SHARED_MEMORY)

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "netdigi-web"
