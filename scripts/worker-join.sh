#!/usr/bin/env bash
# Joins a worker to the cluster; run over SSH through the control-plane node by Pulumi, as root.
# Safe to run again: a worker joined to this cluster (same CA hash) is left alone; a worker that
# was in another cluster, or whose join stopped before the kubelet had its credentials, is reset
# first. kubeadm's output goes to a root-only log on the node, never to Pulumi.
set -euo pipefail

: "${API_ENDPOINT:?private address and API port of the control-plane node}"
: "${TOKEN:?bootstrap token of this worker}"
: "${CA_HASH:?sha256 hash of the cluster CA public key}"
: "${NODE_NAME:?name of this node}"
: "${NODE_IP:?private address of this node}"
: "${INSTANCE_ID:?EC2 instance ID of this node}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

wait_for_cloud_init "$NODE_NAME"

if ! [[ "$CA_HASH" =~ ^sha256:[0-9a-f]{64}$ ]] || ! [[ "$TOKEN" =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]] || [ -z "$API_ENDPOINT" ]; then
  say bootstrap.joinUnpinned node="$NODE_NAME"
  exit 1
fi

# Joined to this cluster: the kubelet has its own credentials (kubelet.conf, written once the
# bootstrap token did its work) and the CA it trusts is the one pinned.
if [ -e "${KUBERNETES_DIR}/kubelet.conf" ] && [ "$(ca_hash "${KUBERNETES_DIR}/pki/ca.crt" 2>/dev/null)" = "$CA_HASH" ]; then
  # Its Node object may be gone (deleted by hand): the kubelet registers it again on a restart.
  own_node="$(kubectl --kubeconfig "${KUBERNETES_DIR}/kubelet.conf" get node "$NODE_NAME" -o name 2>&1 || true)"
  if [[ "$own_node" == *NotFound* ]]; then
    say node.nodeGone node="$NODE_NAME"
    systemctl restart kubelet
  else
    say node.alreadyJoined node="$NODE_NAME"
  fi
  exit 0
fi
if [ -e "${KUBERNETES_DIR}/kubelet.conf" ] || [ -e "${KUBERNETES_DIR}/bootstrap-kubelet.conf" ] || [ -e "${KUBERNETES_DIR}/pki/ca.crt" ]; then
  say node.resetWorker node="$NODE_NAME"
  quietly "$BOOTSTRAP_LOG" kubeadm reset -f
  rm -rf "${CNI_CONFIG_DIR:?}"
fi

install -d -m 0755 "${KUBERNETES_DIR}"
config="${KUBERNETES_DIR}/kubeadm-join.yaml"
install -m 0600 /dev/null "$config"
trap 'rm -f "$config"' EXIT
cat > "$config" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: "${API_ENDPOINT}"
    token: "${TOKEN}"
    caCertHashes:
      - "${CA_HASH}"
nodeRegistration:
  name: "${NODE_NAME}"
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: "${NODE_IP}"
    - name: node-labels
      value: "${INSTANCE_LABEL}=${INSTANCE_ID}"
YAML
quietly "$BOOTSTRAP_LOG" kubeadm join --config "$config"
say node.joined node="$NODE_NAME"
