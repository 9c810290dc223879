#!/bin/sh
# t_record.sh - a session recorded against a real redis-server
# (--record FILE) replays with the server stopped (--replay FILE): the
# same Cache panel rows, the findings computed again from the replayed
# data, the view as it was (the focus moves when it moved); space, Left,
# Right, +, g and G drive the time line at the top; a recording cut short
# or damaged in the middle replays up to the damage and says where; a file
# that is no recording is refused.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
redis_start
# At maxmemory (2 MB here): the memory finding.
redis_fill fleet: 2500 1000
cat >"$T/r.yaml" <<CONF
redis:
  instances:
    - {name: fleet-cache, url: "redis://127.0.0.1:$RPORT/0"}
CONF
cat >"$T/runbooks/zz.md" <<'MD'
# Zz

## Zz drill

```bash
# Zz step
echo cast-step-output
```
MD
REC="$T/session.rec"
CAST="$T/session.cast"
am_start 160 45 --config "$T/r.yaml" --runbooks "$T/runbooks" --refresh 1s --record "$REC" \
	--asciicast "$CAST"
wait_for " recording " 10
focus cache
wait_re "db0=[0-9]+ keys" 15
keys=$(screen | grep -oE "db0=[0-9]+ keys" | head -1)
wait_re "triage: [0-9]+ warning" 15
triage=$(screen | grep -oE "triage: [0-9 a-z]+warning" | head -1)
keys '!'
wait_for "Incident severity"
keys 1
wait_for "P1 High"
focus "note drill started"
sleep 3
run_zz_drill
focus sources
sleep 2
am_quit
[ "$(head -c 26 "$REC")" = '{"amconsole-recording":1,"' ] || fail "no header: $(head -c 80 "$REC")"
grep -q '"kind":"snap","key":"snap:redis:redis fleet-cache"' "$REC" || fail "no Redis snapshot recorded"
grep -q '"kind":"state".*"focus":"sources"' "$REC" || fail "the view is not recorded"
ok "--record wrote the header, the Redis snapshots and the view ($(wc -l <"$REC") lines)"

# The asciicast: asciinema (Debian's) plays it back; the step is marked.
command -v asciinema >/dev/null || fail "no asciinema (tests/deps.sh installs it)"
head -1 "$CAST" | grep -q '"version": 2, "width": 160, "height": 45' || fail "cast header: $(head -1 "$CAST")"
grep -q '"m", "step: Zz step"' "$CAST" || fail "no marker for the step in the cast"
script -qec "asciinema cat '$CAST'" /dev/null </dev/null >"$T/cast.out" 2>&1 || fail "asciinema cat: $(tail -5 "$T/cast.out")"
grep -q "cast-step-output" "$T/cast.out" || fail "the step's output is not in the cast"
ok "--asciicast: asciinema cat plays it, with the step's output and a marker at the step"

redis_kill
am_start 160 45 --runbooks "$T/runbooks" --replay "$REC"
wait_for "replay " 10
wait_for "READ-ONLY" 5
# (Redis evicts as it fills: each recorded snapshot may count other keys;
# what the replay shows must be one of them)
wait_re "db0=[0-9]+ keys" 15
shown=$(screen | grep -oE "db0=[0-9]+ keys" | head -1 | sed "s/db0=\([0-9]*\) keys/\1/")
grep -q "\"dbs\":\[{\"db\":0,\"keys\":$shown," "$REC" || fail "db0=$shown keys is in no recorded snapshot"
wait_for "$triage" 10
ok "replayed with the server stopped: the Cache panel shows a recorded db0=$shown keys (recording: $keys), the top line $triage"
wait_for "MemKeys" 5 # (the Cache panel's key bar: it has the focus)
wait_gone "MemKeys" 15
wait_re "replay .* paused .*\[=+\]" 45
ok "the view moves as it moved (to Sources); at the end the replay pauses"
keys g
wait_re "replay .* 0s / " 5
keys '+'
wait_for "x2" 5
keys Right
wait_re "replay .* paused " 5
keys ' '
wait_re "replay .* playing x2" 5
keys G
wait_re "replay .* paused .*\[=+\]" 5
ok "g, +, Right, space and G move the time line"
focus timeline
wait_for "Incident timeline" 5
wait_re "note +[a-z]+ +drill started" 5
wait_re "step +[a-z]+ +Zz step" 5
keys Escape
ok ":timeline in the replay lists the recorded incident's events (the note, the step)"
keys Enter
am_quit

# Cut short in the middle of a line, and a damaged line in the middle.
n=$(wc -l <"$REC")
head -n $((n / 2)) "$REC" >"$T/cut.rec"
printf '{"t":99,"kind":"sn' >>"$T/cut.rec"
am_start 160 45 --runbooks "$T/runbooks" --replay "$T/cut.rec"
wait_for "damaged: stops early" 10
wait_re "line $((n / 2 + 1)) is cut short: the replay stops at [0-9]+ s" 5
ok "a recording cut short replays up to the cut and says where it stops"
am_quit
{ head -n 3 "$REC"; echo 'garbage {{{'; tail -n +4 "$REC"; } >"$T/bad.rec"
am_start 160 45 --runbooks "$T/runbooks" --replay "$T/bad.rec"
wait_re "line 4 is damaged: the replay stops at" 10
ok "a damaged line stops the replay there, and it says so"
am_quit
# A recording 0.47 s long: at its end the time line's bar is full (20 *
# 0.47 / 0.47 is a hair under 20 in floating point; the bar showed 19
# of 20 there, at about one length in forty).
{ head -n 1 "$REC"; sed -n '2,6p' "$REC" | sed 's/^{"t":[0-9.]*,/{"t":0.000,/'; sed -n 7p "$REC" | sed 's/^{"t":[0-9.]*,/{"t":0.470,/'; } >"$T/short.rec"
am_start 160 45 --runbooks "$T/runbooks" --replay "$T/short.rec"
wait_re "replay .* paused x1 \[=+\] 0s / 0s" 10
ok "a replay 0.47 s long ends with its bar full"
am_quit
echo "not a recording" >"$T/junk.rec"
"$AMCONSOLE" --replay "$T/junk.rec" >"$T/junk.out" 2>&1 && fail "a junk file was replayed"
grep -q "not an amconsole recording" "$T/junk.out" || fail "junk: $(cat "$T/junk.out")"
ok "a file that is no recording is refused: $(cat "$T/junk.out")"
