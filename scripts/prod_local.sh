#!/usr/bin/env bash
# Run Chalktalk the way production does, without Docker, on this machine (`make prod-local`):
# CHALKTALK_ENV=production on PostgreSQL database chalktalk_prod and Redis db 1, collected static
# files served by WhiteNoise, a Celery worker and Celery beat in the background (logs in .stamps/)
# and uvicorn with 2 workers in the foreground. Ctrl-C (or SIGTERM) stops all three.
# Plain http on loopback, so secure cookies, the https redirect and HSTS are off.
# Expects PostgreSQL and Redis up (scripts/services.sh) and .venv set up (make setup).
#   PORT=8100 bash scripts/prod_local.sh      # when 8000 is taken by a dev server
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv/bin"
STAMPS="$ROOT/.stamps"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PG_SERVER="${PROD_PG_SERVER:-postgres://chalktalk:chalktalk@127.0.0.1:5432}"
DB_NAME="${PROD_DB_NAME:-chalktalk_prod}"  # PROD_DB_NAME / PROD_REDIS_URL: run a second copy apart
mkdir -p "$STAMPS"

# A generated key, kept between runs so sessions survive a restart (.stamps/ is git-ignored).
if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s "$STAMPS/prod-secret" ]; then
    (umask 077 && "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$STAMPS/prod-secret")
  fi
  SECRET_KEY="$(cat "$STAMPS/prod-secret")"
fi

export CHALKTALK_ENV=production DEBUG=false SECRET_KEY
export SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="$PG_SERVER/$DB_NAME"
export REDIS_URL="${PROD_REDIS_URL:-redis://127.0.0.1:6379/1}"

if ! psql "$PG_SERVER/chalktalk" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
  echo "prod-local: creating database $DB_NAME"
  psql "$PG_SERVER/chalktalk" -qc "CREATE DATABASE $DB_NAME"
fi

"$VENV/python" manage.py migrate --noinput
"$VENV/python" manage.py load_questions
"$VENV/python" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    echo "prod-local: stopping ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$VENV/celery" -A config worker --loglevel=info --concurrency=2 >> "$STAMPS/prod-worker.log" 2>&1 &
pids+=($!)
"$VENV/celery" -A config beat --loglevel=info --schedule "$STAMPS/prod-celerybeat-schedule" \
  >> "$STAMPS/prod-beat.log" 2>&1 &
pids+=($!)
echo "prod-local: worker and beat running (logs: .stamps/prod-worker.log, .stamps/prod-beat.log)"
echo "prod-local: Chalktalk (production settings) on http://$HOST:$PORT/"

# uvicorn runs as a child we wait on (not exec'd) so a signal to this script reaches the trap at once.
# --no-proxy-headers as in docker/compose.yaml: the app reads X-Forwarded-* from TRUSTED_PROXIES only.
"$VENV/uvicorn" config.asgi:application --host "$HOST" --port "$PORT" --workers 2 \
  --lifespan off --no-proxy-headers &
pids+=($!)
wait "${pids[-1]}"
