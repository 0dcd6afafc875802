"""`manage.py compilemessages -l id`, compiling our catalogue only (not the virtualenv's)."""

from django.core.management.commands import compilemessages

from .makemessages import NOT_PRODUCT


class Command(compilemessages.Command):
    def handle(self, *args, **options):
        # Hidden folders too (.venv, .git): makemessages skips them by default, this does not.
        options["ignore_patterns"] = [*(options.get("ignore_patterns") or []), ".*", *NOT_PRODUCT]
        return super().handle(*args, **options)
