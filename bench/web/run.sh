#!/usr/bin/env bash
# Load on the web application from outside, with wrk: the league table and the unit page of the
# demo city, logged in, on SQLite and on PostgreSQL. Not a test: figures go to bench/web/README.md.
#
#   bash bench/web/run.sh [--store sqlite|postgres|both] [--runs 3] [--duration 30s]
#                         [--warmup 10s] [--connections 50] [--threads 2] [--no-publish] [--all-pages]
#   bash bench/web/run.sh --summarise      the table again, from artifacts/bench-web/runs.tsv
#
# 1. publishes src/Saima.Cli (Release, ReadyToRun; plain IL if that fails) into artifacts/saima-web;
# 2. per store: builds the demo city (`saima demo`; PostgreSQL: a private cluster started here),
#    starts `saima serve` with SAIMA_ADMIN_PASSWORD set and logs in with curl (the anti-forgery
#    token of /login, then the auth cookie);
# 3. per URL: a warm-up, then RUNS runs of wrk (CONNECTIONS connections, THREADS threads,
#    DURATION each) with bench/web/saima.lua, whose done() prints p50/p90/p95/p99 and requests/s;
#    the load average is recorded before each run;
# 4. prints a Markdown table of the medians over the runs and keeps every run's output in
#    artifacts/bench-web/ (results.md, runs.tsv, wrk-*.txt, serve-*.log).
# URLs: /league?scheme=LC-COUNTY (the county scheme, its latest published period), /unit/C01 and
# /unit/{C01..C12} rotating over the twelve counties and districts (one code per request); with
# --all-pages also /matrix?scheme=LC-COUNTY, /map/data?scheme=LC-COUNTY (the map's GeoJSON and figures),
# Home (/, as the office: every late unit) and the public page /public.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

STORES=both
RUNS=3
DURATION=30s
WARMUP=10s
CONNECTIONS=50
THREADS=2
PUBLISH=yes
SUMMARISE_ONLY=no
ALL_PAGES=no
while (($# > 0)); do
    case $1 in
        --store) STORES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --no-publish) PUBLISH=no; shift ;;   # reuse artifacts/saima-web from an earlier run
        --summarise) SUMMARISE_ONLY=yes; shift ;;
        --all-pages) ALL_PAGES=yes; shift ;;   # also the red/green matrix and the map's data   # only print the table of artifacts/bench-web/runs.tsv
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case $STORES in
    both) STORES="sqlite postgres" ;;
    sqlite | postgres) ;;
    *) echo "run.sh: --store is sqlite, postgres or both" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export SAIMA_ADMIN_PASSWORD=Bench-Admin-Pw-2025
OUT=$ROOT/artifacts/bench-web
WORK=$(mktemp -d /tmp/saima-bench-web.XXXXXX)
LUA=$ROOT/bench/web/saima.lua
mkdir -p "$OUT"

say() { printf '== %s\n' "$*"; }
is_root() { [[ $(id -u) -eq 0 ]]; }

need_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    if ! is_root; then
        echo "run.sh: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 2
    fi
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
need_apt wrk curl
[[ $STORES == *postgres* ]] && need_apt postgresql

free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

