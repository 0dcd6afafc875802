"""The language of the Member Area.

Before login the browser decides: the language chosen with the switcher on this browser
(Django's language cookie), else Accept-Language, else English. After login the user's
saved choice decides, on every page and in every email they are sent. Choosing a language
with the switcher while logged in saves it on the user; a choice made on the login page is
saved on the user when they log in; on a user's first login, the language the browser
asked for is saved as theirs.
"""

from django.conf import settings
from django.utils import translation
from django.views import i18n
from django.views.decorators.http import require_POST

# The language an anonymous visitor chose during this visit, carried over at login.
SESSION_KEY = "chosen_language"


def supported_language(code):
    """`code` when it is one of settings.LANGUAGES, else None."""
    if code and code in dict(settings.LANGUAGES) and translation.check_for_language(code):
        return code
    return None


def save_language(user, code):
    if supported_language(code) and user.language != code:
        user.language = code
        user.save(update_fields=["language"])


class UserLanguageMiddleware:
    """Activates the logged-in user's language (after AuthenticationMiddleware, which sets
    request.user, and LocaleMiddleware, which set the browser's language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = supported_language(user.language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def set_language(request):
    """Django's set_language (the cookie and the redirect), and the choice remembered: on
    the user when logged in, else in the session until they log in."""
    response = i18n.set_language(request)
    language = supported_language(request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER))
    if language:
        if request.user.is_authenticated:
            save_language(request.user, language)
        else:
            request.session[SESSION_KEY] = language
    return response


def carry_language_choice(sender, request, user, **kwargs):
    """`user_logged_in` receiver: the language chosen on the login page becomes theirs, and
    so does, on their first login, the language the browser asked for."""
    session = getattr(request, "session", None)
    if session is None:
        return
    language = session.pop(SESSION_KEY, None)
    if not language and getattr(user, "first_login", False):
        language = getattr(request, "LANGUAGE_CODE", None)
    if language:
        save_language(user, language)
