#!/usr/bin/env bash
# Virtuoso 7 (Debian's virtuoso-opensource-7-bin) loaded with an N-Quads dump, for
# the side-by-side benchmark only (make bench N=… VIRTUOSO=URL).
#
#   scripts/setup-virtuoso.sh DUMP.nq [DIR] [HTTP_PORT]     (as root, or with sudo)
#   scripts/setup-virtuoso.sh --stop [DIR]
#
# DIR (or $VIRTUOSO_DIR; default /tmp/cvkg-virtuoso) holds everything of this
# server: its ini, database, logs, pid and dba password; HTTP_PORT (or
# $VIRTUOSO_PORT; default 8890) its SPARQL port, HTTP_PORT + 1 its SQL port.
# Both listen on 127.0.0.1 only. This is a private server, not the Debian service:
# only the binaries package is installed (no debconf, no system daemon).
#
# Idempotent: a server already running from DIR with this same dump (path, size,
# modification time) loaded is left as it is; a stopped one is restarted on its
# database; a different dump empties DIR's database and loads it again.
# The dump is loaded with Virtuoso's bulk loader (ld_dir + rdf_loader_run): each
# quad goes to its own named graph. Queries naming no graph see the union of all
# graphs (Virtuoso's default when [SPARQL] DefaultGraph is unset), as this
# project's endpoint and `oxigraph serve --union-default-graph` do.
# Limits: 600 s per query (MaxQueryExecutionTime; past it Virtuoso returns a
# partial "anytime" answer, the benchmark then shows ≠ rows), 1 000 000 rows.
# The last line printed is the SPARQL URL.
set -euo pipefail

