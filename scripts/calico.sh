#!/usr/bin/env bash
# Installs Calico on the new cluster through the Tigera operator, as upstream does: the CRDs
# first, then the operator, then the Installation; ends only once the control-plane node is
# Ready, which proves the network add-on runs (the platform's own waits start after this step).
# Run on the control-plane node over SSH by Pulumi, as root; server-side apply makes a second run
# change nothing, and a Ready node ends the wait at once.
set -euo pipefail

: "${CRDS_MANIFEST:?URL of the pinned operator-crds.yaml}"
: "${OPERATOR_MANIFEST:?URL of the pinned tigera-operator.yaml}"
: "${INSTALLATION:?the rendered Installation resource}"
: "${NODE_NAME:?the name of the control-plane node}"
: "${TIMEOUT_SECONDS:?how long the node may take to be Ready}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"
# Server-side apply: the CRDs are too large for the last-applied annotation.
retry kubectl apply --server-side --force-conflicts -f "$CRDS_MANIFEST" >&2
retry kubectl wait --for=condition=established --timeout=60s crd/installations.operator.tigera.io >&2
retry kubectl apply --server-side --force-conflicts -f "$OPERATOR_MANIFEST" >&2

installation="$(mktemp)"
trap 'rm -f "$installation"' EXIT
printf '%s\n' "$INSTALLATION" > "$installation"
retry kubectl apply --server-side --force-conflicts -f "$installation" >&2
say node.calicoApplied
if ! kubectl wait --for=condition=Ready "node/${NODE_NAME}" --timeout="${TIMEOUT_SECONDS}s" >&2; then
  say bootstrap.cniNotReady node="$NODE_NAME" seconds="$TIMEOUT_SECONDS"
  kubectl -n calico-system get pods -o wide >&2 || true
  exit 1
fi
say node.cniReady node="$NODE_NAME"
