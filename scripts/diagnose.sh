#!/usr/bin/env bash
# Collects what a failed morning needs, from one node, on stdout: cloud-init and the node
# preparation, kubeadm's kubelet and containerd, and on the control-plane node the cluster's
# view with the logs of every pod that is not running. Run over SSH by `npm run lab -- diagnose`.
set -uo pipefail

: "${NODE_ROLE:?control-plane or worker}"

section() { printf '\n===== %s =====\n' "$*"; }
run() { section "$*"; "$@" 2>&1; }

run cloud-init status --long
section "node preparation (/var/log/k8s-lab-prep.log)"
tail -n 200 /var/log/k8s-lab-prep.log 2>&1
section "cloud-init output (/var/log/cloud-init-output.log)"
tail -n 200 /var/log/cloud-init-output.log 2>&1
run systemctl status --no-pager kubelet containerd
run journalctl --no-pager -u kubelet -n 300
run journalctl --no-pager -u containerd -n 100
run journalctl --no-pager -u 'k8s-lab-port-forward-*' -n 100

if [ "$NODE_ROLE" = control-plane ]; then
  export KUBECONFIG=/etc/kubernetes/admin.conf
  run kubectl get nodes -o wide
  run kubectl get pods -A -o wide
  run kubectl get events -A --sort-by=.lastTimestamp
  kubectl get pods -A --no-headers | awk '$4 != "Running" && $4 != "Completed" { print $1, $2 }' |
    while read -r namespace pod; do
      run kubectl describe pod -n "$namespace" "$pod"
      run kubectl logs -n "$namespace" "$pod" --all-containers --tail=200
      run kubectl logs -n "$namespace" "$pod" --all-containers --tail=100 --previous
    done
fi
exit 0
