#!/usr/bin/env bash
# `make prod-local`: the production stack on this machine, to try it. gunicorn (production
# settings, DEBUG off), a Celery worker and beat, against the local PostgreSQL (database
# netdigi_local, created if missing) and Redis, with an SMTP sink that shows every email.
# Ctrl-C stops everything. Settings below can be changed from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PROD_PORT:-8001}"
SMTP_PORT="${PROD_SMTP_PORT:-8025}"
PG_URL="${PROD_PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${PROD_DB_NAME:-netdigi_local}"
REDIS_URL="${PROD_REDIS_URL:-redis://127.0.0.1:6379/1}"
STATE="${PROD_STATE_DIR:-/tmp/netdigi-prod-local}"
PATH="$PWD/.venv/bin:$PATH"

mkdir -p "$STATE/mail" "$STATE/media"

# The database: created on the first run.
if ! psql "$PG_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" \
    | grep -q 1; then
  echo "== creating database $DB_NAME"
  psql "$PG_URL/postgres" -qc "CREATE DATABASE \"$DB_NAME\""
fi
if ! python -c "import redis, sys; redis.Redis.from_url('$REDIS_URL', socket_connect_timeout=2).ping()" \
    2>/dev/null; then
  echo "Redis does not answer at $REDIS_URL. Start it (redis-server --daemonize yes) or set" \
       "PROD_REDIS_URL." >&2
  exit 1
fi

# A secret key kept between runs, so that logins survive a restart.
if [ ! -s "$STATE/secret_key" ]; then
  python -c "import secrets; print(secrets.token_urlsafe(50))" > "$STATE/secret_key"
fi

export DEBUG=false
export SECRET_KEY="$(cat "$STATE/secret_key")"
export DATABASE_URL="$PG_URL/$DB_NAME"
export CELERY_BROKER_URL="$REDIS_URL"
export CACHE_URL="${REDIS_URL%/*}/2"
export EMAIL_URL="smtp://127.0.0.1:$SMTP_PORT"
export SITE_URL="http://127.0.0.1:$PORT"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export MEDIA_ROOT="$STATE/media"
export GUNICORN_BIND="127.0.0.1:$PORT"
export GUNICORN_WORKERS="${GUNICORN_WORKERS:-3}"
export CELERY_CONCURRENCY="${CELERY_CONCURRENCY:-2}"
export CELERY_BEAT_SCHEDULE_FILE="$STATE/celerybeat-schedule"
# Plain HTTP on this machine: no HTTPS redirect, no secure-only cookies, no HSTS.
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0

echo "== migrate, collectstatic, demo data"
python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
# DEBUG is off here, as in production: the demo accounts are asked for explicitly.
python manage.py seed_demo --force

pids=()
stop() {
  trap - INT TERM EXIT
  echo "== stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM EXIT

python deploy/mailsink.py --port "$SMTP_PORT" --dir "$STATE/mail" & pids+=($!)
deploy/worker.sh & pids+=($!)
deploy/beat.sh & pids+=($!)
deploy/web.sh & pids+=($!)

echo "== Member Area: $SITE_URL (gunicorn, production settings); /healthz for the probe"
echo "== emails: printed as [mailsink] lines and kept in $STATE/mail; Ctrl-C stops all"
# Stop everything as soon as one of them stops.
wait -n
