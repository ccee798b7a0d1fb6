#!/usr/bin/env bash
# Installs and starts one port-forward systemd service on the control-plane node; run over SSH
# by Pulumi, as root. Removing it is the resource's delete command.
set -euo pipefail

: "${UNIT_NAME:?systemd unit name, without .service}"
: "${UNIT:?the rendered unit file}"

printf '%s\n' "$UNIT" > "/etc/systemd/system/${UNIT_NAME}.service"
systemctl daemon-reload
systemctl enable "${UNIT_NAME}.service"
systemctl restart "${UNIT_NAME}.service"
systemctl is-active "${UNIT_NAME}.service"
