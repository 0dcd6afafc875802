#!/bin/sh
# A Celery worker: sends the notification emails (queue "notifications") and runs the other
# background tasks (queue "celery"). Run one or more; each may run on its own machine.
set -e
cd "$(dirname "$0")/.."
# The project's virtualenv when there is one (a container installs into the system Python).
if [ -d .venv/bin ]; then PATH="$PWD/.venv/bin:$PATH"; fi
exec celery -A netdigi worker \
  --queues notifications,celery \
  --concurrency "${CELERY_CONCURRENCY:-2}" \
  --hostname "${CELERY_HOSTNAME:-worker@%h}" \
  --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
  "$@"
