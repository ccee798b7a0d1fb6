#!/usr/bin/env bash
# Saying messages, for a script that runs on the operator's machine as well as on a node: the
# Bookinfo traffic check, which on an existing cluster runs where pulumi does, macOS's bash 3.2
# included. Rendering inlines this file where a script includes it. Placeholders are replaced
# with plain prefix and suffix expansions: bash 3.2 keeps the quotes of a quoted replacement in
# ${text//"{name}"/"value"}, which bash 4.3 and later remove.

: "${MESSAGES:?the messages this script says, key=template lines in the stack language}"

# Message $1 of MESSAGES with each {name} replaced from the name=value arguments that follow.
message() {
  local key="$1" text="" line pair name value rest before
  shift
  while IFS= read -r line; do
    case "$line" in "$key="*) text=${line#*=}; break ;; esac
  done <<END
$MESSAGES
END
  [ -n "$text" ] || text="$key"
  for pair in "$@"; do
    name="{${pair%%=*}}"
    value=${pair#*=}
    rest=$text
    text=""
    while :; do
      case "$rest" in
        *"$name"*)
          before=${rest%%"$name"*}
          rest=${rest#*"$name"}
          text=$text$before$value
          ;;
        *) text=$text$rest; break ;;
      esac
    done
  done
  printf '%s\n' "$text"
}

# Says message $1 (see message) on stderr, where Pulumi shows what a step is doing.
say() {
  printf 'k8s-lab: %s\n' "$(message "$@")" >&2
}
