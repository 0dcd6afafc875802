"""Rate limits of the knowledgebase's endpoints that a script calls while someone types.

Counted per user in fixed windows in Django's cache (CACHE_URL: Redis in production, so
that every web process counts together; each process counts alone with the default local
memory cache). The limits are settings "COUNT/PERIOD" like the ticket limits.
"""

import time

from django.conf import settings
from django.core.cache import cache

from ratelimits.rates import parse_rate


def retry_after(scope, user, setting):
    """None when `user` may make one more `scope` request now (and count it); else the
    seconds until the window ends."""
    rate = parse_rate(getattr(settings, setting))
    if rate is None:
        return None
    count, period = rate
    seconds = int(period.total_seconds())
    now = time.time()
    window = int(now // seconds)
    key = f"kb-throttle:{scope}:{user.pk}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        made = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        made = 1
    if made > count:
        return max(1, int(seconds - now % seconds))
    return None
