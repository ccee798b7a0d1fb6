#!/usr/bin/env bash
# Functions shared by the node scripts; rendering inlines this file where a script includes it.

# Where kubeadm keeps its files, and the mark node-prep.sh leaves when it is done (node-prep.sh
# declares the same path: it includes only retry.sh, since the user data replaces the node). On a node they
# are always the defaults; the tests run the scripts against directories of their own.
KUBERNETES_DIR="${KUBERNETES_DIR:-/etc/kubernetes}"
PREPARED_MARKER="${PREPARED_MARKER:-/var/lib/k8s-lab/prepared}"
# cloud-init's copy of the user data: node-prep.sh, rendered.
PREP_SCRIPT="${PREP_SCRIPT:-/var/lib/cloud/instance/user-data.txt}"
CNI_CONFIG_DIR="${CNI_CONFIG_DIR:-/etc/cni/net.d}"
# The mark of a completed init (the hash of its config), and the root-only log of kubeadm's output.
INITIALIZED_MARKER="${INITIALIZED_MARKER:-/var/lib/k8s-lab/initialized}"
BOOTSTRAP_LOG="${BOOTSTRAP_LOG:-/var/log/k8s-lab-bootstrap.log}"
# The Node label naming the EC2 instance a node runs on, set by the kubelet when it registers.
# shellcheck disable=SC2034 # used by the scripts that include this file
INSTANCE_LABEL="k8s-lab.io/instance-id"

# shellcheck source-path=SCRIPTDIR source=retry.sh
. "$(dirname "${BASH_SOURCE[0]}")/retry.sh" # k8s-lab:include

: "${MESSAGES:?the messages this script says, key=template lines in the stack language}"

# Message $1 of MESSAGES with each {name} replaced from the name=value arguments that follow.
message() {
  local key="$1" text="" line pair
  shift
  while IFS= read -r line; do
    if [ "${line%%=*}" = "$key" ]; then
      text="${line#*=}"
      break
    fi
  done <<<"$MESSAGES"
  [ -n "$text" ] || text="$key"
  for pair in "$@"; do
    text="${text//"{${pair%%=*}}"/"${pair#*=}"}"
  done
  printf '%s\n' "$text"
}

# Says message $1 (see message) on stderr, where Pulumi shows what a step is doing.
say() {
  printf 'k8s-lab: %s\n' "$(message "$@")" >&2
}

# Waits for cloud-init, which runs the node preparation from user data once per instance, and
# makes sure the preparation finished: when its mark is missing (a mirror was down for longer
# than the retries), runs the same script again from cloud-init's copy of the user data, so a
# later `up` recovers the node. `cloud-init status` exits 0 when done, 2 when done but degraded
# and 1 on error; what counts is the preparation's mark.
# $1: this node's name, for the message when the preparation failed.
wait_for_cloud_init() {
  local rc=0
  cloud-init status --wait >/dev/null || rc=$?
  [ "$rc" -eq 0 ] || say node.cloudInitExit code="$rc"
  if [ ! -e "$PREPARED_MARKER" ] && [ -r "$PREP_SCRIPT" ]; then
    say node.prepAgain
    bash "$PREP_SCRIPT" >/dev/null 2>&1 || true
  fi
  if [ ! -e "$PREPARED_MARKER" ]; then
    say bootstrap.prepFailed node="$1" log=/var/log/k8s-lab-prep.log
    tail -n 40 /var/log/k8s-lab-prep.log >&2 || true
    return 1
  fi
}

# Hides bootstrap tokens (`abcdef.0123456789abcdef`) in text on its way to a log.
redact() {
  sed -E 's/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/<token>/g'
}

# Runs a command with its output appended to a root-only log ($1); on failure, prints the
# command's last lines with tokens hidden, and fails.
quietly() {
  local log="$1" rc=0
  shift
  install -d -m 0755 "$(dirname "$log")"
  [ -e "$log" ] || install -m 0600 /dev/null "$log"
  "$@" >> "$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    say node.commandFailed command="$1 ${2:-}" code="$rc" log="$log"
    tail -n 30 "$log" | redact >&2
    return "$rc"
  fi
}

# The SHA-256 of a CA certificate's public key, as kubeadm pins it: sha256:<hex>.
ca_hash() {
  echo "sha256:$(openssl x509 -pubkey -noout -in "$1" | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)"
}
