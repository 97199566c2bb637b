#!/usr/bin/env bash
# `make run-scaled`: the production shape on one machine. PostgreSQL and Redis from Debian's
# packages, two app processes (gunicorn + gevent) on APP_PORTS, nginx with ip_hash in front on
# PORT. Every part is watched as systemd watches deploy/brainstorm@.service: one that stops is
# started again 2 s later, the others run on. Pids in instance/scaled/run/, logs in
# instance/scaled/; data stays there between runs. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PORT=${PORT:-5000}
APP_PORTS=${APP_PORTS:-"5001 5002"}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
GUNICORN_ARGS=${GUNICORN_ARGS:-"-k gevent -w 1 --worker-connections 4000 --no-control-socket"}
RESTART_SEC=${RESTART_SEC:-2}
STATE=$PWD/instance/scaled
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$STATE/nginx/temp" "$STATE/run"

# PostgreSQL refuses to run as root: as root it runs as Debian's postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# supervise NAME SIGNAL COMMAND...: run COMMAND (log in $STATE/NAME.log, pid in
# $STATE/run/NAME.pid) and start it again RESTART_SEC seconds after it stops, like systemd's
# Restart=always; SIGNAL is how it is asked to stop (its quick shutdown).
loops=()
supervise() {
  local name=$1 signal=$2
  shift 2
  (
    child=""
    trap 'kill -s "$signal" "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
    while true; do
      "$@" >>"$STATE/$name.log" 2>&1 &
      child=$!
      echo "$child" >"$STATE/run/$name.pid"
      status=0
      wait "$child" || status=$?
      echo "$(date +%T) $name stopped (status $status); starting it again in ${RESTART_SEC} s" >&2
      sleep "$RESTART_SEC" &
      wait $!
    done
  ) &
  loops+=($!)
}

stop_all() {
  trap - EXIT INT TERM
  echo "Stopping..." >&2
  kill "${loops[@]}" 2>/dev/null || true
  as_postgres "$PGBIN/pg_ctl" -D "$STATE/pg" stop -m fast >/dev/null 2>&1 || true
  wait "${loops[@]}" 2>/dev/null || true
}
trap stop_all EXIT INT TERM

supervise redis TERM redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
  --appendonly no

if [ ! -f "$STATE/pg/PG_VERSION" ]; then
  mkdir -p "$STATE/pg"
  [ "$(id -u)" = 0 ] && chown postgres: "$STATE/pg" && chmod 700 "$STATE/pg"
  as_postgres "$PGBIN/initdb" -D "$STATE/pg" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
fi
# A kill -9 leaves postmaster.pid behind; PostgreSQL sees its pid is gone and starts anyway.
# (As root, run/postgres.pid is runuser's; the server's own pid heads pg/postmaster.pid.)
postgres=("$PGBIN/postgres" -D "$STATE/pg" -p "$PG_PORT" -c listen_addresses=127.0.0.1
  -c unix_socket_directories=/tmp)
[ "$(id -u)" = 0 ] && postgres=(runuser -u postgres -- "${postgres[@]}")
supervise postgres INT "${postgres[@]}"
for _ in $(seq 150); do
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 0.2
done
psql=("$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qAt)
"${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'brainstorm'" | grep -q 1 \
  || "${psql[@]}" -c "CREATE DATABASE brainstorm"

export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/brainstorm"
export SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:$REDIS_PORT/0"
export BRAINSTORM_PROXY_COUNT=1  # nginx: one trusted proxy
export BRAINSTORM_BASE_URL="http://127.0.0.1:$PORT"
"$VENV/bin/flask" --app wsgi db upgrade
"$VENV/bin/flask" --app wsgi seed-demo

for app_port in $APP_PORTS; do
  # shellcheck disable=SC2086 - the arguments are meant to split
  supervise "app-$app_port" INT "$VENV/bin/gunicorn" $GUNICORN_ARGS -c deploy/gunicorn.conf.py \
    -b "127.0.0.1:$app_port" wsgi:app
done

# deploy/nginx.conf with this machine's addresses: the @BACKEND@ line once per app process.
sed -e "s|@LISTEN@|127.0.0.1:$PORT|" -e "s|@STATIC@|$PWD/static|" deploy/nginx.conf \
  | awk -v ports="$APP_PORTS" '
      /@BACKEND@/ { n = split(ports, p, " "); for (i = 1; i <= n; i++) {
                      line = $0; sub(/@BACKEND@/, "127.0.0.1:" p[i], line); print line }
                    next }
      { print }' >"$STATE/nginx/nginx.conf"
supervise nginx TERM nginx -p "$STATE/nginx" -c nginx.conf -g "daemon off;"

cat <<EOF
brainstorm, scaled: http://127.0.0.1:$PORT (nginx) -> 127.0.0.1:{${APP_PORTS// /,}},
PostgreSQL :$PG_PORT, Redis :$REDIS_PORT. Logs in instance/scaled/, pids in instance/scaled/run/.
A part that stops is started again after ${RESTART_SEC} s; try: kill -9 \$(cat instance/scaled/run/app-${APP_PORTS%% *}.pid)
Ctrl+C stops it all.
EOF
wait "${loops[@]}"
