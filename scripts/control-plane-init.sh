#!/usr/bin/env bash
# Initialises the cluster on the control-plane node; run over SSH by Pulumi, as root.
# Prints the cluster CA's public-key hash, the cluster's identity: when it changes, the workers
# join again and the kubeconfig is read again.
# Safe to run again: an init that completed with the same config is left alone; one that was
# interrupted (admin.conf appears early, the completion mark only at the end) is reset and run
# again; a new config is a new cluster. kubeadm's output, which names the cluster's
# certificates and endpoints, goes to a root-only log on the node, never to Pulumi.
set -euo pipefail

: "${KUBEADM_CONFIG:?the rendered kubeadm config}"
: "${NODE_NAME:?name of the control-plane node}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

wait_for_cloud_init "$NODE_NAME"

config="${KUBERNETES_DIR}/kubeadm-config.yaml"
wanted="$(printf '%s\n' "$KUBEADM_CONFIG" | sha256sum | cut -d' ' -f1)"
export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"
mark_initialized() {
  install -d -m 0755 "$(dirname "$INITIALIZED_MARKER")"
  printf '%s\n' "$wanted" > "$INITIALIZED_MARKER"
}
# Whether kube-proxy, the last thing kubeadm init installs, exists: present, absent, or unknown
# when the API server has not answered for about two minutes.
kube_proxy_state() {
  local out attempt
  for attempt in 1 2 3 4 5 6; do
    if out="$(kubectl -n kube-system get daemonset kube-proxy -o name 2>&1)"; then echo present; return; fi
    case "$out" in *NotFound*) echo absent; return ;; esac
    sleep "$((attempt * ${RETRY_DELAY_SECONDS:-5}))"
  done
  echo unknown
}
# No mark, but admin.conf and this very config: an init that completed before the lab wrote its
# mark (kube-proxy exists) is adopted; one that was interrupted (kube-proxy absent, or an API
# server that never came up) is reset below.
if [ ! -e "$INITIALIZED_MARKER" ] && [ -e "${KUBERNETES_DIR}/admin.conf" ] &&
  [ "$(cat "$config" 2>/dev/null)" = "$(printf '%s' "$KUBEADM_CONFIG")" ] && [ "$(kube_proxy_state)" = present ]; then
  mark_initialized
fi
if [ "$(cat "$INITIALIZED_MARKER" 2>/dev/null)" = "$wanted" ] && [ -e "${KUBERNETES_DIR}/admin.conf" ]; then
  say node.initKept
else
  if [ -e "$INITIALIZED_MARKER" ]; then
    say node.initChanged
  elif [ -e "${KUBERNETES_DIR}/admin.conf" ] || [ -e "${KUBERNETES_DIR}/manifests/kube-apiserver.yaml" ]; then
    say node.initInterrupted
  fi
  if [ -e "$INITIALIZED_MARKER" ] || [ -e "${KUBERNETES_DIR}/admin.conf" ] || [ -e "${KUBERNETES_DIR}/manifests/kube-apiserver.yaml" ]; then
    rm -f "$INITIALIZED_MARKER"
    quietly "$BOOTSTRAP_LOG" kubeadm reset -f
    rm -rf "${CNI_CONFIG_DIR:?}"
  fi
  install -d -m 0755 "${KUBERNETES_DIR}"
  install -m 0600 /dev/null "$config"
  printf '%s\n' "$KUBEADM_CONFIG" > "$config"
  # --skip-token-print: the join command with kubeadm's default token never reaches a log.
  quietly "$BOOTSTRAP_LOG" kubeadm init --config "$config" --skip-token-print
  mark_initialized
  say node.initCompleted
  # kubeadm init leaves a default bootstrap token valid for a day; each worker gets its own.
  retry kubectl -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token >&2
fi

# kubectl for the ubuntu user, who logs in with the lab's SSH key.
if id ubuntu >/dev/null 2>&1; then
  install -d -o ubuntu -g ubuntu -m 0700 /home/ubuntu/.kube
  install -o ubuntu -g ubuntu -m 0600 "${KUBERNETES_DIR}/admin.conf" /home/ubuntu/.kube/config
fi

ca_hash "${KUBERNETES_DIR}/pki/ca.crt"
