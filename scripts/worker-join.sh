#!/usr/bin/env bash
# Joins a worker to the cluster, with the join command the control-plane node created for it;
# run over SSH through the control-plane node by Pulumi, as root. A worker that was in a cluster
# before (the control plane was rebuilt) is reset first.
set -euo pipefail

: "${JOIN_COMMAND:?kubeadm join command from the control-plane node}"
: "${NODE_NAME:?name of this node}"
: "${NODE_IP:?private address of this node}"
: "${MSG_PREP_FAILED:?message for a node whose preparation failed}"
: "${MSG_UNPINNED:?message for a join command that does not pin the CA}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

wait_for_cloud_init "$MSG_PREP_FAILED"

# kubeadm join <endpoint> --token <token> --discovery-token-ca-cert-hash sha256:<hash>
read -r -a words <<< "$JOIN_COMMAND"
endpoint="" token="" hash=""
if [ "${#words[@]}" -ge 3 ] && [ "${words[0]}" = kubeadm ] && [ "${words[1]}" = join ]; then
  endpoint="${words[2]}"
fi
for ((i = 3; i < ${#words[@]}; i++)); do
  case "${words[i]}" in
    --token) token="${words[i + 1]:-}" ;;
    --discovery-token-ca-cert-hash) hash="${words[i + 1]:-}" ;;
    --discovery-token-unsafe-skip-ca-verification) hash="" ; break ;;
  esac
done
if ! [[ "$hash" =~ ^sha256:[0-9a-f]{64}$ ]] || ! [[ "$token" =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]] || [ -z "$endpoint" ]; then
  echo "$MSG_UNPINNED" >&2
  exit 1
fi

if [ -e "${KUBERNETES_DIR}/kubelet.conf" ]; then
  echo "k8s-lab: ${NODE_NAME} was in a cluster before; resetting it to join the current one" >&2
  kubeadm reset -f >&2
  rm -rf "${CNI_CONFIG_DIR:?}"
fi

install -d -m 0755 "${KUBERNETES_DIR}"
config="${KUBERNETES_DIR}/kubeadm-join.yaml"
install -m 0600 /dev/null "$config"
cat > "$config" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: "${endpoint}"
    token: "${token}"
    caCertHashes:
      - "${hash}"
nodeRegistration:
  name: "${NODE_NAME}"
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: "${NODE_IP}"
YAML
kubeadm join --config "$config" >&2
rm -f "$config"
echo "k8s-lab: ${NODE_NAME} joined"
