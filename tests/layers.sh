#!/bin/sh
# layers.sh - the include rule of the source tree (README "Hacking"):
# each folder is one layer and an include may point down, never up.
#
#   lib/      -> (nothing of ours)
#   core/     -> lib/
#   runtime/  -> lib/ core/
#   backends/ -> lib/ core/ runtime/
#   ui/       -> lib/
#   panels/   -> lib/ core/ runtime/ backends/ ui/
#   app/      -> everything
#
# A file may include from its own folder. Prints every include that breaks
# the rule (file:line: include "x" - layer may not use y/) and exits 1 if
# there is one; 0 and a one-line summary if none.
cd "$(dirname "$0")/.." || exit 2

allowed() {
	case $1 in
	lib) echo "lib" ;;
	core) echo "lib core" ;;
	runtime) echo "lib core runtime" ;;
	backends) echo "lib core runtime backends" ;;
	ui) echo "lib ui" ;;
	panels) echo "lib core runtime backends ui panels" ;;
	app) echo "lib core runtime backends ui panels app" ;;
	esac
}

bad=0
files=0
for layer in lib core runtime backends ui panels app; do
	ok=$(allowed $layer)
	for f in $(find $layer -name '*.[ch]' | sort); do
		files=$((files + 1))
		# Every include of ours names its folder ("lib/util.h"); a bare
		# name would hide which layer it comes from.
		out=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1 \2/' |
			while read -r line path; do
				dir=${path%%/*}
				if [ "$dir" = "$path" ]; then
					echo "$f:$line: include \"$path\" - name the folder (\"$layer/$path\")"
					continue
				fi
				case " $ok " in
				*" $dir "*) ;;
				*) echo "$f:$line: include \"$path\" - $layer/ may not use $dir/" ;;
				esac
			done)
		if [ -n "$out" ]; then
			echo "$out"
			bad=$((bad + $(echo "$out" | wc -l)))
		fi
	done
done
for d in $(find . -mindepth 1 -maxdepth 1 -type d -name '[a-z]*' | sed 's|^\./||' | sort); do
	case $d in
	lib | core | runtime | backends | ui | panels | app | tests | man | runbooks | themes | demo | build) ;;
	*) if find "$d" -name '*.[ch]' | grep -q .; then
		echo "$d/: C sources outside the layers (add the folder to tests/layers.sh)"
		bad=$((bad + 1))
	fi ;;
	esac
done
if [ $bad -gt 0 ]; then
	echo "layers: $bad include(s) break the layer rule"
	exit 1
fi
echo "layers: $files files, every include points down"
