#!/bin/sh
# t_warroom_link.sh - the war room's link (backends/warroom.h) on a real
# redis-server and a real PostgreSQL, driven through tests/warroom_probe:
# a presenter's message reaches a follower and a follower's note the
# presenter; a late follower catches up from what the engine stored; a
# follower with another secret takes nothing; a forged message put on
# the engine by hand (redis-cli PUBLISH, psql INSERT + pg_notify: no seal,
# a wrong seal with escape sequences, over the size cap) is refused and
# counted, never handed on; a flood is capped at 400 messages a second; the engine stopped: the follower says it is
# not connected and why; started again: it reconnects by itself and the
# next message arrives.
. tests/e2e/lib.sh
PROBE=${PROBE:-$(dirname "$AMCONSOLE")/tests/warroom_probe}
[ -x "$PROBE" ] || fail "no $PROBE (make builds it before the tests)"
RMAXMEM=64mb
. tests/e2e/redis.sh
. tests/e2e/pg.sh
redis_start
pg_setup --no-preload --no-extension
ROOM=bridge-7
printf '%s\n' "0123456789abcdef-room-secret" >"$T/secret"
printf '%s\n' "another-secret-of-another-room" >"$T/wrong"
chmod 600 "$T/secret" "$T/wrong"

# probe NAME FD ROLE ENGINE URL SECRET USER: a probe in the background,
# its commands through fd FD, its output in $T/NAME.out.
probe() {
	_n=$1 _fd=$2
	shift 2
	rm -f "$T/$_n.in"
	mkfifo "$T/$_n.in"
	"$PROBE" "$1" "$2" "$3" "$ROOM" "$4" "$5" "$T" <"$T/$_n.in" >"$T/$_n.out" 2>"$T/$_n.err" &
	eval "exec $_fd>\"\$T/\$_n.in\""
}
# say FD LINE: a command to the probe on fd FD.
say() { printf '%s\n' "$2" >&"$1"; }
# status_is NAME FD EXTENDED-REGEX: its status line now matches.
status_is() {
	say "$2" status
	sleep 0.2
	grep '^status' "$T/$1.out" | tail -1 | grep -qE -- "$3"
}
wait_status() { wait_until 20 "$1: status not /$3/: $(grep '^status' "$T/$1.out" | tail -1) $(cat "$T/$1.err")" status_is "$@"; }
got() { grep -qF -- "$2" "$T/$1.out"; }
wait_got() { wait_until 10 "$1 did not receive: $2 (got: $(grep '^recv' "$T/$1.out" | tail -3))" got "$1" "$2"; }

# check ENGINE URL: every check on one engine.
check() {
	eng=$1 url=$2
	probe p_$eng 4 present "$eng" "$url" "$T/secret" alice
	probe f_$eng 5 follow "$eng" "$url" "$T/secret" bob
	wait_status p_$eng 4 "connected=1"
	wait_status f_$eng 5 "connected=1"
	say 4 'send state state {"focus":"pods","zoom":true}'
	wait_got f_$eng 'recv alice state state {"focus":"pods","zoom":true}'
	ok "$eng: the presenter's state reaches the follower"
	say 5 'send note note:1 {"text":"checked the pods"}'
	wait_got p_$eng 'recv bob note note:1 {"text":"checked the pods"}'
	ok "$eng: the follower's note reaches the presenter"

	probe late_$eng 6 follow "$eng" "$url" "$T/secret" carol
	wait_got late_$eng 'recv alice state state {"focus":"pods","zoom":true}'
	ok "$eng: a late follower catches up from what the engine stored"

	probe wrong_$eng 7 follow "$eng" "$url" "$T/wrong" mallory
	wait_status wrong_$eng 7 "connected=1"
	say 4 'send snap snap:pods {"rows":3}'
	wait_got f_$eng 'recv alice snap snap:pods {"rows":3}'
	wait_status wrong_$eng 7 "forged=[1-9]"
	got wrong_$eng "recv" && fail "$eng: a follower with another secret took a message"
	ok "$eng: a follower with another secret takes nothing, and counts what it refused"

	# Forged by hand on the engine: no seal; a wrong seal with escape
	# sequences in its text; over the size cap.
	json='{"v":1,"room":"'$ROOM'","seq":99999999999999,"t":1,"from":"alice","kind":"state","key":"state","body":{"focus":"\u001b]52;c;evil\u0007"}}'
	python3 -c 'import sys; sys.stdout.write("x" * 5000000)' >"$T/huge"
	case $eng in
	redis)
		chan="amconsole:warroom:$ROOM:down"
		rcli PUBLISH "$chan" "$json" >/dev/null
		rcli PUBLISH "$chan" "AMWR1 $(printf '0%.0s' $(seq 64)) $json" >/dev/null
		rcli -x PUBLISH "$chan" <"$T/huge" >/dev/null
		;;
	postgres)
		# (psql interpolates :'var' on its standard input, not in -c)
		for m in "$json" "AMWR1 $(printf '0%.0s' $(seq 64)) $json"; do
			echo "INSERT INTO amconsole_warroom (room, dir, msg) VALUES (:'r', 'down', :'m')" |
				pq -v m="$m" -v r="$ROOM" || fail "insert"
		done
		echo "INSERT INTO amconsole_warroom (room, dir, msg) VALUES (:'r', 'down', pg_read_file(:'f'));
			SELECT pg_notify('amconsole_warroom', :'r' || ':down')" |
			pq -v r="$ROOM" -v f="$T/huge" >/dev/null || fail "insert huge"
		;;
	esac
	wait_status f_$eng 5 "forged=2 oversize=1"
	got f_$eng "evil" && fail "$eng: a forged message was handed on"
	say 4 'send state state {"focus":"alerts"}'
	wait_got f_$eng 'recv alice state state {"focus":"alerts"}'
	ok "$eng: forged messages (no seal, a wrong seal, 5 MB) are refused and counted; the real ones still come"

	say 4 "big snap snap:big 5000000"
	wait_got p_$eng "refused over the size cap"
	ok "$eng: the presenter refuses to send over the size cap"

	# A flood of sealed messages, 2,000 keys in a third of a second:
	# the follower takes at most 400 a second and counts the rest.
	say 4 "flood state f 2000"
	wait_status f_$eng 5 "dropped=[1-9]"
	sleep 1.2 # (the cap counts by the second)
	say 4 'send state state {"focus":"after-flood"}'
	wait_got f_$eng 'recv alice state state {"focus":"after-flood"}'
	ok "$eng: a flood is capped (the rest dropped and counted), and the link goes on"

	case $eng in
	redis) redis_kill ;;
	postgres) pg_stop ;;
	esac
	wait_status f_$eng 5 "connected=0 .*error=[a-z]"
	ok "$eng: the engine stopped: the follower says so ($(grep '^status' "$T/f_$eng.out" | tail -1 | sed 's/.*error=//'))"
	case $eng in
	redis) redis_start ;;
	postgres) pg_start ;;
	esac
	wait_status f_$eng 5 "connected=1"
	wait_status p_$eng 4 "connected=1"
	say 4 'send state state {"focus":"lag"}'
	wait_got f_$eng 'recv alice state state {"focus":"lag"}'
	ok "$eng: started again: both reconnect by themselves and messages flow"
	for fd in 4 5 6 7; do
		say $fd quit
		eval "exec $fd>&-"
	done
	wait
}

check redis "redis://127.0.0.1:$RPORT/0"
check postgres "host=127.0.0.1 port=$PGPORT dbname=amtest user=postgres"
