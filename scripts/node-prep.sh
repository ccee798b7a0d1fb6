#!/usr/bin/env bash
# Boot-time preparation of every lab node (EC2 user data, run by cloud-init on each node in
# parallel): swap off, kernel modules and sysctls for Kubernetes networking, time from the Amazon
# Time Sync Service, and the installs of node-install.sh (containerd, kubelet, kubeadm, kubectl at
# the pinned version), which a node booted from the prepared image finds done and skips.
# Changing this script, node-install.sh or retry.sh replaces the nodes.
set -euo pipefail

: "${NODE_ROLE:?control-plane or worker}"
: "${LAB_NAME:?project-stack name of the lab}"
: "${KUBERNETES_MINOR:?Kubernetes minor version, e.g. 1.35}"
: "${KUBERNETES_PACKAGE_VERSION:?exact package version, e.g. 1.35.9-1.1}"

# shellcheck source-path=SCRIPTDIR source=node-install.sh
. "$(dirname "${BASH_SOURCE[0]}")/node-install.sh" # k8s-lab:include

# The mark of a prepared node, which the bootstrap scripts wait for (common.sh declares it too).
PREPARED_MARKER="${PREPARED_MARKER:-/var/lib/k8s-lab/prepared}"

# Time from the Amazon Time Sync Service, link-local: it needs no egress (a worker reaches the
# internet only through the NAT instance, on HTTP and HTTPS, never on NTP's UDP 123). Whichever
# client the image runs takes it as its source: systemd-timesyncd (Ubuntu 24.04's, which would
# otherwise ask ntp.ubuntu.com) or chrony. Files under $1 (the root, unless a test moves it).
time_sync() {
  local root="${1:-}" server=169.254.169.123 unit
  install -d -m 0755 "${root}/etc/systemd/timesyncd.conf.d"
  printf '[Time]\nNTP=%s\n' "$server" > "${root}/etc/systemd/timesyncd.conf.d/k8s-lab.conf"
  if [ -d "${root}/etc/chrony" ]; then
    install -d -m 0755 "${root}/etc/chrony/sources.d"
    printf 'server %s prefer iburst minpoll 4 maxpoll 4\n' "$server" > "${root}/etc/chrony/sources.d/k8s-lab.sources"
  fi
  for unit in systemd-timesyncd.service chrony.service; do
    if systemctl is-active --quiet "$unit"; then systemctl restart "$unit"; fi
  done
}

main() {
  exec > >(tee -a /var/log/k8s-lab-prep.log) 2>&1
  echo "k8s-lab: preparing ${NODE_ROLE} node of ${LAB_NAME}"
  export DEBIAN_FRONTEND=noninteractive
  time_sync ""

  swapoff -a
  sed -ri '/\sswap\s/s/^([^#])/#\1/' /etc/fstab

  printf 'overlay\nbr_netfilter\n' > /etc/modules-load.d/k8s-lab.conf
  modprobe overlay
  modprobe br_netfilter
  cat > /etc/sysctl.d/99-k8s-lab.conf <<SYSCTL
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
SYSCTL
  sysctl --system >/dev/null

  install_node

  install -d -m 0755 "$(dirname "$PREPARED_MARKER")"
  touch "$PREPARED_MARKER"
  echo "k8s-lab: ${NODE_ROLE} node prepared"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
