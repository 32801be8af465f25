#!/usr/bin/env bash
# Virtuoso 7 (Debian's virtuoso-opensource) loaded with an N-Quads dump, for the
# side-by-side benchmark only (benchmarks/bench_endpoint.py --virtuoso URL).
#
#   bash scripts/setup-virtuoso.sh /tmp/cvkg-bench/synthetic-synthese-2000.nq [HTTP_PORT]
#
# Installs the Debian package if missing, starts a private server (its own
# database directory under $VIRTUOSO_DIR, default /tmp/cvkg-virtuoso, loopback
# ports only, not the system service), bulk-loads the dump with Virtuoso's
# loader (ld_dir + rdf_loader_run: each quad keeps its named graph), and prints
# the SPARQL URL to give to the benchmark. Virtuoso queries the union of all
# graphs when a query names none, as this project's endpoint does.
# Stop it with: kill "$(cat "$VIRTUOSO_DIR/virtuoso.pid")"
set -euo pipefail

DUMP=$(readlink -f "${1:?usage: setup-virtuoso.sh DUMP.nq [HTTP_PORT]}")
HTTP_PORT=${2:-8890}
SQL_PORT=$((HTTP_PORT + 1))
DIR=${VIRTUOSO_DIR:-/tmp/cvkg-virtuoso}

if ! command -v virtuoso-t >/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # The package asks for the dba password through debconf: the default is kept
    # (the server below listens on loopback only).
    $SUDO apt-get install -y --no-install-recommends virtuoso-opensource
fi
ISQL=$(command -v isql-vt || command -v isql)

mkdir -p "$DIR"
rm -f "$DIR"/virtuoso.db "$DIR"/virtuoso.trx "$DIR"/virtuoso.log
cat > "$DIR/virtuoso.ini" <<INI
[Database]
DatabaseFile = $DIR/virtuoso.db
TransactionFile = $DIR/virtuoso.trx
ErrorLogFile = $DIR/virtuoso.log
xa_persistent_file = $DIR/virtuoso.pxa
[Parameters]
ServerPort = 127.0.0.1:$SQL_PORT
DirsAllowed = ., $(dirname "$DUMP"), /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
[HTTPServer]
ServerPort = 127.0.0.1:$HTTP_PORT
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
INI

( cd "$DIR" && virtuoso-t -c "$DIR/virtuoso.ini" +foreground > "$DIR/server.out" 2>&1 & echo $! > "$DIR/virtuoso.pid" )
for _ in $(seq 1 120); do
    if "$ISQL" "$SQL_PORT" dba dba exec="status();" >/dev/null 2>&1; then break; fi
    sleep 1
done

start=$(date +%s.%N)
"$ISQL" "$SQL_PORT" dba dba <<SQL
ld_dir('$(dirname "$DUMP")', '$(basename "$DUMP")', 'urn:cvkg:default');
rdf_loader_run();
checkpoint;
SQL
end=$(date +%s.%N)
echo "Virtuoso : chargé en $(echo "$end - $start" | bc) s"
echo "SPARQL : http://127.0.0.1:$HTTP_PORT/sparql"
echo "make bench N=… VIRTUOSO=http://127.0.0.1:$HTTP_PORT/sparql"
