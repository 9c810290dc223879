# pg.sh - sourced after lib.sh by the PostgreSQL end-to-end tests: a
# throw-away PostgreSQL 15 cluster under $T (initdb/pg_ctl from Debian,
# run as the postgres user when we are root) on a free loopback port
# with pg_stat_statements preloaded and created, a small workload
# database, and a config file for the console in $T/pg.yaml. The server
# is stopped on exit; its command line holds $T (-D), so lib.sh's
# cleanup catches anything left.
#
# pg_setup [--no-preload] [--no-extension] [--max N]: --no-preload leaves
# shared_preload_libraries unset (pg_preload adds it back, for the next
# pg_start); --no-extension skips CREATE EXTENSION pg_stat_statements;
# --max sets pg_stat_statements.max.
#
# pg_distinct N [SLEEP] [SESSIONS]: run N statements that
# pg_stat_statements counts apart (each its own queryid), each sleeping
# SLEEP seconds (default 0), over SESSIONS parallel sessions (default 4).
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDATA_DIR="$T/pgdata"
PGRUN="$T/pgrun"

pg_as() { # run a command as the cluster's owner
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pg_stop() {
	[ -f "$PGDATA_DIR/postmaster.pid" ] && pg_as "$PGBIN/pg_ctl" -D "$PGDATA_DIR" stop -m immediate >/dev/null 2>&1
	return 0
}

pg_start() {
	pg_as "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGRUN/log" -w -t 30 start >/dev/null ||
		{ cat "$PGRUN/log"; fail "postgres did not start"; }
}

# psql against the test database; extra args are passed on.
pq() { psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d amtest -v ON_ERROR_STOP=1 "$@"; }

# Add pg_stat_statements to shared_preload_libraries (after
# pg_setup --no-preload); it takes effect at the next pg_start.
pg_preload() {
	echo "shared_preload_libraries = 'pg_stat_statements'" >>"$PGDATA_DIR/postgresql.conf"
}

pg_setup() {
	preload=1 extension=1 pgss_max=
	while [ $# -gt 0 ]; do
		case $1 in
		--no-preload) preload=0 ;;
		--no-extension) extension=0 ;;
		--max)
			pgss_max=$2
			shift
			;;
		*) fail "pg_setup: unknown option $1" ;;
		esac
		shift
	done
	chmod 755 "$T"
	mkdir -p "$PGDATA_DIR" "$PGRUN"
	[ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR" "$PGRUN"
	PGPORT=$(free_port)
	pg_as "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust >"$T/initdb.log" 2>&1 ||
		{ cat "$T/initdb.log"; fail "initdb failed"; }
	cat >>"$PGDATA_DIR/postgresql.conf" <<CONF
port = $PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PGRUN'
fsync = off
max_connections = 20
CONF
	[ "$preload" = 1 ] && pg_preload
	[ -n "$pgss_max" ] && echo "pg_stat_statements.max = $pgss_max" >>"$PGDATA_DIR/postgresql.conf"
	# cleanup exits with the status it finds: keep the test's, not pg_stop's.
	trap 'pg_rc=$?; pg_stop; (exit "$pg_rc"); cleanup' EXIT INT TERM HUP
	pg_start
	psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c "CREATE DATABASE amtest" ||
		fail "create database"
	if [ "$extension" = 1 ]; then
		pq -c "CREATE EXTENSION pg_stat_statements" >/dev/null || fail "create extension"
	fi
	pq -c "CREATE TABLE t (id int PRIMARY KEY, v int)" \
		-c "INSERT INTO t SELECT g, 0 FROM generate_series(1, 1000) g" \
		-c "CREATE INDEX t_v_unused ON t (v)" >/dev/null || fail "workload schema"
	cat >"$T/pg.yaml" <<YAML
postgres:
  conninfo: "host=127.0.0.1 port=$PGPORT dbname=amtest user=postgres"
YAML
	export PGPORT
}

pg_distinct() {
	python3 - "$1" "${2:-0}" "${3:-4}" "$T/distinct" <<'PY' || fail "pg_distinct: generate"
import sys
n, sleep, sessions, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
# Different shapes, not different constants (those are normalised away):
# a SELECT list of a items and an IN list of b items.
files = [open("%s.%d.sql" % (out, i), "w") for i in range(sessions)]
for k in range(n):
    a, b = k % 40, k // 40 + 1
    sql = "SELECT pg_sleep(%s)%s WHERE 1 IN (%s);\n" % (
        sleep, ", 1" * a, ",".join(["1"] * b))
    files[k % sessions].write(sql)
for f in files:
    f.close()
PY
	i=0
	while [ "$i" -lt "${3:-4}" ]; do
		pq -f "$T/distinct.$i.sql" >/dev/null &
		i=$((i + 1))
	done
	wait || fail "pg_distinct: psql"
}
