#!/usr/bin/env bash
# Creates, on the control-plane node at the moment a worker joins, the join command for that
# worker: a bootstrap token that expires, and the hash that pins the cluster CA. Prints it on
# stdout, which Pulumi keeps secret and never logs. Run over SSH by Pulumi, as root.
set -euo pipefail

: "${NODE_NAME:?node name of the joining worker}"
: "${TOKEN_TTL:?lifetime of the bootstrap token, e.g. 30m}"
: "${MSG_UNPINNED:?message for a join command that does not pin the CA}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"
# A replaced worker comes back under the same name: remove the Node object its predecessor left.
kubectl delete node "$NODE_NAME" --ignore-not-found --wait=false >&2

join="$(kubeadm token create --print-join-command --ttl "$TOKEN_TTL" --description "k8s-lab: join ${NODE_NAME}")"
if ! [[ "$join" =~ --discovery-token-ca-cert-hash\ sha256:[0-9a-f]{64} ]] || [[ "$join" == *unsafe-skip-ca-verification* ]]; then
  echo "$MSG_UNPINNED" >&2
  exit 1
fi
printf '%s\n' "$join"
