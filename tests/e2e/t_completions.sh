# t_completions.sh - the shell completions of completions/: bash's
# completion function, run by bash with bash-completion loaded as an
# interactive shell would, completes the options --help lists (not the
# hidden ones), theme names (built-in and the user's NAME.yaml),
# --context from the kubeconfig's contexts (KUBECONFIG, or the
# kubernetes.kubeconfig of a --config on the line), and *.md files and
# folders after --lint. zsh: the same, typed with Tab into an
# interactive zsh in tmux.
. tests/e2e/lib.sh
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || fail "$BC missing (tests/deps.sh installs bash-completion)"
command -v zsh >/dev/null 2>&1 || fail "zsh missing (tests/deps.sh installs it)"
mkdir -p "$T/bin"
ln -s "$AMCONSOLE" "$T/bin/amconsole"

# comp WORD... : the candidates bash offers for the last word (the word
# being completed, "" for a new one) of "amconsole WORD...", sorted.
comp() {
	env PATH="$T/bin:$PATH" bash --norc --noprofile -c '
		. "$1"
		. "$2"
		shift 2
		COMP_WORDS=(amconsole "$@")
		COMP_CWORD=$#
		COMP_LINE="${COMP_WORDS[*]}"
		COMP_POINT=${#COMP_LINE}
		_amconsole amconsole "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BC" "$REPO/completions/amconsole.bash" "$@" \
		2>>"$T/comp.err" | sort
}
expect() { # what got expected...
	got=$1
	shift
	for w in "$@"; do
		printf '%s\n' "$got" | grep -qxF -- "$w" || fail "completion lacks $w; got:
$got
$(cat "$T/comp.err")"
	done
}

got=$(comp --)
expect "$got" --config --runbooks --theme --read-only --context --namespace --refresh \
	--audit-log --log --step-timeout --ascii --no-mouse --print-config --lint \
	--dump-runbook --init-config --version --help
printf '%s\n' "$got" | grep -q -- "--list-" && fail "hidden options offered: $got"
[ "$(comp --ini)" = "--init-config" ] || fail "--ini completes to: $(comp --ini)"
ok "options: every one --help lists, none of the hidden ones; --ini gives --init-config"

mkdir -p "$XDG_CONFIG_HOME/amconsole/themes"
: >"$XDG_CONFIG_HOME/amconsole/themes/night-shift.yaml"
got=$(comp --theme "")
expect "$got" default light high-contrast mono night-shift
[ "$(comp --theme hi)" = "high-contrast" ] || fail "--theme hi gives: $(comp --theme hi)"
ok "--theme: the built-in themes and the user's night-shift.yaml"

kubeconfig() { # file context...
	f=$1
	shift
	{
		echo "apiVersion: v1"
		echo "kind: Config"
		echo "current-context: $1"
		echo "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]"
		echo "users: [{name: u, user: {token: t}}]"
		echo "contexts:"
		for c in "$@"; do echo "- {name: $c, context: {cluster: c, user: u}}"; done
	} >"$f"
}
kubeconfig "$T/kc" prod-eu staging-eu dev
got=$(KUBECONFIG="$T/kc" comp --context "")
[ "$got" = "$(printf 'dev\nprod-eu\nstaging-eu')" ] || fail "--context gives: $got"
[ "$(KUBECONFIG="$T/kc" comp --context st)" = "staging-eu" ] || fail "--context st"
kubeconfig "$T/kc2" lab-a lab-b
printf 'kubernetes:\n  kubeconfig: %s\n' "$T/kc2" >"$T/other.yaml"
got=$(KUBECONFIG="$T/kc" comp --config "$T/other.yaml" --context "")
[ "$got" = "$(printf 'lab-a\nlab-b')" ] || fail "--config then --context gives: $got"
ok "--context: the kubeconfig's contexts (KUBECONFIG, or the --config file's kubeconfig)"

mkdir -p "$T/work/sub"
: >"$T/work/incident.md"
: >"$T/work/notes.txt"
got=$(cd "$T/work" && comp --lint "")
expect "$got" incident.md sub
printf '%s\n' "$got" | grep -q notes.txt && fail "--lint offers notes.txt: $got"
ok "--lint: *.md files and folders, not other files"

zsh -n "$REPO/completions/_amconsole" || fail "zsh: _amconsole does not parse"
# zsh: an interactive zsh in tmux with compinit and completions/ on
# fpath; Tab, and read what it lists or puts on the line.
mkdir -p "$T/zdot"
cat >"$T/zdot/.zshrc" <<ZRC
fpath=('$REPO/completions' \$fpath)
autoload -U compinit && compinit -u -d '$T/zcompdump'
PS1='%% '
ZRC
tm new-session -d -s am -x 150 -y 30 "cd '$T/work' && env -i PATH='$T/bin:$PATH' HOME='$HOME' \
	XDG_CONFIG_HOME='$XDG_CONFIG_HOME' KUBECONFIG='$T/kc' TERM=screen LANG=C.UTF-8 \
	ZDOTDIR='$T/zdot' zsh -i"
wait_for "%"
zsh_tab() { # line: type it, Tab, wait for the listing or the line
	keys C-u
	type_text "$1"
	keys Tab
	sleep 0.5
}
zsh_tab "amconsole --context "
wait_for "staging-eu"
shows "prod-eu" && shows "dev" || fail "zsh --context lists: $(screen)"
keys C-c
tm clear-history -t am
keys C-l
zsh_tab "amconsole --theme "
wait_for "night-shift"
shows "high-contrast" || fail "zsh --theme lists: $(screen)"
keys C-c
keys C-l
zsh_tab "amconsole --ini"
wait_for "amconsole --init-config"
keys C-c
keys C-l
zsh_tab "amconsole --lint "
wait_for "incident.md"
hides "notes.txt" || fail "zsh --lint offers notes.txt"
keys C-c
ok "zsh: Tab lists --context's contexts, the themes, *.md for --lint; --ini completes"
