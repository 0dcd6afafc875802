"""`manage.py makemessages -l id`, looking only at the product's own code and templates.

Django's command walks the whole project folder; this one also skips the virtualenv, the
collected static files, media, tests, benchmarks, docs and deployment files, so that
`makemessages -l id` is all it takes to update locale/id/LC_MESSAGES/django.po. Entries
name their files without line numbers, so that editing code does not rewrite the catalogue.
"""

from django.core.management.commands import makemessages

# Folder names (anywhere in the tree) that hold no text of the product.
NOT_PRODUCT = [
    "venv",
    "node_modules",
    "staticfiles",
    "static",
    "media",
    "tests",
    "bench",
    "docs",
    "deploy",
]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*(options.get("ignore_patterns") or []), *NOT_PRODUCT]
        if not options.get("add_location") and not options.get("no_location"):
            options["add_location"] = "file"
        return super().handle(*args, **options)
