"""Running a post (a new ticket or a reply) once: files written by a failed attempt are
removed, and the same form submitted twice returns the first submit's result."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from django.db import IntegrityError

from .files import discard

T = TypeVar("T")


def run_once(
    work: Callable[[list], T], *, token: UUID | None, first: Callable[[UUID], T | None]
) -> T:
    """Run `work(stored)` (one transaction that collects the files it wrote in `stored`).

    The form's token is unique (per customer for tickets, per ticket for posts), so the
    second of two submits fails its insert: then `first(token)` is the answer. No lookup is
    made before, for the common case."""
    stored: list = []
    try:
        return work(stored)
    except IntegrityError:
        discard(stored)
        if token:
            existing = first(token)
            if existing is not None:
                return existing
        raise
    except BaseException:
        discard(stored)
        raise
