# pg.sh - sourced after lib.sh by the PostgreSQL end-to-end tests: a
# throw-away PostgreSQL 15 cluster under $T (initdb/pg_ctl from Debian,
# run as the postgres user when we are root) on a free loopback port
# with pg_stat_statements preloaded and created, a small workload
# database, and a config file for the console in $T/pg.yaml. The server
# is stopped on exit; its command line holds $T (-D), so lib.sh's
# cleanup catches anything left.
#
# pg_setup [--no-preload] [--no-extension]: --no-preload leaves
# shared_preload_libraries unset (pg_preload adds it back, for the next
# pg_start); --no-extension skips CREATE EXTENSION pg_stat_statements.
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
	preload=1 extension=1
	for o in "$@"; do
		case $o in
		--no-preload) preload=0 ;;
		--no-extension) extension=0 ;;
		*) fail "pg_setup: unknown option $o" ;;
		esac
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
	trap 'pg_stop; cleanup' EXIT INT TERM HUP
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
