#!/usr/bin/env bash
# The Bookinfo traffic check, on the control-plane node, run by every `pulumi up`: starts a fresh
# check Job (it runs bookinfo-traffic.sh in the meshed namespace), waits a bounded time for its
# verdict, prints its log, and tries again a bounded number of times. Each attempt's Job has its
# own generated name, and older check Jobs are deleted without waiting, so a pod stuck
# Terminating on a NotReady node holds up nothing; an attempt whose Job cannot be created is
# counted as failed and the next one runs. When every attempt fails, it exits non-zero with the
# last attempt's verdict: that fails this `up`, and the next `up` simply runs the check again.
# Run by Pulumi over SSH on the control-plane node, as root (KUBE_ACCESS node: the node's admin
# kubeconfig), or on an existing cluster on the machine running pulumi (KUBE_ACCESS context: the
# context KUBE_CONTEXT of the kubeconfig whose content LAB_KUBECONFIG holds, handed to each kubectl
# call through a pipe, never written to a file). Written for bash 3.2 too (macOS).
set -euo pipefail

: "${NAMESPACE:?namespace of the check Jobs}"
: "${JOB_LABEL:?label selector of every check Job}"
: "${JOB_MANIFEST:?the check Job, as JSON, with a generateName}"
: "${ATTEMPTS:?how many Jobs to try}"
: "${WAIT_SECONDS:?how long to wait for each Job to finish: longer than its deadline}"
: "${DEPLOYMENTS:?the Deployments whose pods must be meshed, space-separated}"
: "${ROLLOUT_SECONDS:?how long to wait for each restarted Deployment}"
: "${INJECTOR:?namespace/name of the Linkerd proxy injector Deployment}"
: "${KUBE_ACCESS:?node or context: how kubectl reaches the cluster}"

# shellcheck source-path=SCRIPTDIR source=say.sh
. "$(dirname "${BASH_SOURCE[0]}")/say.sh" # k8s-lab:include

if [ "$KUBE_ACCESS" = node ]; then
  export KUBECONFIG="${KUBERNETES_DIR:-/etc/kubernetes}/admin.conf"
else
  : "${LAB_KUBECONFIG:?the kubeconfig content}" "${KUBE_CONTEXT:?the kubeconfig context}"
  kubectl() {
    command kubectl --kubeconfig <(printf '%s\n' "$LAB_KUBECONFIG") --context "$KUBE_CONTEXT" "$@"
  }
fi

# The lines of $1 as one comma-separated list.
listed() {
  printf '%s\n' "$1" | paste -s -d ',' - | sed 's/,/, /g'
}

# Prints Complete or Failed once Job $1 has finished, nothing while it runs.
job_state() {
  local conditions
  conditions=" $(kubectl get job "$1" --namespace "$NAMESPACE" -o 'jsonpath={.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true) "
  case "$conditions" in
    *" Complete "*) echo Complete ;;
    *" Failed "*) echo Failed ;;
  esac
}

# The log of Job $1's pod, or nothing while there is none.
job_log() {
  kubectl logs "job/$1" --namespace "$NAMESPACE" --container traffic 2>/dev/null || true
}

# "ok count" from a check's log: its final count, or else its last running count (a Job stopped
# at its deadline; the requests it never sent count as failed), or nothing.
count_of() {
  local line ok count
  line="$(printf '%s\n' "$1" | grep -E '^[0-9]+ of [0-9]+ product pages complete$' | tail -n 1 || true)"
  if [ -n "$line" ]; then
    read -r ok _ count _ <<<"$line"
    echo "$ok $count"
    return
  fi
  line="$(printf '%s\n' "$1" | grep -E '^after [0-9]+ of [0-9]+ requests: [0-9]+ whole pages$' | tail -n 1 || true)"
  if [ -n "$line" ]; then
    read -r _ _ _ count _ ok _ <<<"$line"
    echo "$ok $count"
  fi
}

