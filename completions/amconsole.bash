# bash completion for amconsole(1): options (from `amconsole --help`),
# theme names (the built-in ones and NAME.yaml in the theme folders),
# --context from the kubeconfig's contexts (`amconsole --list-contexts`,
# which reads KUBECONFIG or the configuration's kubernetes.kubeconfig the
# way the console does), runbook files (*.md) for --lint and
# --dump-runbook, files and folders for the other arguments.
# Installed as /usr/share/bash-completion/completions/amconsole.

_amconsole_themes()
{
	local dir f
	printf '%s\n' default light high-contrast mono
	for dir in "${XDG_CONFIG_HOME:-$HOME/.config}/amconsole/themes" \
		/usr/share/amconsole/themes /usr/local/share/amconsole/themes; do
		for f in "$dir"/*.yaml; do
			[ -e "$f" ] || continue
			f=${f##*/}
			printf '%s\n' "${f%.yaml}"
		done
	done
}

_amconsole()
{
	local cur prev words cword split i config=
	_init_completion -s || return

	# A --config given earlier on the line names the kubeconfig too.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--config) config=${words[i + 1]} ;;
		--config=*) config=${words[i]#--config=} ;;
		esac
	done

	case $prev in
	--config | --audit-log | --log | --warroom-secret | --record | --replay | --asciicast)
		_filedir
		return
		;;
	--runbooks)
		_filedir -d
		return
		;;
	--theme)
		if [[ $cur == */* ]]; then
			_filedir yaml
		else
			COMPREPLY=($(compgen -W "$(_amconsole_themes | sort -u)" -- "$cur"))
		fi
		return
		;;
	--context)
		local IFS=$'\n' cfg=()
		[[ -n $config ]] && cfg=(--config "$config")
		COMPREPLY=($(compgen -W "$("$1" "${cfg[@]}" --list-contexts 2>/dev/null)" -- "$cur"))
		return
		;;
	--namespace)
		COMPREPLY=($(compgen -W "all" -- "$cur"))
		return
		;;
	--refresh | --step-timeout)
		COMPREPLY=($(compgen -W "500ms 1s 2s 5s 10s 30s 1m 5m" -- "$cur"))
		return
		;;
	esac
	$split && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_parse_help "$1")" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	# Operands: runbook files for --lint and --dump-runbook.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--lint | --dump-runbook)
			_filedir md
			return
			;;
		esac
	done
} &&
	complete -F _amconsole amconsole
