# wait.sh - waiting without hand-written loops, for the end-to-end tests
# (through lib.sh) and the server helpers they share with the bench
# (tests/bench/console.sh sources this before pg.sh, redis.sh, ...).
# wait_until calls the sourcing script's fail.

# until SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds (0),
# or return 1 once SECONDS have passed. wait_until SECONDS WHY COMMAND...
# does the same and fails the test with WHY on time-out.
until_ok() {
	_u_n=$(($1 * 10))
	shift
	while [ "$_u_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_u_n=$((_u_n - 1))
	done
	return 1
}
wait_until() {
	_u_why=$2
	_u_s=$1
	shift 2
	until_ok "$_u_s" "$@" || fail "$_u_why"
}

# exited PID: the process is gone.
exited() { ! kill -0 "$1" 2>/dev/null; }
