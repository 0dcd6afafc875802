#!/bin/sh
# Celery beat: the periodic tasks (re-dispatch of pending notifications, auto-close).
# Each due task is claimed in the database before it is sent (scheduling/claims.py): a beat
# on every worker host still runs each periodic task once a period.
set -e
cd "$(dirname "$0")/.."
# The project's virtualenv when there is one (a container installs into the system Python).
if [ -d .venv/bin ]; then PATH="$PWD/.venv/bin:$PATH"; fi
exec celery -A netdigi beat \
  --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/netdigi-celerybeat-schedule}" \
  --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
  "$@"
