#!/usr/bin/env bash
# `make run-scaled`: the production shape on one machine. PostgreSQL and Redis from Debian's
# packages, two app processes (gunicorn + gevent) on APP_PORTS, nginx with ip_hash in front on
# PORT. Data stays in instance/scaled/ between runs; Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PORT=${PORT:-5000}
APP_PORTS=${APP_PORTS:-"5001 5002"}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
GUNICORN_ARGS=${GUNICORN_ARGS:-"-k gevent -w 1 --worker-connections 4000 --no-control-socket"}
STATE=$PWD/instance/scaled
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$STATE/nginx/temp"

# PostgreSQL refuses to run as root: as root it runs as Debian's postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pids=()
stop_all() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg" stop -m fast >/dev/null 2>&1 || true
}
trap stop_all EXIT INT TERM

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  >"$STATE/redis.log" 2>&1 &
pids+=($!)

if [ ! -f "$STATE/pg/PG_VERSION" ]; then
  mkdir -p "$STATE/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$STATE/pg" && chmod 700 "$STATE/pg"
  as_postgres "$PGBIN/initdb" -D "$STATE/pg" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
fi
as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg" -l "$STATE/pg/server.log" -w start \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp" >/dev/null
psql=("$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAt)
"${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'brainstorm'" | grep -q 1 \
  || "${psql[@]}" -c "CREATE DATABASE brainstorm"

export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/brainstorm"
export SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:$REDIS_PORT/0"
export BRAINSTORM_PROXY_COUNT=1  # nginx: one trusted proxy
export BRAINSTORM_BASE_URL="http://127.0.0.1:$PORT"
"$VENV/bin/flask" --app wsgi db upgrade
"$VENV/bin/flask" --app wsgi seed-demo

upstreams=""
for app_port in $APP_PORTS; do
  # shellcheck disable=SC2086 - the arguments are meant to split
  "$VENV/bin/gunicorn" $GUNICORN_ARGS -b "127.0.0.1:$app_port" wsgi:app \
    >"$STATE/app-$app_port.log" 2>&1 &
  pids+=($!)
  upstreams+="        server 127.0.0.1:$app_port;"$'\n'
done

sed -e "s|@LISTEN@|127.0.0.1:$PORT|" -e "s|@STATIC@|$PWD/static|" deploy/nginx.conf \
  | awk -v ups="$upstreams" '{ if ($0 == "@UPSTREAMS@") printf "%s", ups; else print }' \
  >"$STATE/nginx/nginx.conf"
nginx -p "$STATE/nginx" -c nginx.conf -g "daemon off;" &
pids+=($!)

echo "brainstorm, scaled: http://127.0.0.1:$PORT (nginx) -> 127.0.0.1:{${APP_PORTS// /,}}," \
  "PostgreSQL :$PG_PORT, Redis :$REDIS_PORT. Logs in instance/scaled/. Ctrl+C stops it all."
wait -n "${pids[@]}"
