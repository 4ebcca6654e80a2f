# shellcheck shell=bash
# The server start and stop shared by bench/arena/run.sh and bench/arena/kill.sh (sourced, not run).
# Expects ROOT (the repository) and OUT (the output folder); sets SAIMA (built from src/Saima.Cli
# unless it points at a saima executable or dll), SERVE_PID and PG_DB, and traps EXIT to stop the
# server, drop the bench's PostgreSQL database and remove WORK.
#
#   serve LOG            starts `saima serve "${store_args[@]}" --urls "$BASE"` in the background,
#                        appending to LOG; SERVE_PID is the server's own process (dotnet or saima),
#                        never a subshell around it, so a kill (also kill -9) reaches the server.
#   stop_server          stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it.
#   wait_healthy [TRIES] waits until $BASE/healthz answers (0.5 s apart, default 120 tries).
#   free_port FROM       the first port from FROM on that nothing listens on.
#   drop_pg_db           drops PG_DB (if any) on the local server.

if [[ -z ${SAIMA:-} ]]; then
    dotnet build "$ROOT/src/Saima.Cli" -c Release -v q >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
    SAIMA=$(ls "$ROOT"/src/Saima.Cli/bin/Release/net10.0/saima.dll "$ROOT"/src/Saima.Cli/bin/Release/net10.0/Saima.Cli.dll 2>/dev/null | head -1 || true)
    [[ -n $SAIMA ]] || { echo "no saima.dll under src/Saima.Cli/bin/Release/net10.0 (see $OUT/build.log)" >&2; exit 1; }
fi

run_saima() { if [[ $SAIMA == *.dll ]]; then dotnet "$SAIMA" "$@"; else "$SAIMA" "$@"; fi; }

SERVE_PID=
PG_DB=
PG_ADMIN="host=127.0.0.1 port=55432 user=postgres dbname=postgres"

serve() {
    local log=$1
    # Started directly by this shell (`&` on the command, not on a function): $! is the server.
    if [[ $SAIMA == *.dll ]]; then
        dotnet "$SAIMA" serve "${store_args[@]}" --urls "$BASE" >>"$log" 2>&1 &
    else
        "$SAIMA" serve "${store_args[@]}" --urls "$BASE" >>"$log" 2>&1 &
    fi
    SERVE_PID=$!
}

stop_server() {
    [[ -n $SERVE_PID ]] || return 0
    kill "$SERVE_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=
}

wait_healthy() {
    local tries=${1:-120} _
    for _ in $(seq 1 "$tries"); do
        curl -sf --max-time 2 "$BASE/healthz" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}

free_port() { local p=$1; while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }

drop_pg_db() {
    [[ -n $PG_DB ]] || return 0
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    PG_DB=
}

server_cleanup() {
    stop_server
    drop_pg_db
    [[ -n ${WORK:-} ]] && rm -rf "$WORK"
}
trap server_cleanup EXIT
