#!/usr/bin/env bash
# Initialises the cluster on the control-plane node; run over SSH by Pulumi, as root.
# Prints the cluster CA's public-key hash, the cluster's identity: when it changes, the workers
# join again and the kubeconfig is read again.
set -euo pipefail

: "${KUBEADM_CONFIG:?the rendered kubeadm config}"
: "${MSG_PREP_FAILED:?message for a node whose preparation failed}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

wait_for_cloud_init "$MSG_PREP_FAILED"

config="${KUBERNETES_DIR}/kubeadm-config.yaml"
if [ -e "${KUBERNETES_DIR}/admin.conf" ] && [ "$(cat "$config" 2>/dev/null)" = "$(printf '%s' "$KUBEADM_CONFIG")" ]; then
  echo "k8s-lab: the cluster is already initialised with this config" >&2
else
  if [ -e "${KUBERNETES_DIR}/admin.conf" ]; then
    # The cluster config changed: that is a new cluster.
    echo "k8s-lab: the kubeadm config changed; resetting the control plane for a new cluster" >&2
    kubeadm reset -f >&2
    rm -rf "${CNI_CONFIG_DIR:?}"
  fi
  install -d -m 0755 "${KUBERNETES_DIR}"
  install -m 0600 /dev/null "$config"
  printf '%s\n' "$KUBEADM_CONFIG" > "$config"
  kubeadm init --config "$config" >&2
fi

# kubectl for the ubuntu user, who logs in with the lab's SSH key.
if id ubuntu >/dev/null 2>&1; then
  install -d -o ubuntu -g ubuntu -m 0700 /home/ubuntu/.kube
  install -o ubuntu -g ubuntu -m 0600 "${KUBERNETES_DIR}/admin.conf" /home/ubuntu/.kube/config
fi

hash="$(openssl x509 -pubkey -noout -in "${KUBERNETES_DIR}/pki/ca.crt" | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)"
echo "sha256:${hash}"
