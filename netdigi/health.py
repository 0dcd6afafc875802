"""`/healthz` for load balancers and orchestrators: is the database reachable, is the broker?

200 with {"status": "ok", ...} when both answer, 503 otherwise. No login, no session, no
details of an error (those go to the log): anyone can reach it.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return ERROR
    return OK


def check_broker():
    """One connection attempt to the Celery broker (time-outs from the Celery settings)."""
    from netdigi.celery import app

    if app.conf.task_always_eager:
        # No broker configured: tasks run in-process.
        return "in-process"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=app.conf.broker_connection_timeout)
    except Exception:
        logger.warning("Health check: the broker does not answer", exc_info=True)
        return ERROR
    return OK


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = ERROR not in checks.values()
    return JsonResponse(
        {"status": OK if healthy else ERROR, **checks}, status=200 if healthy else 503
    )
