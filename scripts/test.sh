#!/usr/bin/env bash
# The test command of Saima: what the README names and what CI runs (.ci/run execs this file).
#
#   bash scripts/test.sh [--project tests/Saima.Scoring.Tests] [dotnet test options...]
#
# Installs what the tests need when run as root, builds the solution once in Release, runs every
# test project (a failing project does not stop the others), reads the TRX files and ends with
# one line that CI reads:  N passed, N failed[, N skipped]
# Exit status: 0 when nothing failed; 1 when a test or a build failed; 2 when a prerequisite is
# missing and cannot be installed.
#
# Options:
#   --project PATH   run only this test project (a directory or a .csproj; repeatable)
#   anything else    passed to every `dotnet test`, e.g. --filter "FullyQualifiedName~Winsorise"
# Environment:
#   SAIMA_TEST_RESULTS   where TRX files and logs go (default: artifacts/test-results)
#   SAIMA_TEST_PG        a PostgreSQL connection string for the tests that need one; without it
#                        the script starts a private cluster (Debian's postgresql) for the run
#   SAIMA_TEST_HANG      a single test running longer than this is killed and counted as failed
#                        (default: 10m)
#   SAIMA_TEST_LANES     2 (default): the data tests run beside the other projects; 1: one after another
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=${SAIMA_TEST_RESULTS:-$ROOT/artifacts/test-results}
HANG=${SAIMA_TEST_HANG:-10m}
SOLUTION=Saima.slnx
CONFIG=Release

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_UI_LANGUAGE=en

say() { printf '== %s\n' "$*"; }
warn() { printf 'test.sh: %s\n' "$*" >&2; }

# Every way out prints the one summary line last.
summary() {
    local passed=$1 failed=$2 skipped=$3
    if ((skipped > 0)); then
        printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
    else
        printf '%d passed, %d failed\n' "$passed" "$failed"
    fi
}

# A prerequisite is missing and could not be installed: say what, count it as one failure, stop.
give_up() {
    warn "$*"
    summary 0 1 0
    exit 2
}

is_root() { [[ $(id -u) -eq 0 ]]; }

APT_UPDATED=0
apt_install() {
    if ((APT_UPDATED == 0)); then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# need_apt pkg...: installs the Debian packages that are missing when root; otherwise prints
# exactly which are missing and stops with a non-zero status.
need_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        give_up "missing Debian packages: ${missing[*]} (and no apt-get on this machine)"
    fi
    if ! is_root; then
        give_up "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}"
    fi
    say "installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}" || give_up "could not install Debian packages: ${missing[*]}"
}

# The .NET SDK is not a Debian package: it is part of the machine (/usr/share/dotnet). Find it,
# and check that it is the version global.json asks for.
need_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1; then
        local dir
        for dir in /usr/share/dotnet /usr/lib/dotnet "$HOME/.dotnet"; do
            if [[ -x $dir/dotnet ]]; then
                export PATH="$dir:$PATH" DOTNET_ROOT=$dir
                break
            fi
        done
    fi
    if ! command -v dotnet >/dev/null 2>&1 && is_root && command -v apt-get >/dev/null 2>&1 &&
        apt-cache show dotnet-sdk-10.0 >/dev/null 2>&1; then
        say "installing the .NET SDK (dotnet-sdk-10.0)"
        apt_install dotnet-sdk-10.0 || true
    fi
    command -v dotnet >/dev/null 2>&1 ||
        give_up "the .NET 10 SDK is missing: install SDK 10.0.401 or a later 10.0 feature band (global.json) into /usr/share/dotnet"
    local version
    if ! version=$(dotnet --version 2>&1); then
        give_up "the .NET SDK does not match global.json (want 10.0.401 or a later 10.0 feature band): $version"
    fi
    say "dotnet SDK $version"
}

