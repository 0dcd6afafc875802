#!/bin/sh
# Run once per deployment, before the new web and worker processes start: database
# migrations, and the static files collected for whitenoise.
set -e
cd "$(dirname "$0")/.."
# The project's virtualenv when there is one (a container installs into the system Python).
if [ -d .venv/bin ]; then PATH="$PWD/.venv/bin:$PATH"; fi
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
python manage.py check --deploy --fail-level WARNING
