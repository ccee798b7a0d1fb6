#!/usr/bin/env bash
# Functions shared by the node scripts; rendering inlines this file where a script includes it.

# Where kubeadm keeps its files, and the mark node-prep.sh leaves when it is done. On a node they
# are always the defaults; the tests run the scripts against directories of their own.
KUBERNETES_DIR="${KUBERNETES_DIR:-/etc/kubernetes}"
PREPARED_MARKER="${PREPARED_MARKER:-/var/lib/k8s-lab/prepared}"
CNI_CONFIG_DIR="${CNI_CONFIG_DIR:-/etc/cni/net.d}"
# The mark of a completed init (the hash of its config), and the root-only log of kubeadm's output.
INITIALIZED_MARKER="${INITIALIZED_MARKER:-/var/lib/k8s-lab/initialized}"
BOOTSTRAP_LOG="${BOOTSTRAP_LOG:-/var/log/k8s-lab-bootstrap.log}"
# The Node label naming the EC2 instance a node runs on, set by the kubelet when it registers.
# shellcheck disable=SC2034 # used by the scripts that include this file
INSTANCE_LABEL="k8s-lab.io/instance-id"

# Runs a command until it succeeds, at most RETRY_ATTEMPTS times (default 10), waiting longer
# after each failure (3, 6, ... 27 s: about two and a half minutes in all by default): package
# mirrors and registries fail now and then on a fresh instance, and its egress may take a
# moment. `apt-get update` is run with --error-on=any, or it would exit 0 on fetch failures.
retry() {
  local attempt=1 max="${RETRY_ATTEMPTS:-10}"
  until "$@"; do
    if [ "$attempt" -ge "$max" ]; then
      echo "k8s-lab: giving up after $attempt attempts: $*" >&2
      return 1
    fi
    sleep "$((attempt * ${RETRY_DELAY_SECONDS:-3}))"
    attempt=$((attempt + 1))
  done
}

# Waits for cloud-init, which runs the node preparation from user data. `cloud-init status`
# exits 0 when done, 2 when done but degraded (a recoverable warning) and 1 on error.
# $1: the message to print on error, with {log} standing for the log to read.
wait_for_cloud_init() {
  local rc=0
  cloud-init status --wait >/dev/null || rc=$?
  case "$rc" in
    0) ;;
    2) echo "k8s-lab: cloud-init finished degraded (exit 2); continuing" >&2 ;;
    *)
      echo "${1//\{log\}//var/log/cloud-init-output.log}" >&2
      tail -n 40 /var/log/cloud-init-output.log >&2 || true
      return 1
      ;;
  esac
  if [ ! -e "$PREPARED_MARKER" ]; then
    echo "${1//\{log\}//var/log/k8s-lab-prep.log}" >&2
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
    echo "k8s-lab: '$1 ${2:-}' failed (exit ${rc}); its last lines, from ${log}:" >&2
    tail -n 30 "$log" | redact >&2
    return "$rc"
  fi
}

# The SHA-256 of a CA certificate's public key, as kubeadm pins it: sha256:<hex>.
ca_hash() {
  echo "sha256:$(openssl x509 -pubkey -noout -in "$1" | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)"
}
