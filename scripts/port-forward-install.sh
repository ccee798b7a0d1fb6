#!/usr/bin/env bash
# Installs and starts one port-forward systemd service on the control-plane node; run over SSH
# by Pulumi, as root. The service runs as a dynamic user, logged in as the port-forward
# ServiceAccount: this script writes that identity's kubeconfig into a root-only file, which
# systemd hands to the service alone (LoadCredential). Nothing secret is printed: the output
# ends up in Pulumi's state. Removing the service is the resource's delete command.
set -euo pipefail

: "${UNIT_NAME:?systemd unit name, without .service}"
: "${UNIT:?the rendered unit file}"
: "${CREDENTIAL_FILE:?root-only file for the service kubeconfig, as the unit loads it}"
: "${API_SERVER:?the API server URL, on the node private address}"
: "${TOKEN_NAMESPACE:?namespace of the ServiceAccount token Secret}"
: "${TOKEN_SECRET:?name of the ServiceAccount token Secret}"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" # k8s-lab:include

# On a node this is the default; the tests run the script against a directory of their own.
SYSTEMD_DIR="${SYSTEMD_DIR:-/etc/systemd/system}"
umask 077

# The token controller fills the Secret's token shortly after the Secret is created.
token=""
for _ in $(seq 1 30); do
  token="$(kubectl --kubeconfig "$KUBERNETES_DIR/admin.conf" --namespace "$TOKEN_NAMESPACE" \
    get secret "$TOKEN_SECRET" -o 'jsonpath={.data.token}' 2>/dev/null | base64 -d 2>/dev/null || true)"
  [ -n "$token" ] && break
  sleep 2
done
if [ -z "$token" ]; then
  say access.portForwardNoToken name="$TOKEN_SECRET" namespace="$TOKEN_NAMESPACE"
  exit 1
fi
ca="$(base64 -w0 "$KUBERNETES_DIR/pki/ca.crt")"

# Written whole, then moved in place; printf is a bash builtin, so the token never shows on a
# command line.
install -d -m 0700 "$(dirname "$CREDENTIAL_FILE")"
tmp="$(mktemp "$CREDENTIAL_FILE.XXXXXX")"
printf 'apiVersion: v1
kind: Config
clusters:
- name: k8s-lab
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: port-forward
  user:
    token: %s
contexts:
- name: port-forward
  context:
    cluster: k8s-lab
    user: port-forward
current-context: port-forward
' "$API_SERVER" "$ca" "$token" > "$tmp"
chmod 0600 "$tmp"
mv -f "$tmp" "$CREDENTIAL_FILE"

printf '%s\n' "$UNIT" > "$SYSTEMD_DIR/${UNIT_NAME}.service"
systemctl daemon-reload
systemctl enable "${UNIT_NAME}.service"
# restart: a changed kubeconfig or unit takes effect.
systemctl restart "${UNIT_NAME}.service"
systemctl is-active "${UNIT_NAME}.service"
