# t_init_config.sh - `amconsole --init-config` writes a commented starter
# $XDG_CONFIG_HOME/amconsole/config.yaml from the environment: each of
# KUBECONFIG (and its current context), the PG* variables, REDIS_URL,
# KAFKA_BOOTSTRAP_SERVERS, ALERTMANAGER_URL and PROMETHEUS_URL set, then
# unset; the file loads (--print-config with the environment emptied gives
# back what the environment said), is mode 0600, holds no password in
# clear (placeholders instead), and is never overwritten.
. tests/e2e/lib.sh

# The console with only the variables given: init NAME=VALUE... writes
# $XDG_CONFIG_HOME/amconsole/config.yaml afresh.
CFG="$XDG_CONFIG_HOME/amconsole/config.yaml"
run_clean() {
	env -i PATH="$PATH" HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$@"
}
init() {
	rm -rf "$XDG_CONFIG_HOME/amconsole"
	run_clean "$@" "$AMCONSOLE" --init-config >"$T/init.out" 2>>"$T/stderr" ||
		fail "--init-config with $*: exit $? $(cat "$T/init.out" "$T/stderr")"
	[ -f "$CFG" ] || fail "--init-config did not write $CFG"
}
# What the written file alone gives: --print-config with no variable set.
effective() { run_clean "$AMCONSOLE" --print-config 2>>"$T/stderr"; }
has() { grep -qF -- "$1" "$CFG" || fail "config.yaml lacks '$1':
$(cat "$CFG")"; }
eff_has() {
	effective >"$T/eff" || fail "--print-config on the written file failed: $(cat "$T/stderr")"
	grep -qF -- "$1" "$T/eff" || fail "the written file does not give '$1':
$(cat "$T/eff")
--- config.yaml:
$(cat "$CFG")"
}
# No secret anywhere: the file, what was printed.
no_secret() {
	for f in "$CFG" "$T/init.out" "$T/stderr"; do
		grep -qF -- "$1" "$f" && fail "the secret '$1' is in $f: $(cat "$f")"
	done
	return 0
}

# Nothing set: every section a commented example saying what was unset.
init
grep -q "^wrote $CFG" "$T/init.out" || fail "no 'wrote PATH' line: $(cat "$T/init.out")"
[ "$(stat -c %a "$CFG")" = 600 ] || fail "mode $(stat -c %a "$CFG"), not 600"
[ "$(stat -c %a "$XDG_CONFIG_HOME/amconsole")" = 700 ] || fail "folder not 700"
for v in "KUBECONFIG was not set" "No PG\* variable was set" "REDIS_URL was not set" \
	"KAFKA_BOOTSTRAP_SERVERS was not set" "ALERTMANAGER_URL was not set" \
	"PROMETHEUS_URL was not set"; do
	grep -q "# .*$v" "$CFG" || fail "no comment '$v': $(cat "$CFG")"
done
grep -Eq '^ *(kubeconfig|context|conninfo|url|urls|bootstrap|- name):' "$CFG" &&
	fail "a source is configured with nothing set: $(cat "$CFG")"
eff_has "kubeconfig: null"
eff_has "conninfo: null"
eff_has "bootstrap: null"
eff_has "url: null"
ok "nothing set: a 0600 file in a 0700 folder, every source a commented example"

# KUBECONFIG with a current context (not the first one listed).
cat >"$T/kubeconfig" <<'KC'
apiVersion: v1
kind: Config
current-context: staging-eu
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u1
  user: {token: kube-T0ken-Zz}
contexts:
- name: prod-eu
  context: {cluster: c1, user: u1}
- name: staging-eu
  context: {cluster: c1, user: u1, namespace: fleet}
KC
init KUBECONFIG="$T/kubeconfig"
has "# From KUBECONFIG."
eff_has "kubeconfig: $T/kubeconfig"
eff_has "context: staging-eu"
no_secret "kube-T0ken-Zz"
ok "KUBECONFIG: its path and current context (staging-eu), no token"
# ~/.kube/config when KUBECONFIG is unset.
mkdir -p "$HOME/.kube"
cp "$T/kubeconfig" "$HOME/.kube/config"
init
has "KUBECONFIG was not set."
eff_has "kubeconfig: $HOME/.kube/config"
eff_has "context: staging-eu"
rm -rf "$HOME/.kube"
ok "KUBECONFIG unset, ~/.kube/config there: that file and its context"

# The PG* variables; PGPASSWORD never copied, a passfile instead.
init PGHOST=db.internal PGPORT=6543 PGDATABASE="fleet db" PGUSER=ops PGSSLMODE=require \
	PGPASSWORD='Pg-S3cret!'
eff_has "conninfo: \"host=db.internal port=6543 dbname='fleet db' user=ops sslmode=require passfile=$HOME/.pgpass\""
has "PGPASSWORD is set but not copied"
no_secret "Pg-S3cret!"
init PGHOST=db.internal
eff_has 'conninfo: "host=db.internal"'
grep -q passfile "$CFG" && fail "passfile without PGPASSWORD: $(cat "$CFG")"
ok "PG*: host, port, dbname (quoted), user, sslmode in conninfo; PGPASSWORD as a passfile"

# REDIS_URL with a password: the URL without it and a password_file.
init REDIS_URL='redis://app:R3dis-Pw@10.1.2.3:6380/2'
eff_has 'url: "redis://app@10.1.2.3:6380/2"'
eff_has "password_file: $XDG_CONFIG_HOME/amconsole/redis-password"
no_secret "R3dis-Pw"
init REDIS_URL='redis://10.1.2.3:6379/0'
eff_has 'url: "redis://10.1.2.3:6379/0"'
grep -q "^ *password_file:" "$CFG" && fail "a password_file for a URL without password: $(cat "$CFG")"
ok "REDIS_URL: the URL without its password, a password_file placeholder"

init KAFKA_BOOTSTRAP_SERVERS='k0:9092,k1:9092'
eff_has 'bootstrap: "k0:9092,k1:9092"'
ok "KAFKA_BOOTSTRAP_SERVERS: bootstrap"

init ALERTMANAGER_URL='http://am-0:9093, https://watch:Am-Pw@am-1:9093'
eff_has '- "http://am-0:9093"'
eff_has '- "https://watch@am-1:9093"'
has "ALERTMANAGER_URL held a password, not copied here."
no_secret "Am-Pw"
ok "ALERTMANAGER_URL: both URLs, the password dropped"

init PROMETHEUS_URL='http://prom:9090'
eff_has 'url: "http://prom:9090"'
ok "PROMETHEUS_URL: url"

# Refuses to overwrite, leaves the file as it was.
echo "# mine" >>"$CFG"
cp "$CFG" "$T/before"
run_clean PROMETHEUS_URL=http://other:1 "$AMCONSOLE" --init-config >"$T/init.out" 2>"$T/init.err"
rc=$?
[ $rc -eq 1 ] || fail "a second --init-config exited $rc, not 1"
grep -q "already exists; not overwritten" "$T/init.err" || fail "refusal says: $(cat "$T/init.err")"
cmp -s "$CFG" "$T/before" || fail "the existing file was changed"
ok "an existing file is refused (exit 1) and left as it was"

# --config FILE names where to write; its folders are made.
run_clean "$AMCONSOLE" --init-config --config "$T/elsewhere/a/amconsole.yaml" >"$T/init.out" 2>&1 ||
	fail "--init-config --config: $(cat "$T/init.out")"
[ -f "$T/elsewhere/a/amconsole.yaml" ] || fail "--config FILE not written"
ok "--init-config --config FILE writes FILE"

# Usage errors write nothing.
rm -rf "$XDG_CONFIG_HOME/amconsole"
run_clean "$AMCONSOLE" --init-config stray.yaml >"$T/init.out" 2>&1
[ $? -eq 2 ] || fail "--init-config with an operand did not exit 2: $(cat "$T/init.out")"
grep -q "unexpected argument 'stray.yaml'" "$T/init.out" || fail "says: $(cat "$T/init.out")"
run_clean "$AMCONSOLE" --init-config --print-config >"$T/init.out" 2>&1
[ $? -eq 2 ] || fail "--init-config --print-config did not exit 2: $(cat "$T/init.out")"
grep -q "cannot be combined" "$T/init.out" || fail "says: $(cat "$T/init.out")"
[ -e "$CFG" ] && fail "a usage error wrote $CFG"
ok "--init-config with an operand or another mode: exit 2, nothing written"
