#!/usr/bin/env bash
# Functions shared by the node scripts; rendering inlines this file where a script includes it.

# Where kubeadm keeps its files, and the mark node-prep.sh leaves when it is done. On a node they
# are always the defaults; the tests run the scripts against directories of their own.
KUBERNETES_DIR="${KUBERNETES_DIR:-/etc/kubernetes}"
PREPARED_MARKER="${PREPARED_MARKER:-/var/lib/k8s-lab/prepared}"
CNI_CONFIG_DIR="${CNI_CONFIG_DIR:-/etc/cni/net.d}"

# Runs a command until it succeeds, at most RETRY_ATTEMPTS times (default 10), waiting longer
# after each failure: package mirrors and registries fail now and then on a fresh instance.
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
