# bash completion for kerr: commands, their options, and the request and
# task ids the API knows (asked with `kerr __complete requests|tasks`,
# against the same --url / KERR_URL the command line would use).
_kerr()
{
	local cur prev words cword
	_init_completion || return

	local commands="status ls show create deploy scale pause unpause
	    bounce delete run tasks task kill logs history help"
	local i cmd="" url=()
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--url) url=(--url "${words[i + 1]}"); ((i++)) ;;
		--url=*) url=("${words[i]}") ;;
		-o | --output) ((i++)) ;;
		-*) ;;
		*) [[ -z $cmd ]] && cmd=${words[i]} ;;
		esac
	done

	case $prev in
	-o | --output)
		COMPREPLY=($(compgen -W "json table" -- "$cur"))
		return ;;
	--type)
		COMPREPLY=($(compgen -W "SERVICE WORKER SCHEDULED ON_DEMAND
		    RUN_ONCE" -- "$cur"))
		return ;;
	-f | --file)
		_filedir json
		return ;;
	--url | --id | --command | --cpus | --mem | --env | --schedule | \
	--owner | --instances | --timeout)
		return ;;
	esac

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$commands --url -o --help" -- "$cur"))
		return
	fi

	local opts=""
	case $cmd in
	ls) opts="--paused --cooldown --finished --all --type" ;;
	create) opts="-f --file --id --type --instances --schedule --owner" ;;
	deploy) opts="--command -f --file --cpus --mem --env --id --wait
	    --timeout" ;;
	bounce | run) opts="--wait --timeout" ;;
	logs) opts="-f --follow --stderr" ;;
	history) opts="--tasks" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts -o --help" -- "$cur"))
		return
	fi
	case $cmd in
	show | deploy | scale | pause | unpause | bounce | delete | run | \
	tasks | history)
		COMPREPLY=($(compgen -W "$(kerr "${url[@]}" __complete \
		    requests 2>/dev/null)" -- "$cur")) ;;
	task | kill | logs)
		COMPREPLY=($(compgen -W "$(kerr "${url[@]}" __complete \
		    tasks 2>/dev/null)" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	esac
}
complete -F _kerr kerr
