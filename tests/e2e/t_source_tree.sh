# t_source_tree.sh - a binary run from a source tree (build/amconsole of
# a checkout) finds the tree's runbooks/ without --runbooks, as an
# installed one finds /usr/share/amconsole/runbooks; the same binary
# copied out of the tree finds none, and --runbooks DIR is then all it
# loads.
. tests/e2e/lib.sh
case "$AMCONSOLE" in
"$REPO"/*) ;;
*) fail "AMCONSOLE=$AMCONSOLE is not inside the tree $REPO (run from the checkout)" ;;
esac
tree_bin=$AMCONSOLE

am_start 160 40
wait_for "Service Startup Issues"
shows "Database Performance Issues" || fail "the tree's runbooks are not all listed"
hides "No runbooks loaded" || fail "says no runbooks"
am_quit
ok "from the tree, without --runbooks: the tree's runbooks/ is listed"

tm kill-server 2>/dev/null
rm -f "$T/exit" "$T/raw"
mkdir -p "$T/bin"
cp "$AMCONSOLE" "$T/bin/amconsole"
AMCONSOLE=$T/bin/amconsole
am_start 160 40
wait_for "No runbooks loaded"
hides "Service Startup Issues" || fail "a binary outside the tree loaded the tree's runbooks"
am_quit
ok "the same binary outside the tree loads no runbooks"

tm kill-server 2>/dev/null
rm -f "$T/exit" "$T/raw"
cat >"$T/runbooks/mine.md" <<'MD'
# Mine

## Queue Stuck Here

#### Symptoms
- messages pile up

#### Diagnostic Steps
1. **Look**:
   ```bash
   echo look
   ```
MD
AMCONSOLE=$tree_bin
am_start 160 40 --runbooks "$T/runbooks"
wait_for "Queue Stuck Here"
hides "Service Startup Issues" || fail "--runbooks DIR also loaded the tree's runbooks"
am_quit
ok "with --runbooks DIR, only DIR's runbooks"
