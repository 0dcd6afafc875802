"""Periodic ticket work for Celery beat. Thin: the action does the work."""

import logging

from celery import shared_task

from . import actions

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def autoclose_tickets():
    """One auto-close pass (see actions.autoclose_stale_tickets); beat runs it periodically."""
    closed = actions.autoclose_stale_tickets()
    if closed:
        logger.info("Auto-closed %d ticket(s): %s", len(closed), ", ".join(closed))
    return len(closed)