# ---- cleanup: the server we started, the cluster we started, the scratch folder -------------
SERVE_PID=
PG_ROOT=
PG_BIN=
pg_as_owner() {
    if is_root; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
stop_serve() {
    if [[ -n $SERVE_PID ]]; then
        kill "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
        SERVE_PID=
    fi
}
stop_postgres() {
    if [[ -n $PG_ROOT ]]; then
        pg_as_owner "$PG_BIN/pg_ctl -D $PG_ROOT/data -m fast -w stop" >/dev/null 2>&1 || true
        rm -rf "$PG_ROOT"
        PG_ROOT=
    fi
}
cleanup() {
    stop_serve
    stop_postgres
    rm -rf "$WORK"
}
trap cleanup EXIT

# summarise: the medians of runs.tsv as a Markdown table (results.md), printed.
summarise() {
    {
        echo "Machine: $MACHINE."
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'); wrk -t$THREADS -c$CONNECTIONS -d$DURATION after a $WARMUP warm-up; median of $RUNS runs (load: 1-minute load average before each run, min–max)."
        echo
        echo "| store | URL | p50 ms | p90 ms | p95 ms | p99 ms | requests/s | non-2xx | load |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
        awk -F'\t' 'NR > 1 {
                key = $1 "\t" $2
                if (!(key in seen)) { seen[key] = 1; order[++n] = key }
                c = ++count[key]
                for (f = 5; f <= 10; f++) v[key, f, c] = $f
                non2xx[key] += $12
                if (!(key in lo) || $4 < lo[key]) lo[key] = $4
                if (!(key in hi) || $4 > hi[key]) hi[key] = $4
            }
            function median(key, f,    i, j, t, a, m) {
                m = count[key]
                for (i = 1; i <= m; i++) a[i] = v[key, f, i] + 0
                for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
            }
            END {
                for (k = 1; k <= n; k++) {
                    key = order[k]; split(key, p, "\t")
                    printf "| %s | `%s` | %.1f | %.1f | %.1f | %.1f | %.0f | %d | %s–%s |\n", p[1], p[2],
                        median(key, 5), median(key, 6), median(key, 7), median(key, 8), median(key, 10), non2xx[key], lo[key], hi[key]
                }
            }' "$OUT/runs.tsv"
    } >"$OUT/results.md"
    say "results (every run in ${OUT#"$ROOT"/}/runs.tsv)"
    cat "$OUT/results.md"
}

if [[ $SUMMARISE_ONLY == yes ]]; then
    [[ -f $OUT/runs.tsv ]] || { echo "run.sh: no ${OUT#"$ROOT"/}/runs.tsv to summarise" >&2; exit 2; }
    MACHINE=$(cat "$OUT/machine.txt" 2>/dev/null || echo "not recorded")
    summarise
    exit 0
fi
rm -f "$OUT"/wrk-*.txt "$OUT"/serve-*.log "$OUT"/demo-*.log "$OUT/runs.tsv"

# ---- publish -------------------------------------------------------------------------------
PUB=$ROOT/artifacts/saima-web
if [[ $PUBLISH == no && -x $PUB/saima ]]; then
    say "reusing ${PUB#"$ROOT"/} (--no-publish)"
else
    rm -rf "$PUB"
    say "dotnet publish src/Saima.Cli -c Release (ReadyToRun) -> ${PUB#"$ROOT"/}"
fi
if [[ ! -x $PUB/saima ]] && ! dotnet publish src/Saima.Cli -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$PUB" >"$OUT/publish.log" 2>&1; then
    echo "run.sh: ReadyToRun publish failed (log: artifacts/bench-web/publish.log); plain IL instead" >&2
    rm -rf "$PUB"
    dotnet publish src/Saima.Cli -c Release -r linux-x64 --self-contained false -o "$PUB" >"$OUT/publish.log" 2>&1 ||
        { tail -n 30 "$OUT/publish.log" >&2; echo "run.sh: publish failed" >&2; exit 1; }
fi
SAIMA=$PUB/saima

MACHINE="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --version), $( (wrk --version 2>&1 || true) | head -n 1 | awk '{print $1, $2}')"
say "machine: $MACHINE"
echo "$MACHINE" >"$OUT/machine.txt"
printf 'store\turl\trun\tload1\tp50_ms\tp90_ms\tp95_ms\tp99_ms\tmax_ms\trps\trequests\tnon2xx\tsocket_errors\n' >"$OUT/runs.tsv"

start_postgres() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n $PG_BIN && -x $PG_BIN/initdb ]] || { echo "run.sh: PostgreSQL's initdb is missing" >&2; exit 2; }
    local port
    port=$(free_port 54400)
    PG_ROOT=$(mktemp -d /tmp/saima-bench-pg.XXXXXX)
    chmod 700 "$PG_ROOT"
    is_root && chown postgres:postgres "$PG_ROOT"
    pg_as_owner "$PG_BIN/initdb -D $PG_ROOT/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$PG_ROOT/initdb.log 2>&1"
    # A server as shipped (fsync on): the figures are for a real deployment's reads.
    pg_as_owner "$PG_BIN/pg_ctl -D $PG_ROOT/data -l $PG_ROOT/server.log -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p $port -k $PG_ROOT\" start >/dev/null"
    PG_CONN="Host=127.0.0.1;Port=$port;Username=postgres;Database=saima_bench"
    say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# login BASE: logs in as admin; sets COOKIE to the Cookie header value.
