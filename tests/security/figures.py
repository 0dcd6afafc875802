"""What the security tests tried, counted while they run and printed at the end of the
run (tests/security/conftest.py). SECURITY.md quotes these figures."""

from collections import Counter

COUNTS = Counter()

LABELS = {
    "matrix_requests": "access matrix: requests made",
    "matrix_unentitled": "access matrix: requests by someone not entitled to the object",
    "matrix_cross_tenant": "access matrix: cross-tenant requests (other customer or department)",
    "matrix_successes": "access matrix: unentitled requests that succeeded or leaked",
    "mass_assignment_fields": "mass assignment: extra fields posted",
    "redirect_tries": "next redirect: payloads x surfaces tried",
    "redirect_offsite": "next redirect: off-site redirects",
    "method_tries": "methods and CSRF: requests tried",
}


def add(name, count=1):
    COUNTS[name] += count


def summary():
    return [f"{LABELS.get(name, name)}: {COUNTS[name]}" for name in LABELS if name in COUNTS]
