#!/bin/sh
# docs-check.sh - the README and the man page list exactly the `:`
# commands and the global keys the binary has. The binary prints its
# tables (the hidden --list-commands and --list-keys, from app/commands.c
# and app/keys.c); then:
#   - every command (and every panel's name, which is one) is in the
#     README's "Commands" section as `:name` and in the man page's
#     "Commands" section as :name; a `:word` anywhere in either that is neither a command nor
#     an alias is an error (the README's Hacking section aside);
#   - every global key is in the README's "everywhere" rows and in the
#     man page's "Everywhere" section, and every key those name is one.
# Prints "ok N - ..." / "not ok - ..." lines like the e2e tests and exits
# 1 on any problem. AMCONSOLE names the binary (default build/amconsole);
# README=FILE and MANPAGE=FILE check other copies of the docs.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${AMCONSOLE:-$root/${BUILD:-build}/amconsole}
[ -x "$bin" ] || { echo "not ok - $bin not found (make first)"; exit 1; }
cmds=$("$bin" --list-commands) || { echo "not ok - $bin --list-commands failed"; exit 1; }
keys=$("$bin" --list-keys) || { echo "not ok - $bin --list-keys failed"; exit 1; }
[ -n "$cmds" ] && [ -n "$keys" ] || { echo "not ok - the binary lists no commands or keys"; exit 1; }

CMDS=$cmds KEYS=$keys exec python3 - "${README:-$root/README.md}" "${MANPAGE:-$root/man/amconsole.1}" <<'PY'
import os, re, sys

readme_path, man_path = sys.argv[1], sys.argv[2]
names, aliases = [], set()
for line in os.environ["CMDS"].splitlines():
    f = line.split("\t")
    names.append(f[0])
    if len(f) > 1 and f[1] != "-":
        aliases.add(f[1])
known = set(names) | aliases
keys = []  # every name of every key: "? F1" gives ? and F1
for line in os.environ["KEYS"].splitlines():
    keys.extend(line.split("\t")[0].split())
checks = bad = 0

def ok(msg):
    global checks
    checks += 1
    print(f"ok {checks} - {msg}")

def notok(msg):
    global bad
    bad += 1
    print(f"not ok - {msg}")

def section(lines, start, stop):
    """The lines after the first matching start up to the next matching stop."""
    out, inside = [], False
    for l in lines:
        if inside and stop(l):
            break
        if inside:
            out.append(l)
        elif start(l):
            inside = True
    return out

def compare(doc, where, found_cmds, found_keys, all_cmds):
    before = bad
    for n in names:
        if n not in found_cmds:
            notok(f"{doc} does not list the command :{n} in {where} (it is in the binary's table)")
    for w in sorted(all_cmds - known):
        notok(f"{doc} names :{w}, which is not a command of the binary (nor an alias)")
    if bad == before:
        ok(f"{doc} lists the {len(names)} commands of the table, and no other")
    before = bad
    for k in keys:
        if k not in found_keys:
            notok(f"{doc} does not list the global key {k} (it is in the binary's key table)")
    for k in sorted(found_keys - set(keys)):
        notok(f"{doc} lists {k} among the global keys, which the binary's key table lacks")
    if bad == before:
        ok(f"{doc} lists the {len(keys)} global key names of the table, and no other")

# README: the Keys section's table; the "everywhere" rows are the first
# row whose first cell says so and those after it with an empty one.
readme = open(readme_path, encoding="utf-8").read().splitlines()
hacking = [i for i, l in enumerate(readme) if l.startswith("## Hacking")]
body = readme[: hacking[0]] if hacking else readme
keys_sec = section(readme, lambda l: l.strip() == "### Keys", lambda l: l.startswith("#"))
cmds_sec = section(readme, lambda l: l.strip() == "#### Commands", lambda l: l.startswith("#"))
cmd_re = re.compile(r"`:([a-z][a-z-]*)[ `]")
found_cmds = set(cmd_re.findall("\n".join(cmds_sec)))
all_cmds = set(cmd_re.findall("\n".join(body)))
found_keys, inside = set(), False
for l in keys_sec:
    cells = [c.strip() for c in l.split("|")]
    if len(cells) < 4:
        continue
    if cells[1] == "everywhere":
        inside = True
    elif cells[1] != "":
        inside = False
    if inside:
        for tok in re.findall(r"`([^`]+)`", cells[2]):
            if not re.match(r":[a-z]", tok):
                found_keys.add(tok)
compare("README.md", "its Commands section", found_cmds, found_keys, all_cmds)

# The man page: fonts and escapes off, then :word where a word does not
# run into it (redis://host[:port] is no command).
def plain(s):
    s = re.sub(r"\\f(\(..|\[[^]]*\]|.)", "", s)
    return s.replace("\\-", "-").replace("\\(em", "-")

man = [plain(l) for l in open(man_path, encoding="utf-8").read().splitlines()]
man_re = re.compile(r"(?<![A-Za-z0-9_/.\[-]):([a-z][a-z-]*)")
cmds_man = section(man, lambda l: l.startswith(".SS Commands"), lambda l: l.startswith(".S"))
found_cmds = set(man_re.findall("\n".join(cmds_man)))
all_cmds = set(man_re.findall("\n".join(man)))
every = section(man, lambda l: l.startswith(".SS Everywhere"), lambda l: l.startswith(".S"))
found_keys = set()
for i, l in enumerate(every[:-1]):
    if l.strip() != ".TP":
        continue
    words = re.findall(r'"[^"]*"|\S+', every[i + 1])
    words = [w.strip('"').strip() for w in words[1:]] if words[:1] and words[0][0] == "." else words
    # "," and "/" separate keys (.BR Up / k ", " Down / j), unless alone (.B /).
    for w in words if len(words) == 1 else [w for w in words if not re.fullmatch(r"[,/]*", w)]:
        found_keys.add(w)
compare("man/amconsole.1", "its Commands section", found_cmds, found_keys, all_cmds)
sys.exit(1 if bad else 0)
PY
