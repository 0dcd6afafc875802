"""Limits on requests that leave no row of their own to count (a password reset asked for
an address that may have no account, say): each allowed request is recorded as a Hit, and
the limits are read from those rows exactly as the flood limits of tickets/throttle.py read
tickets and messages (ratelimits/rates.py), with the same "COUNT/PERIOD" settings.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Hit
from .rates import Refusal, nth_newest, parse_rate


def keyed(value):
    """A stable key for `value` that does not reveal it (typed emails are not stored)."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def check_and_record(limits):
    """`limits`: [(scope, key, "COUNT/PERIOD")]. A Refusal for the first limit already
    reached, with nothing recorded; else None, with the request recorded under each limit.
    A limit whose key is empty or whose rate is off ("0") does not apply."""
    now = timezone.now()
    active = []
    for scope, key, text in limits:
        rate = parse_rate(text)
        if key and rate:
            active.append((scope, key, rate))
    if not active:
        return None
    for scope, key, (count, period) in active:
        rows = Hit.objects.filter(scope=scope, key=key)
        nth = next(iter(nth_newest(rows, (count, period), now)), None)
        if nth is not None:
            return Refusal(kind=scope, count=count, period=period, retry_after=nth + period - now)
    with transaction.atomic():
        Hit.objects.bulk_create([Hit(scope=s, key=k, created_at=now) for s, k, _ in active])
        for scope, _key, (_count, period) in active:
            # Rows no limit reads any more.
            Hit.objects.filter(scope=scope, created_at__lt=now - period).delete()
    return None