# ---- prerequisites -------------------------------------------------------------------------
need_dotnet
# Debian packages every test run needs go here (need_apt is a no-op for what is installed).
# PostgreSQL and LibreOffice (libreoffice-calc) are asked for below, when the data tests run;
# Chromium and the CJK fonts when the browser tests run.
# ---- end of prerequisites ------------------------------------------------------------------

# A private PostgreSQL cluster for the test projects that read SAIMA_TEST_PG (a connection
# string), started once for the whole run and removed at exit. As root the server runs as the
# postgres user, as Debian's packages expect. fsync is off: the cluster is thrown away.
PG_ROOT=
PG_BIN=
pg_as_owner() {
    if is_root; then
        su postgres -s /bin/sh -c "$1"
    else
        sh -c "$1"
    fi
}
stop_postgres() {
    if [[ -n $PG_ROOT && -n $PG_BIN ]]; then
        pg_as_owner "$PG_BIN/pg_ctl -D $PG_ROOT/data -m immediate -w stop" >/dev/null 2>&1 || true
        rm -rf "$PG_ROOT"
        PG_ROOT=
    fi
}
start_postgres() {
    need_apt postgresql
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n $PG_BIN && -x $PG_BIN/initdb ]] || give_up "PostgreSQL's initdb is missing (/usr/lib/postgresql/*/bin)"
    local port=54329
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    PG_ROOT=$(mktemp -d /tmp/saima-test-pg.XXXXXX)
    chmod 700 "$PG_ROOT"
    is_root && chown postgres:postgres "$PG_ROOT"
    trap stop_postgres EXIT
    say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (private cluster in $PG_ROOT)"
    if pg_as_owner "$PG_BIN/initdb -D $PG_ROOT/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$PG_ROOT/initdb.log 2>&1" &&
        pg_as_owner "$PG_BIN/pg_ctl -D $PG_ROOT/data -l $PG_ROOT/server.log -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p $port -k $PG_ROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"; then
        export SAIMA_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=false"
    else
        # The tests then try to start their own server and fail saying why.
        warn "could not start PostgreSQL (initdb/pg_ctl failed); its logs:"
        cat "$PG_ROOT/initdb.log" "$PG_ROOT/server.log" >&2 2>/dev/null || true
        stop_postgres
    fi
}

