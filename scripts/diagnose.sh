#!/usr/bin/env bash
# Collects what a failed morning needs, from one node, on stdout. Run over SSH by
# `npx k8s-lab diagnose`, as root, on every node:
# - the node: cloud-init and the node preparation, kubelet and containerd, the containers as the
#   runtime sees them (crictl: what answers when the API server does not), kube-proxy's and
#   calico-node's container logs, the listening sockets, the NAT rules of the public ports and
#   the port-forward units;
# - on the control-plane node, through the API: nodes (described), pods, events, Services and
#   EndpointSlices, Calico's tigerastatus, kube-proxy's and calico-node's logs, and for every pod
#   that is not Running (a Pending pod that has no container yet too) or has a container (a
#   native sidecar such as linkerd-proxy too) that is not ready or has restarted, whatever its
#   STATUS, the description and each container's logs (-c), with the previous run's when it
#   restarted. The cluster's view needs the API server live (/livez), not ready: /readyz?verbose
#   is collected and says which check fails.
# It never reads a credential: not admin.conf's content (kubectl uses it), not the PKI, not the
# port-forward credentials. At the end it lists what it could not collect on this node, each
# item as "<what> (exit <code>)", "<file> (not readable)" or the API line below, which the CLI
# translates.
# PUBLIC_PORTS (optional, space-separated) names the public ports; without it they are read
# from the API (the NodePorts and hostPorts), or, when the API does not answer, left out.
set -uo pipefail

: "${NODE_ROLE:?control-plane or worker}"
KUBERNETES_DIR="${KUBERNETES_DIR:-/etc/kubernetes}"
LOG_DIR="${LOG_DIR:-/var/log}"
CRI_ENDPOINT="${CRI_ENDPOINT:-unix:///run/containerd/containerd.sock}"
PUBLIC_PORTS="${PUBLIC_PORTS:-}"

missed=()
section() { printf '\n===== %s =====\n' "$*"; }
# Runs a command under its own heading; a command that fails is listed at the end.
run() {
  section "$*"
  "$@" 2>&1
  local code=$?
  [ "$code" -eq 0 ] || missed+=("$* (exit $code)")
  return 0
}
# The last lines of a log file.
log_tail() {
  section "$1 (last $2 lines)"
  if [ -r "$1" ]; then tail -n "$2" "$1" 2>&1; else echo "not readable"; missed+=("$1 (not readable)"); fi
}
k() { kubectl --request-timeout=20s "$@"; }
cri() { crictl --runtime-endpoint "$CRI_ENDPOINT" --timeout 10s "$@"; }

section "node $(hostname) ($NODE_ROLE), $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# --- The node, whatever the API server does.
run cloud-init status --long
log_tail "${LOG_DIR}/k8s-lab-prep.log" 200
log_tail "${LOG_DIR}/cloud-init-output.log" 200
run systemctl status --no-pager kubelet containerd
run journalctl --no-pager -u kubelet -n 300
run journalctl --no-pager -u containerd -n 100

run cri ps -a
for name in kube-apiserver etcd kube-controller-manager kube-scheduler kube-proxy calico-node; do
  for id in $(cri ps -a --name "^${name}\$" -q 2>/dev/null | head -n 2); do
    run cri logs --tail 100 "$id"
  done
done

run ss -tlnp
# The public ports: NodePorts through kube-proxy's chain, hostPorts through the CNI's.
if [ -z "$PUBLIC_PORTS" ] && [ "$NODE_ROLE" = control-plane ]; then
  PUBLIC_PORTS="$(KUBECONFIG="${KUBERNETES_DIR}/admin.conf" k get svc,pods -A \
    -o jsonpath='{range .items[*]}{.spec.ports[*].nodePort} {.spec.containers[*].ports[*].hostPort} {end}' 2>/dev/null |
    tr ' ' '\n' | grep -E '^[0-9]+$' | sort -un | xargs)"
fi
section "NAT rules of the public ports (${PUBLIC_PORTS:-ports unknown})"
if nat="$(iptables -t nat -S 2>&1)"; then
  if [ -n "${PUBLIC_PORTS// /}" ]; then
    ports="$(xargs <<<"$PUBLIC_PORTS" | tr ' ' '|')"
    grep -E -- "--dport (${ports})( |$)" <<<"$nat" || echo "no NAT rule names ports ${PUBLIC_PORTS}"
  fi
  section "iptables -t nat -S KUBE-NODEPORTS, CNI-HOSTPORT-DNAT"
  grep -E -- '^-(A|N) (KUBE-NODEPORTS|CNI-HOSTPORT-DNAT)( |$)' <<<"$nat" || echo "neither chain exists"
