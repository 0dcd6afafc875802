#!/bin/sh
# The web process: gunicorn serving the Member Area (static files by whitenoise).
set -e
cd "$(dirname "$0")/.."
# The project's virtualenv when there is one (a container installs into the system Python).
if [ -d .venv/bin ]; then PATH="$PWD/.venv/bin:$PATH"; fi
exec gunicorn -c deploy/gunicorn.conf.py "$@"
