#!/usr/bin/env bash
# The Bookinfo traffic check, on the control-plane node, run by every `pulumi up`: replaces the
# check Job by a fresh one (the Job runs bookinfo-traffic.sh in the meshed namespace), waits a
# bounded time for its verdict, prints its log, and tries again a bounded number of times. When
# every attempt fails, it exits non-zero with the last verdict: that fails this `up`, and the
# next `up` simply runs the check again. Run over SSH by Pulumi, as root.
set -euo pipefail

: "${NAMESPACE:?namespace of the check Job}"
: "${JOB_NAME:?name of the check Job}"
: "${JOB_MANIFEST:?the check Job, as JSON}"
: "${ATTEMPTS:?how many Jobs to try}"
: "${ATTEMPT_SECONDS:?how long to wait for each Job to finish}"
: "${MSG_INCOMPLETE:?message for an attempt that counted, with {attempts}, {ok} and {count}}"
: "${MSG_UNFINISHED:?message for an attempt without a count, with {attempts} and {seconds}}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

export KUBECONFIG="${KUBERNETES_DIR}/admin.conf"

# Prints Complete or Failed once the Job has finished, nothing while it runs.
job_state() {
  local conditions
  conditions=" $(kubectl get job "$JOB_NAME" --namespace "$NAMESPACE" -o 'jsonpath={.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true) "
  case "$conditions" in
    *" Complete "*) echo Complete ;;
    *" Failed "*) echo Failed ;;
  esac
}

counted=""
for attempt in $(seq 1 "$ATTEMPTS"); do
  # The previous Job and its pods go first, whether it passed, failed or still runs.
  kubectl delete job "$JOB_NAME" --namespace "$NAMESPACE" --ignore-not-found --cascade=foreground --wait=true --timeout=120s >&2
  printf '%s\n' "$JOB_MANIFEST" | kubectl create -f - >&2
  deadline=$((SECONDS + ATTEMPT_SECONDS))
  state=""
  while :; do
    state="$(job_state)"
    [ -z "$state" ] || break
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep "${POLL_SECONDS:-5}"
  done
  log="$(kubectl logs "job/${JOB_NAME}" --namespace "$NAMESPACE" --container traffic 2>&1 || true)"
  echo "k8s-lab: traffic check, attempt ${attempt} of ${ATTEMPTS}: ${state:-not finished after ${ATTEMPT_SECONDS} s}" >&2
  printf '%s\n' "$log" >&2
  counted="$(printf '%s\n' "$log" | grep -E '^[0-9]+ of [0-9]+ product pages complete$' | tail -n 1 || true)"
  if [ "$state" = Complete ]; then
    printf '%s\n' "$counted"
    exit 0
  fi
  if [ -z "$counted" ]; then
    kubectl get pods --namespace "$NAMESPACE" --selector "job-name=${JOB_NAME}" -o wide >&2 || true
  fi
done

if [ -n "$counted" ]; then
  read -r ok _ count _ <<<"$counted"
  message="${MSG_INCOMPLETE//\{ok\}/$ok}"
  message="${message//\{count\}/$count}"
else
  message="${MSG_UNFINISHED//\{seconds\}/$ATTEMPT_SECONDS}"
fi
echo "${message//\{attempts\}/$ATTEMPTS}" >&2
exit 1
