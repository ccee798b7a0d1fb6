#!/usr/bin/env bash
# Boot-time setup of the NAT instance (EC2 user data, run once by cloud-init): the workers'
# private subnet reaches the internet through it. It writes what survives a reboot and starts it:
# - /etc/sysctl.d/90-k8s-lab-nat.conf: IPv4 forwarding;
# - /usr/local/sbin/k8s-lab-nat (this script) and the oneshot unit k8s-lab-nat.service, which
#   runs `k8s-lab-nat apply` on every boot: forwarding on, the private subnet masqueraded to the
#   instance's address, and TCP's MSS clamped to 1460 on the way out. Inside the VPC the MTU is
#   9001, on the internet 1500: a worker would announce an MSS of 8961, and a server whose ICMP
#   "fragmentation needed" gets lost would send segments that never arrive.
# The rules are added only when missing (iptables -C), so `apply` is safe to run again.
# Changing this script replaces the NAT instance.
set -euo pipefail

: "${PRIVATE_CIDR:?the workers subnet, whose traffic is forwarded and masqueraded}"

# shellcheck source-path=SCRIPTDIR source=retry.sh
. "$(dirname "${BASH_SOURCE[0]}")/retry.sh" # k8s-lab:include

# Where the files go: the root, unless a test moves it.
NAT_ROOT="${NAT_ROOT:-}"
NAT_UNIT=k8s-lab-nat.service

# The interface of the default route (ens5 on a Nitro instance).
uplink() {
  ip -o route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }'
}

# Appends an iptables rule to a table's chain unless it is there already.
rule() {
  local table="$1"
  shift
  iptables -w -t "$table" -C "$@" 2>/dev/null || iptables -w -t "$table" -A "$@"
}

# What k8s-lab-nat.service runs on every boot.
apply() {
  local dev
  dev="$(uplink)"
  if [ -z "$dev" ]; then
    echo "k8s-lab-nat: no default route, nothing to masquerade to" >&2
    return 1
  fi
  sysctl -q -w net.ipv4.ip_forward=1
  rule nat POSTROUTING -s "$PRIVATE_CIDR" -o "$dev" -j MASQUERADE
  rule mangle FORWARD -o "$dev" -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss 1461:65535 -j TCPMSS --set-mss 1460
  echo "k8s-lab-nat: forwarding ${PRIVATE_CIDR} through ${dev}"
}

unit() {
  cat <<'UNIT'
[Unit]
Description=k8s-lab NAT: forwarding, masquerading and MSS clamp for the workers subnet
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/k8s-lab-nat apply
# Also on the serial console, which `aws ec2 get-console-output` reads: the instance has no SSH key.
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
UNIT
}

# The first boot: the files that make it last, then the unit, started now.
install_nat() {
  install -d -m 0755 "${NAT_ROOT}/etc/sysctl.d" "${NAT_ROOT}/usr/local/sbin" "${NAT_ROOT}/etc/systemd/system"
  printf 'net.ipv4.ip_forward = 1\n' > "${NAT_ROOT}/etc/sysctl.d/90-k8s-lab-nat.conf"
  install -m 0755 "${BASH_SOURCE[0]}" "${NAT_ROOT}/usr/local/sbin/k8s-lab-nat"
  unit > "${NAT_ROOT}/etc/systemd/system/${NAT_UNIT}"
  # Ubuntu's server image has iptables (ufw needs it); a leaner image gets it, through its own public address.
  if ! command -v iptables >/dev/null; then
    retry apt-get update -q --error-on=any
    retry apt-get install -y -q iptables
  fi
  systemctl daemon-reload
  systemctl enable --now "$NAT_UNIT"
}

main() {
  case "${1:-install}" in
    install) install_nat ;;
    apply) apply ;;
    *) echo "usage: k8s-lab-nat [install|apply]" >&2; return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
