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
: "${MSG_PREP_FAILED:?message for a node whose preparation failed}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

wait_for_cloud_init "$MSG_PREP_FAILED"

config="${KUBERNETES_DIR}/kubeadm-config.yaml"
wanted="$(printf '%s\n' "$KUBEADM_CONFIG" | sha256sum | cut -d' ' -f1)"
export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"
# No mark, but this very config and kube-proxy, the last thing kubeadm init installs: an init that
# completed before the mark was written (or before the lab wrote marks). Adopt it.
if [ ! -e "$INITIALIZED_MARKER" ] && [ -e "${KUBERNETES_DIR}/admin.conf" ] &&
  [ "$(cat "$config" 2>/dev/null)" = "$(printf '%s' "$KUBEADM_CONFIG")" ] &&
  RETRY_ATTEMPTS=5 retry kubectl -n kube-system get daemonset kube-proxy >/dev/null 2>&1; then
  install -d -m 0755 "$(dirname "$INITIALIZED_MARKER")"
  printf '%s\n' "$wanted" > "$INITIALIZED_MARKER"
fi
if [ "$(cat "$INITIALIZED_MARKER" 2>/dev/null)" = "$wanted" ] && [ -e "${KUBERNETES_DIR}/admin.conf" ]; then
  echo "k8s-lab: the cluster is already initialised with this config" >&2
else
  if [ -e "$INITIALIZED_MARKER" ]; then
    echo "k8s-lab: the kubeadm config changed; resetting the control plane for a new cluster" >&2
  elif [ -e "${KUBERNETES_DIR}/admin.conf" ] || [ -e "${KUBERNETES_DIR}/manifests/kube-apiserver.yaml" ]; then
    echo "k8s-lab: an earlier kubeadm init did not complete; resetting it and initialising again" >&2
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
  # kubeadm init leaves a default bootstrap token valid for a day; each worker gets its own.
  retry kubectl -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token >&2
  install -d -m 0755 "$(dirname "$INITIALIZED_MARKER")"
  printf '%s\n' "$wanted" > "$INITIALIZED_MARKER"
  echo "k8s-lab: kubeadm init completed" >&2
fi

# kubectl for the ubuntu user, who logs in with the lab's SSH key.
if id ubuntu >/dev/null 2>&1; then
  install -d -o ubuntu -g ubuntu -m 0700 /home/ubuntu/.kube
  install -o ubuntu -g ubuntu -m 0600 "${KUBERNETES_DIR}/admin.conf" /home/ubuntu/.kube/config
fi

ca_hash "${KUBERNETES_DIR}/pki/ca.crt"
