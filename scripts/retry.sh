#!/usr/bin/env bash
# The retry loop, the one function the node preparation (user data) shares with the bootstrap
# scripts. Rendering inlines this file where a script includes it; any change to it changes
# every node's user data, which replaces every node.

# Runs a command until it succeeds, at most RETRY_ATTEMPTS times (default 10), waiting longer
# after each failure (3, 6, ... 27 s: about two and a half minutes in all by default): package
# mirrors and registries fail now and then on a fresh instance, and its egress may take a
# moment. `apt-get update` is run with --error-on=any, or it would exit 0 on fetch failures.
retry() {
  local attempt=1 max="${RETRY_ATTEMPTS:-10}"
  until "$@"; do
    if [ "$attempt" -ge "$max" ]; then
      # In the language of the stack where the script says messages (common.sh); the user data does not.
      if declare -F say >/dev/null; then
        say node.gaveUp attempts="$attempt" command="$*"
      else
        echo "k8s-lab: giving up after $attempt attempts: $*" >&2
      fi
      return 1
    fi
    sleep "$((attempt * ${RETRY_DELAY_SECONDS:-3}))"
    attempt=$((attempt + 1))
  done
}
