#!/usr/bin/env bash
# Waits, on the control-plane node, until every node the lab has now is Ready; deletes the Node
# objects of workers the lab no longer has, and, once every node is Ready, every bootstrap token
# (no worker needs one any more). Run over SSH by Pulumi, as root; safe to run again.
set -euo pipefail

: "${EXPECTED_NODES:?space-separated node names}"
: "${TIMEOUT_SECONDS:?how long to wait}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"

for node in $(kubectl get nodes -o 'jsonpath={.items[*].metadata.name}'); do
  case " ${EXPECTED_NODES} " in
    *" ${node} "*) ;;
    *) say node.removedNode node="$node"; kubectl delete node "$node" --wait=false >&2 ;;
  esac
done

deadline=$((SECONDS + TIMEOUT_SECONDS))
while :; do
  not_ready=""
  for node in $EXPECTED_NODES; do
    status="$(kubectl get node "$node" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)"
    [ "$status" = True ] || not_ready="${not_ready} ${node}"
  done
  if [ -z "$not_ready" ]; then
    retry kubectl -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token >&2
    say node.allReady nodes="$EXPECTED_NODES"
    exit 0
  fi
  [ "$SECONDS" -lt "$deadline" ] || break
  sleep "${POLL_SECONDS:-5}"
done
say bootstrap.notReady seconds="$TIMEOUT_SECONDS" nodes="${not_ready# }"
kubectl get nodes -o wide >&2 || true
exit 1