# The Deployments of $DEPLOYMENTS with a running pod (not being deleted) that has no linkerd-proxy
# container, among its containers or its init containers (a native sidecar), one per line. A pod's
# Deployment is its ReplicaSet's name without the last part, the pod-template-hash.
unmeshed() {
  local pods owner deleting names
  pods="$(kubectl get pods --namespace "$NAMESPACE" --field-selector status.phase=Running \
    -o 'jsonpath={range .items[*]}{.metadata.ownerReferences[?(@.kind=="ReplicaSet")].name}|{.metadata.deletionTimestamp}|{.spec.containers[*].name} {.spec.initContainers[*].name}{"\n"}{end}')" || return 1
  while IFS='|' read -r owner deleting names; do
    if [ -z "$owner" ] || [ -n "$deleting" ]; then continue; fi
    case " $DEPLOYMENTS " in *" ${owner%-*} "*) ;; *) continue ;; esac
    case " $names " in *" linkerd-proxy "*) ;; *) echo "${owner%-*}" ;; esac
  done <<<"$pods" | sort -u
}

# Pods that cannot be listed are left to the check Jobs, which then fail on the same API server.
stale="$(unmeshed)" || stale=""
if [ -n "$stale" ]; then
  names="$(listed "$stale")"
  # A restart while the injector does not serve would only start more pods without the proxy.
  if ! kubectl rollout status deployment "${INJECTOR#*/}" --namespace "${INJECTOR%%/*}" --timeout "${ROLLOUT_SECONDS}s" >&2; then
    say bookinfo.meshInjectorDown deployments="$names" injector="$INJECTOR"
    exit 1
  fi
  say bookinfo.meshRestarting deployments="$names"
  for deployment in $stale; do
    kubectl rollout restart deployment "$deployment" --namespace "$NAMESPACE" >&2 || true
  done
  for deployment in $stale; do
    kubectl rollout status deployment "$deployment" --namespace "$NAMESPACE" --timeout "${ROLLOUT_SECONDS}s" >&2 || true
  done
  # When the pods cannot be listed after the restart, the restarted Deployments count as still unmeshed.
  if after="$(unmeshed)"; then stale="$after"; fi
  if [ -n "$stale" ]; then
    names="$(listed "$stale")"
    say bookinfo.meshMissing deployments="$names"
    exit 1
  fi
fi

last="" # the last attempt's outcome: "not-created", "counted <ok> <count>" or "no-count"
for attempt in $(seq 1 "$ATTEMPTS"); do
  [ "$attempt" -eq 1 ] || sleep "${PAUSE_SECONDS:-10}"
  # Older check Jobs go (their pods with them), finished or not, without waiting for them.
  kubectl delete job --namespace "$NAMESPACE" --selector "$JOB_LABEL" --ignore-not-found --wait=false >&2 || true
  if ! created="$(printf '%s\n' "$JOB_MANIFEST" | kubectl create -f - -o name)" || [ -z "$created" ]; then
    say node.trafficNotCreated attempt="$attempt" attempts="$ATTEMPTS"
    last="not-created"
    continue
  fi
  job="${created##*/}"
  deadline=$((SECONDS + WAIT_SECONDS))
  state=""
  log=""
  while :; do
    state="$(job_state "$job")"
    [ -z "$state" ] || break
    # Kept while the Job runs: a Job stopped at its deadline loses its pod, and the log with it.
    seen="$(job_log "$job")"
    [ -z "$seen" ] || log="$seen"
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep "${POLL_SECONDS:-5}"
  done
  if final="$(kubectl logs "job/${job}" --namespace "$NAMESPACE" --container traffic 2>&1)" || [ -z "$log" ]; then
    log="$final"
  fi
  say node.trafficAttempt attempt="$attempt" attempts="$ATTEMPTS" job="$job" state="${state:-$(message node.trafficNotFinished seconds="$WAIT_SECONDS")}"
  printf '%s\n' "$log" >&2
  counted="$(count_of "$log")"
  if [ "$state" = Complete ]; then
    printf '%s\n' "$log" | grep -E '^[0-9]+ of [0-9]+ product pages complete$' | tail -n 1 || true
    exit 0
  fi
  if [ -n "$counted" ]; then
    last="counted ${counted}"
  else
    last="no-count"
    kubectl get pods --namespace "$NAMESPACE" --selector "job-name=${job}" -o wide >&2 || true
  fi
done

case "$last" in
  counted*)
    read -r _ ok count <<<"$last"
    say bookinfo.trafficIncomplete attempts="$ATTEMPTS" ok="$ok" count="$count"
    ;;
  not-created) say bookinfo.trafficNotCreated attempts="$ATTEMPTS" ;;
  *) say bookinfo.trafficUnfinished attempts="$ATTEMPTS" seconds="$WAIT_SECONDS" ;;
esac
exit 1
