# t_redis_instance.sh - with several Redis instances configured, a native
# `redis` step asks which one to run on from a pick list (the first
# selected), picks nothing for a name that matches none, and runs on the
# chosen one; the dialog, audit line and
# transcript say where it ran; the Cache panel lists the instance that is
# down first.
. tests/e2e/lib.sh
. tests/e2e/redis.sh
redis_start
rcli SET fleet:1 a >/dev/null
rcli SET fleet:2 b >/dev/null
rcli SET fleet:3 c >/dev/null
rcli -n 3 SET other:1 x >/dev/null
rcli -n 3 SET other:2 y >/dev/null
cp tests/fixtures/redis/steps.md "$T/runbooks/"
cat >"$T/config.yaml" <<YAML
redis:
  instances:
    - {name: main, url: "redis://127.0.0.1:$RPORT/0"}
    - {name: other, url: "redis://127.0.0.1:$RPORT/3"}
    - {name: gone, url: "redis://127.0.0.1:1/0"}
YAML
am_start 140 40 --config "$T/config.yaml" --runbooks "$T/runbooks"
wait_for "Procedures"
keys Enter
wait_for "Count the keys"
keys j
keys Enter
wait_for "run on which instance (main, other, gone)"
keys C-u
type_text "nosuch"
keys Enter
wait_for "nothing matches"
keys C-u
type_text "other"
keys Enter
wait_for "(integer) 2" 20
ok "the step runs on the instance the operator names (db 3 has 2 keys)"
keys Enter
wait_for "run on which instance"
keys Enter
wait_for "(integer) 3" 20
ok "the first instance is offered by default (db 0 has 3 keys)"
python3 - "$AUDIT" <<'PY' || fail "audit lacks the instance"
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if '"event":"run"' in l]
assert any('(on other)' in r.get('command', '') for r in runs), runs
PY
ok "the audit line says which instance the step ran on"
# The Cache panel lists the instance in trouble (down) first, though it
# is configured last.
focus cache
wait_for "gone" 10
first=$(screen | grep -E "^│[> ] (main|other|gone) " | head -1)
echo "$first" | grep -q "^│[> ] gone " || fail "the down instance is not first: $first"
ok "the Cache panel lists the down instance first"
# Its threads carry names an operator can read in top -H: the Redis
# pollers (one an instance), the main thread the program's.
names=$(cat /proc/"$(am_pid)"/task/*/comm | sort | uniq -c | tr -s ' ' | tr '\n' ';')
echo "$names" | grep -qE '(^|;) ?[3-9] am:redis;' || fail "no am:redis thread for each of the 3 instances: $names"
echo "$names" | grep -qE '(^|;) ?1 amconsole;' || fail "the main thread is not the only one named amconsole: $names"
ok "threads are named: $names"
keys q
wait_dead