else
  code=$?
  echo "$nat"
  missed+=("iptables -t nat -S (exit $code)")
fi

run systemctl list-units --all --no-pager 'k8s-lab-port-forward-*'
run systemctl status --no-pager 'k8s-lab-port-forward-*'
run journalctl --no-pager -u 'k8s-lab-port-forward-*' -n 100

# --- The cluster, through the API, from the control-plane node.
if [ "$NODE_ROLE" = control-plane ]; then
  export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"
  section "API server (/livez)"
  if k get --raw=/livez 2>&1; then
    echo
    section "k get --raw=/readyz?verbose"
    k get --raw='/readyz?verbose' 2>&1 || echo "The API server is live but not ready: the checks marked [-] above fail."
    run k get nodes -o wide
    run k describe nodes
    run k get pods -A -o wide
    run k get events -A --sort-by=.lastTimestamp
    run k get svc -A -o wide
    run k get endpointslices -A -o wide
    run k get tigerastatus
    run k get tigerastatus -o yaml
    run k -n kube-system logs -l k8s-app=kube-proxy --prefix --tail=100
    run k -n calico-system logs -l k8s-app=calico-node -c calico-node --prefix --tail=100

    # Per pod: namespace pod container ready restarts phase kind. A "pod" line (a Pending pod may
    # have no container status at all), a "sidecar" line per native sidecar (an init container
    # with restartPolicy Always, such as linkerd-proxy), then one line per container status.
    # shellcheck disable=SC2016 # a Go template, not a shell expression
    template='{{range .items}}{{$ns := .metadata.namespace}}{{$pod := .metadata.name}}{{$phase := .status.phase}}{{$ns}} {{$pod}} - - 0 {{$phase}} pod{{"\n"}}{{range .spec.initContainers}}{{if .restartPolicy}}{{$ns}} {{$pod}} {{.name}} - 0 {{$phase}} sidecar{{"\n"}}{{end}}{{end}}{{range .status.initContainerStatuses}}{{$ns}} {{$pod}} {{.name}} {{.ready}} {{.restartCount}} {{$phase}} init{{"\n"}}{{end}}{{range .status.containerStatuses}}{{$ns}} {{$pod}} {{.name}} {{.ready}} {{.restartCount}} {{$phase}} main{{"\n"}}{{end}}{{end}}'
    statuses="$(k get pods -A -o go-template="$template" 2>/dev/null)" || missed+=("k get pods -A -o go-template (exit $?)")
    # A pod fails, whatever its STATUS column says, when it is neither Running nor Succeeded,
    # any container restarted, or a container or native sidecar is not ready (a plain init
    # container is not ready once done: it does not count).
    failing="$(awk '$7 == "sidecar" { sidecar[$1 " " $2 " " $3] = 1; next }
      $6 != "Succeeded" && ($6 != "Running" || $5 > 0 || ($4 != "true" && ($7 == "main" || ($7 == "init" && ($1 " " $2 " " $3) in sidecar)))) { print $1, $2 }' <<<"$statuses" | sort -u)"
    while read -r namespace pod; do
      [ -n "$pod" ] || continue
      run k describe pod -n "$namespace" "$pod"
      while read -r container restarts; do
        run k logs -n "$namespace" "$pod" -c "$container" --tail=200
        [ "$restarts" -gt 0 ] && run k logs -n "$namespace" "$pod" -c "$container" --tail=100 --previous
      done < <(awk -v ns="$namespace" -v pod="$pod" '$1 == ns && $2 == pod && ($7 == "main" || $7 == "init") { print $3, $5 }' <<<"$statuses")
    done <<<"$failing"
  else
    echo "The API server does not answer /livez from this node: the cluster's view is missing; the containers above (crictl) say why."
    missed+=("the cluster's view through the API (the API server does not answer)")
  fi
fi

section "not collected on $(hostname)"
if [ "${#missed[@]}" -eq 0 ]; then
  echo "everything was collected"
else
  printf '%s\n' "${missed[@]}"
fi
exit 0