# ---- arguments -----------------------------------------------------------------------------
only=()
passthrough=()
while (($# > 0)); do
    case $1 in
        --project)
            (($# >= 2)) || give_up "--project needs a path"
            only+=("$2")
            shift 2
            ;;
        --project=*)
            only+=("${1#--project=}")
            shift
            ;;
        *)
            passthrough+=("$1")
            shift
            ;;
    esac
done

# ---- test projects -------------------------------------------------------------------------
projects=()
if ((${#only[@]} > 0)); then
    for p in "${only[@]}"; do
        if [[ -d $p ]]; then
            p=$(find "$p" -maxdepth 1 -name '*.csproj' | head -n 1)
        fi
        [[ -n $p && -f $p ]] || give_up "no test project at '${p:-?}'"
        p=${p//\/\//\/}
        projects+=("${p#./}")
    done
else
    # Every project under tests/ that is a test project (IsTestProject or the test SDK).
    while IFS= read -r p; do
        if grep -Eq '<IsTestProject>\s*true|Microsoft\.NET\.Test\.Sdk' "$p"; then
            projects+=("${p#./}")
        fi
    done < <(find tests -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' 2>/dev/null | LC_ALL=C sort)
fi
((${#projects[@]} > 0)) || give_up "no test projects found under tests/"

# A project that reads SAIMA_TEST_PG gets the private PostgreSQL (unless one is given already).
if [[ -z ${SAIMA_TEST_PG:-} ]]; then
    for p in "${projects[@]}"; do
        # (the fixture that reads it lives in tests/Saima.Testing: look at the .csproj's references too)
        if grep -rlq --include='*.cs' 'SAIMA_TEST_PG' "$(dirname "$p")" || grep -q 'Saima.Testing.csproj' "$p"; then
            start_postgres
            break
        fi
    done
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# Real spreadsheets: LibreOffice turns the CSV intake fixtures into .xlsx and .xls on this machine,
# and the intake tests read those (SAIMA_LO_FIXTURES) rather than the copies committed beside the
# CSVs. Column types keep codes like 001 and periods like 2025-06 as text.
lo_fixtures() {
    need_apt libreoffice-calc
    local src=$ROOT/tests/Saima.Data.Tests/TestData/intake out=$RESULTS/lo-fixtures f
    mkdir -p "$out/home"
    local text='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/1,1033,false,true,false,false,false,-1'
    for f in figures_good figures_bad; do
        HOME=$out/home soffice --headless --infilter="$text" --convert-to xlsx --outdir "$out" "$src/$f.csv" >/dev/null 2>&1 &&
            HOME=$out/home soffice --headless --infilter="$text" --convert-to 'xls:MS Excel 97' --outdir "$out" "$src/$f.csv" >/dev/null 2>&1 ||
            give_up "LibreOffice could not convert $src/$f.csv"
        mv "$out/$f.xlsx" "$out/$f.lo.xlsx"
        mv "$out/$f.xls" "$out/$f.lo.xls"
    done
    # Indicator lists of a new scheme: every column text but weight, min and max.
    local indicators='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/1/8/2/9/2/10/2/11/2/12/1/13/1/14/2,1033,false,true,false,false,false,-1'
    for f in indicators_good indicators_bad; do
        HOME=$out/home soffice --headless --infilter="$indicators" --convert-to xlsx --outdir "$out" "$src/$f.csv" >/dev/null 2>&1 &&
            HOME=$out/home soffice --headless --infilter="$indicators" --convert-to 'xls:MS Excel 97' --outdir "$out" "$src/$f.csv" >/dev/null 2>&1 ||
            give_up "LibreOffice could not convert $src/$f.csv"
        mv "$out/$f.xlsx" "$out/$f.lo.xlsx"
        mv "$out/$f.xls" "$out/$f.lo.xls"
    done
    # Lists of 1,000 items (类型 … 来源说明): every column text, the deadline too.
    local lists='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/2/8/2/9/2,1033,false,true,false,false,false,-1'
    for f in lists_good lists_bad; do
        HOME=$out/home soffice --headless --infilter="$lists" --convert-to xlsx --outdir "$out" "$src/$f.csv" >/dev/null 2>&1 ||
            give_up "LibreOffice could not convert $src/$f.csv"
        mv "$out/$f.xlsx" "$out/$f.lo.xlsx"
    done
    export SAIMA_LO_FIXTURES=$out
    say "intake fixtures converted by $(HOME=$out/home soffice --version | head -n 1)"
}
for p in "${projects[@]}"; do
    if [[ $p == *Saima.Data.Tests* ]]; then
        lo_fixtures
        break
    fi
done

# The CLI's reports (saima report circular/feedback/annual): the .pdf is printed by Debian's Chromium
# with Noto CJK, the tests read it back with poppler's pdftotext and convert the .docx with
# LibreOffice Writer. The analysis commands are compared live with the Python reference
# (tests/reference/analysis_ref.py), which needs python3.
for p in "${projects[@]}"; do
    if [[ $p == *Saima.Cli.Tests* ]]; then
        need_apt chromium fonts-noto-cjk poppler-utils libreoffice-writer python3
        break
    fi
done

# Real-browser tests (tests/Saima.Browser.Tests): Debian's Chromium driven by Playwright's bundled
# driver (never `playwright install`), Noto CJK for the Chinese glyphs; screenshots of every test.
SCREENSHOTS=
for p in "${projects[@]}"; do
    if [[ $p == *Saima.Browser.Tests* ]]; then
        need_apt chromium fonts-noto-cjk
        SCREENSHOTS=$RESULTS/screenshots
        mkdir -p "$SCREENSHOTS"
        export SAIMA_SCREENSHOTS=$SCREENSHOTS SAIMA_CHROMIUM=${SAIMA_CHROMIUM:-/usr/bin/chromium}
        say "browser tests with $("$SAIMA_CHROMIUM" --version 2>/dev/null | head -n 1); screenshots in ${SCREENSHOTS#"$ROOT"/}/"
        break
    fi
done

passed=0
failed=0
skipped=0
problems=()
report=()

# ---- build once ----------------------------------------------------------------------------
build_args=(-c "$CONFIG" -nodeReuse:false)
say "dotnet build $SOLUTION -c $CONFIG"
declare -A unbuilt=()
if ! dotnet build "$SOLUTION" "${build_args[@]}" 2>&1 | tee "$RESULTS/build.log"; then
    warn "BUILD FAILED: dotnet build $SOLUTION (log: ${RESULTS#"$ROOT"/}/build.log)"
    grep -E ': error [A-Z]+[0-9]+' "$RESULTS/build.log" | sed -E 's/ \[[^]]*\]$//' | LC_ALL=C sort -u | head -n 40 >&2
    # Some test projects may still build (the failure may be elsewhere, e.g. in bench/): build
    # each on its own so that those can run; a test project that does not build counts as failed.
    any_unbuilt=0
    for p in "${projects[@]}"; do
        if ! dotnet build "$p" "${build_args[@]}" >"$RESULTS/build-$(basename "$p" .csproj).log" 2>&1; then
            unbuilt[$p]=1
            any_unbuilt=1
        fi
    done
    if ((any_unbuilt == 0)); then
        # The test projects built, so the failure is in another project of the solution.
        failed=$((failed + 1))
        problems+=("build of $SOLUTION failed outside the test projects (counted as 1 failed)")
    fi
else
    # Test projects that the solution does not list were not built above.
    for p in "${projects[@]}"; do
        if ! grep -qF "\"$p\"" "$SOLUTION"; then
            say "dotnet build $p (not in $SOLUTION)"
            if ! dotnet build "$p" "${build_args[@]}" 2>&1 | tee "$RESULTS/build-$(basename "$p" .csproj).log"; then
                unbuilt[$p]=1
            fi
        fi
    done
fi

# counter NAME FILE: the value of one attribute of the TRX <Counters> element (0 if absent).
counter() {
    local v
    v=$(grep -o '<Counters [^>]*' "$2" | head -n 1 | grep -Eo "[[:space:]]$1=\"[0-9]+\"" | grep -Eo '[0-9]+')
    printf '%s' "${v:-0}"
}

# ---- run every test project ----------------------------------------------------------------
# run_project PATH: runs one test project into $RESULTS/NAME.log and NAME.trx and writes what it
# found to $RESULTS/NAME.outcome ("counts PASSED FAILED SKIPPED", "report LINE", "problem LINE").
run_project() {
    local p=$1 name trx rc total executed p_ok p_bad p_skip culprit out
    name=$(basename "$p" .csproj)
    out="$RESULTS/$name.outcome"
    if [[ -n ${unbuilt[$p]:-} ]]; then
        printf 'counts 0 1 0\nproblem %s\nreport %s\n' "$name: BUILD FAILED, not run (counted as 1 failed)" "$name: build failed" >"$out"
        return
    fi
    trx="$name.trx"
    rm -f "$RESULTS/$trx"
    say "dotnet test $p (log: ${RESULTS#"$ROOT"/}/$name.log)"
    dotnet test "$p" --no-build -c "$CONFIG" \
        --results-directory "$RESULTS" --logger "trx;LogFileName=$trx" \
        --blame-hang --blame-hang-timeout "$HANG" --blame-hang-dump-type none \
        "${passthrough[@]}" >"$RESULTS/$name.log" 2>&1
    rc=$?
    grep -E '^(Passed|Failed)!|^\s+Failed ' "$RESULTS/$name.log" | head -n 40
    if [[ ! -f $RESULTS/$trx ]]; then
        printf 'counts 0 1 0\nproblem %s\nreport %s\n' "$name: no test results (dotnet test exited $rc; log: ${RESULTS#"$ROOT"/}/$name.log) (counted as 1 failed)" "$name: no results" >"$out"
        return
    fi
    total=$(counter total "$RESULTS/$trx")
    executed=$(counter executed "$RESULTS/$trx")
    p_ok=$(counter passed "$RESULTS/$trx")
    # error, timeout and aborted are failures too (a crashed or hung test host).
    p_bad=$(($(counter failed "$RESULTS/$trx") + $(counter error "$RESULTS/$trx") + $(counter timeout "$RESULTS/$trx") + $(counter aborted "$RESULTS/$trx")))
    p_skip=$((total - executed))
    ((p_skip < 0)) && p_skip=0
    : >"$out"
    if ((rc != 0 && p_bad == 0)); then
        # dotnet test failed without a failing test: the host crashed or the run was aborted.
        p_bad=1
        culprit=$(grep -A1 -E 'The tests? running when the crash occurred' "$RESULTS/$name.log" | tail -n 1)
        printf 'problem %s\n' "$name: the test run was aborted (test host crashed or hung${culprit:+ in $culprit}; dotnet test exited $rc; log: ${RESULTS#"$ROOT"/}/$name.log) (counted as 1 failed)" >>"$out"
    fi
    printf 'counts %d %d %d\nreport %s\n' "$p_ok" "$p_bad" "$p_skip" "$name: $p_ok passed, $p_bad failed, $p_skip skipped" >>"$out"
    say "$name: $p_ok passed, $p_bad failed, $p_skip skipped"
}

# The data tests (one long sequence of store tests on SQLite and PostgreSQL, mostly waiting on the
# databases) run in a lane of their own beside the others, which run one after another:
# SAIMA_TEST_LANES=1 runs everything in one sequence.
LANES=${SAIMA_TEST_LANES:-2}
lane_a=() lane_b=()
for p in "${projects[@]}"; do
    if ((LANES > 1)) && [[ $(basename "$p" .csproj) == Saima.Data.Tests ]]; then
        lane_a+=("$p")
    else
        lane_b+=("$p")
    fi
done
if ((${#lane_a[@]} > 0 && ${#lane_b[@]} > 0)); then
    say "running ${lane_a[*]} beside the other test projects"
    ( for p in "${lane_a[@]}"; do run_project "$p"; done ) &
    lane_pid=$!
    for p in "${lane_b[@]}"; do run_project "$p"; done
    wait "$lane_pid"
else
    for p in "${projects[@]}"; do run_project "$p"; done
fi

for p in "${projects[@]}"; do
    out="$RESULTS/$(basename "$p" .csproj).outcome"
    if [[ ! -f $out ]]; then
        failed=$((failed + 1))
        problems+=("$(basename "$p" .csproj): no outcome recorded (counted as 1 failed)")
        continue
    fi
    while IFS= read -r line; do
        case $line in
        counts\ *)
            read -r _ a b c <<<"$line"
            passed=$((passed + a)); failed=$((failed + b)); skipped=$((skipped + c)) ;;
        report\ *) report+=("${line#report }") ;;
        problem\ *) problems+=("${line#problem }") ;;
        esac
    done <"$out"
done

# Build servers would outlive the script (and keep a CI job's process group alive).
dotnet build-server shutdown >/dev/null 2>&1 || true
stop_postgres

say "results (TRX and logs in ${RESULTS#"$ROOT"/}/)"
if [[ -n $SCREENSHOTS ]]; then
    say "browser screenshots: ${SCREENSHOTS#"$ROOT"/}/ ($(find "$SCREENSHOTS" -name '*.png' 2>/dev/null | wc -l) PNG files)"
fi
for line in "${report[@]}"; do
    printf '   %s\n' "$line"
done
for line in "${problems[@]}"; do
    warn "$line"
done
summary "$passed" "$failed" "$skipped"
((failed == 0))
