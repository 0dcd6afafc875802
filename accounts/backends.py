from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with email and password; the email matches whatever its case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if username is not None:
            username = username.strip()
        return super().authenticate(request, username=username, password=password, **kwargs)
