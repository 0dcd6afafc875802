"""The one spelling of a login identifier (an email address).

"ſam@example.com" (with a long s), "SAM@example.com" and "sam@example.com" are typed by
people and scripts alike. The login lookup and the failed-login counter must see them as
one address, or each spelling would get a fresh allowance of guesses. Both ask this module.
"""

import unicodedata


def normalise_email(value):
    """`value` as compared for logins: NFKC (compatibility forms such as ſ or ﬁ become
    their plain letters), case-folded, surrounding blanks removed. Not a string: unchanged."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).casefold().strip()