login() {
    local base=$1 jar=$WORK/cookies.txt token code
    rm -f "$jar"
    token=$(curl -fsS -c "$jar" -b "$jar" "$base/login" |
        grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
    [[ -n $token ]] || { echo "run.sh: no anti-forgery token on /login" >&2; exit 1; }
    code=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        --data-urlencode "UserName=admin" --data-urlencode "Password=$SAIMA_ADMIN_PASSWORD" \
        --data-urlencode "__RequestVerificationToken=$token" "$base/login")
    [[ $code == 302 ]] || { echo "run.sh: login answered $code, not 302" >&2; exit 1; }
    # Netscape cookie file: HttpOnly cookies start with #HttpOnly_; name and value are fields 6 and 7.
    COOKIE=$(awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")
    [[ $COOKIE == *saima.auth* ]] || { echo "run.sh: no saima.auth cookie after login" >&2; exit 1; }
}

# check BASE PATH: the page answers 200 to the logged-in cookie (not a redirect to /login).
check() {
    local code
    code=$(curl -sS -o "$WORK/page.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$1$2")
    [[ $code == 200 ]] || { echo "run.sh: $2 answered $code" >&2; exit 1; }
}

UNITS=(C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12)
NAMES=("/league?scheme=LC-COUNTY" "/unit/C01" "/unit/{C01..C12}")
[[ $ALL_PAGES == yes ]] && NAMES+=("/matrix?scheme=LC-COUNTY" "/map/data?scheme=LC-COUNTY" "/" "/public")

# bench STORE NAME BASE: warm-up and RUNS runs of one URL.
bench() {
    local store=$1 name=$2 base=$3 url args=() run load line file
    case $name in
        "/unit/{C01..C12}") url="$base/unit/C01"; args=(-- /unit/ "${UNITS[@]}") ;;
        *) url="$base$name" ;;
    esac
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Cookie: $COOKIE" -s "$LUA" "$url" "${args[@]}" >/dev/null
    for run in $(seq 1 "$RUNS"); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        file=$OUT/wrk-$store-$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')-$run.txt
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -H "Cookie: $COOKIE" -s "$LUA" "$url" "${args[@]}" >"$file"
        line=$(grep '^RESULT ' "$file") || { cat "$file" >&2; echo "run.sh: wrk printed no RESULT" >&2; exit 1; }
        say "$store $name run $run (load $load): ${line#RESULT }"
        # shellcheck disable=SC2001
        printf '%s\t%s\t%s\t%s\t%s\n' "$store" "$name" "$run" "$load" \
            "$(echo "${line#RESULT }" | sed 's/[a-z0-9_]*=//g' | tr ' ' '\t')" >>"$OUT/runs.tsv"
    done
}

for store in $STORES; do
    case $store in
        sqlite)
            DB=$WORK/saima.db
            store_args=(--db "$DB")
            ;;
        postgres)
            start_postgres
            store_args=(--postgres "$PG_CONN")
            ;;
    esac
    say "$store: saima demo"
    started=$(date +%s.%N)
    "$SAIMA" demo "${store_args[@]}" >"$OUT/demo-$store.log" 2>&1 || { cat "$OUT/demo-$store.log" >&2; exit 1; }
    say "$store: demo city built in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"

    port=$(free_port 5200)
    BASE=http://127.0.0.1:$port
    "$SAIMA" serve "${store_args[@]}" --urls "$BASE" >"$OUT/serve-$store.log" 2>&1 &
    SERVE_PID=$!
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
        kill -0 "$SERVE_PID" 2>/dev/null || { cat "$OUT/serve-$store.log" >&2; echo "run.sh: saima serve exited" >&2; exit 1; }
        sleep 0.5
    done
    login "$BASE"
    for name in "${NAMES[@]}"; do
        case $name in
            "/unit/{C01..C12}") for u in "${UNITS[@]}"; do check "$BASE" "/unit/$u"; done ;;
            *) check "$BASE" "$name" ;;
        esac
    done
    curl -sS -o "$WORK/league.html" -H "Cookie: $COOKIE" "$BASE${NAMES[0]}"
    grep -q 'id="league-table"' "$WORK/league.html" ||
        { echo "run.sh: the league page has no table" >&2; exit 1; }

    for name in "${NAMES[@]}"; do
        bench "$store" "$name" "$BASE"
    done
    stop_serve
    [[ $store == postgres ]] && stop_postgres
done

summarise