usage() { echo "usage: $0 DUMP.nq [DIR] [HTTP_PORT] | $0 --stop [DIR]" >&2; exit 2; }
[ $# -ge 1 ] || usage

running() { [ -f "$DIR/virtuoso.pid" ] && kill -0 "$(cat "$DIR/virtuoso.pid")" 2>/dev/null; }
stop() {
    if running; then
        local pid
        pid=$(cat "$DIR/virtuoso.pid")
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$DIR/virtuoso.pid"
}

if [ "$1" = "--stop" ]; then
    DIR=$(readlink -m "${2:-${VIRTUOSO_DIR:-/tmp/cvkg-virtuoso}}")
    stop
    echo "Virtuoso arrêté ($DIR)."
    exit 0
fi

DUMP=$(readlink -f "$1")
[ -r "$DUMP" ] || { echo "dump illisible : $1" >&2; exit 2; }
DIR=$(readlink -m "${2:-${VIRTUOSO_DIR:-/tmp/cvkg-virtuoso}}")
HTTP_PORT=${3:-${VIRTUOSO_PORT:-8890}}
SQL_PORT=$((HTTP_PORT + 1))
URL="http://127.0.0.1:$HTTP_PORT/sparql"

if ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
        virtuoso-opensource-7-bin
fi

mkdir -p "$DIR/vsp"
chmod 700 "$DIR"
if [ ! -s "$DIR/dba-password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/dba-password")
fi
PASSWORD=$(cat "$DIR/dba-password")
STAMP="$DUMP $(stat -c '%s %Y' "$DUMP")"

sql() {  # SQL on this server as dba, stopping at the first error
    isql-vt "127.0.0.1:$SQL_PORT" dba "$PASSWORD" VERBOSE=OFF BANNER=OFF PROMPT=OFF \
        ERRORS=STDOUT "exec=$1" 2>&1
}
sql_ok() {  # true when the statement ran without error; its output in $OUT
    OUT=$(sql "$1") && ! grep -qE '^\*\*\* Error|Connect failed|Bad login' <<<"$OUT"
}

if running && [ "$(cat "$DIR/loaded" 2>/dev/null)" = "$STAMP" ]; then
    echo "Virtuoso déjà chargé avec $DUMP ($DIR)."
    echo "VIRTUOSO_DIR=$DIR make bench N=… VIRTUOSO=$URL"
    echo "$URL"
    exit 0
fi
stop
if [ "$(cat "$DIR/loaded" 2>/dev/null)" != "$STAMP" ]; then
    # Another dump, or a load that did not finish: start from an empty database.
    rm -f "$DIR"/virtuoso.db "$DIR"/virtuoso.trx "$DIR"/virtuoso.log "$DIR"/virtuoso-temp.db \
        "$DIR"/virtuoso.pxa "$DIR"/virtuoso.lck "$DIR/loaded"
fi

cat > "$DIR/virtuoso.ini" <<INI
[Database]
DatabaseFile = $DIR/virtuoso.db
TransactionFile = $DIR/virtuoso.trx
ErrorLogFile = $DIR/virtuoso.log
xa_persistent_file = $DIR/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
[TempDatabase]
DatabaseFile = $DIR/virtuoso-temp.db
TransactionFile = $DIR/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:$SQL_PORT
DisableTcpSocket = 0
ServerThreads = 20
CheckpointInterval = 0
DirsAllowed = ., $(dirname "$DUMP")
; 2 GB of buffers (Virtuoso's guide: 8 kB pages, 2/3 of the memory it may use)
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
[HTTPServer]
ServerPort = 127.0.0.1:$HTTP_PORT
ServerRoot = $DIR/vsp
ServerThreads = 20
MaxClientConnections = 40
KeepAliveTimeout = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
INI

first_start=0
[ -f "$DIR/virtuoso.db" ] || first_start=1
( cd "$DIR" && exec virtuoso-t -c "$DIR/virtuoso.ini" +foreground > "$DIR/server.out" 2>&1 ) &
echo $! > "$DIR/virtuoso.pid"
ready=0
for _ in $(seq 1 180); do
    if [ "$first_start" = 1 ]; then
        # A new database has the default dba password until it is changed here.
        isql-vt "127.0.0.1:$SQL_PORT" dba dba "exec=USER_SET_PASSWORD('dba', '$PASSWORD');" \
            >/dev/null 2>&1 || true
        if sql_ok "status('');"; then ready=1; break; fi
    elif sql_ok "status('');"; then ready=1; break
    fi
    running || break
    sleep 1
done
if [ "$ready" != 1 ]; then
    echo "Virtuoso ne répond pas sur 127.0.0.1:$SQL_PORT ; voir $DIR/server.out, $DIR/virtuoso.log" >&2
    tail -20 "$DIR/server.out" "$DIR/virtuoso.log" >&2 || true
    stop
    exit 1
fi

if [ "$(cat "$DIR/loaded" 2>/dev/null)" != "$STAMP" ]; then
    start=$(date +%s.%N)
    for step in "ld_dir('$(dirname "$DUMP")', '$(basename "$DUMP")', 'urn:cvkg:sans-graphe');" \
        "rdf_loader_run();" "checkpoint;"; do
        if ! sql_ok "$step"; then
            echo "Virtuoso : échec de « $step » : $OUT" >&2
            exit 1
        fi
    done
    end=$(date +%s.%N)
    errors=$(sql "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
    if echo "$errors" | grep -q "$(basename "$DUMP")"; then
        echo "Virtuoso a refusé le dump : $errors" >&2
        exit 1
    fi
    echo "$STAMP" > "$DIR/loaded"
    echo "$end - $start" | bc > "$DIR/load-seconds"  # read by benchmarks/engines.py
    quads=$(sql "SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } };" | grep -Eo '^[0-9]+' | head -1)
    echo "Virtuoso : $quads quads chargés en $(echo "$end - $start" | bc) s depuis $DUMP."
fi
echo "Virtuoso : $DIR, arrêt : $0 --stop $DIR"
echo "VIRTUOSO_DIR=$DIR make bench N=… VIRTUOSO=$URL"
echo "$URL"
