#!/usr/bin/env bash
# Boot-time preparation of every lab node (EC2 user data, run by cloud-init on each node in
# parallel): swap off, kernel modules and sysctls for Kubernetes networking, containerd with the
# systemd cgroup driver, and kubelet, kubeadm and kubectl at the pinned version, held.
# Changing this script replaces the nodes.
set -euo pipefail

: "${NODE_ROLE:?control-plane or worker}"
: "${LAB_NAME:?project-stack name of the lab}"
: "${KUBERNETES_MINOR:?Kubernetes minor version, e.g. 1.35}"
: "${KUBERNETES_PACKAGE_VERSION:?exact package version, e.g. 1.35.9-1.1}"

# shellcheck source-path=SCRIPTDIR source=retry.sh
. "$(dirname "${BASH_SOURCE[0]}")/retry.sh" # k8s-lab:include

# The mark of a prepared node, which the bootstrap scripts wait for (common.sh declares it too).
PREPARED_MARKER="${PREPARED_MARKER:-/var/lib/k8s-lab/prepared}"

# Sets `SystemdCgroup = true` for runc in a containerd config: in the CRI plugin's runc options
# table, whose name depends on the config format (version 2 for containerd 1.x, version 3 for
# containerd 2.x). The key is replaced where the table has it and added where it does not, and
# the table is added where it is missing: a `sed` on a line that may not exist is not enough.
containerd_systemd_cgroup() {
  local file="$1" version table
  version="$(sed -n 's/^version *= *\([0-9]*\).*/\1/p' "$file" | head -n 1)"
  case "$version" in
    2) table='[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]' ;;
    3) table="[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]" ;;
    *) echo "k8s-lab: unknown containerd config version '${version}' in ${file}" >&2; return 1 ;;
  esac
  awk -v table="$table" '
    function add() { print indent "SystemdCgroup = true"; done = 1 }
    {
      trimmed = $0
      gsub(/^[ \t]+|[ \t]+$/, "", trimmed)
      if (trimmed ~ /^\[/) {
        if (inside && !done) add()
        inside = (trimmed == table)
        if (inside) { found = 1; match($0, /^[ \t]*/); indent = substr($0, 1, RLENGTH) "  " }
      } else if (inside && trimmed ~ /^SystemdCgroup[ \t]*=/) {
        sub(/SystemdCgroup[ \t]*=.*/, "SystemdCgroup = true")
        done = 1
      }
      print
    }
    END {
      if (inside && !done) add()
      if (!found) { print ""; print table; indent = "  "; add() }
    }
  ' "$file" > "${file}.k8s-lab" && mv "${file}.k8s-lab" "$file"
}

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

  retry apt-get update -q --error-on=any
  retry apt-get install -y -q containerd apt-transport-https ca-certificates curl gpg
  install -d -m 0755 /etc/containerd
  containerd config default > /etc/containerd/config.toml
  containerd_systemd_cgroup /etc/containerd/config.toml
  systemctl restart containerd
  if ! containerd config dump | grep -Eq '^[[:space:]]*SystemdCgroup = true'; then
    echo "k8s-lab: containerd did not take the systemd cgroup driver" >&2
    exit 1
  fi

  install -d -m 0755 /etc/apt/keyrings
  retry curl -fsSL -o /tmp/kubernetes-release.key "https://pkgs.k8s.io/core:/stable:/v${KUBERNETES_MINOR}/deb/Release.key"
  gpg --batch --yes --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg /tmp/kubernetes-release.key
  echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v${KUBERNETES_MINOR}/deb/ /" \
    > /etc/apt/sources.list.d/kubernetes.list
  retry apt-get update -q --error-on=any
  retry apt-get install -y -q \
    "kubelet=${KUBERNETES_PACKAGE_VERSION}" "kubeadm=${KUBERNETES_PACKAGE_VERSION}" "kubectl=${KUBERNETES_PACKAGE_VERSION}"
  apt-mark hold kubelet kubeadm kubectl
  systemctl enable kubelet

  install -d -m 0755 "$(dirname "$PREPARED_MARKER")"
  touch "$PREPARED_MARKER"
  echo "k8s-lab: ${NODE_ROLE} node prepared"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
