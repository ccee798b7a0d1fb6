#!/usr/bin/env bash
# The installs of a lab node: containerd with the systemd cgroup driver, and kubelet, kubeadm and
# kubectl at the pinned version, held. One text for both places that install: every node's user
# data (node-prep.sh) and the build of the prepared node image (node-image.sh), which therefore
# contains exactly what the user data would install; a node booted from that image finds it all
# there and installs nothing. Rendering inlines this file where a script includes it; the script
# declares KUBERNETES_MINOR (1.35) and KUBERNETES_PACKAGE_VERSION (1.35.9-1.1).
# shellcheck disable=SC2154 # the parameters above, declared by the including script

# shellcheck source-path=SCRIPTDIR source=retry.sh
. "$(dirname "${BASH_SOURCE[0]}")/retry.sh" # k8s-lab:include

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

# True when everything install_node installs is there: containerd, its config with the systemd
# cgroup driver, and kubelet, kubeadm and kubectl at exactly KUBERNETES_PACKAGE_VERSION.
node_installed() {
  local package
  # shellcheck disable=SC2016 # dpkg-query's format, not the shell's
  [ "$(dpkg-query -W -f='${db:Status-Status}' containerd 2>/dev/null)" = installed ] || return 1
  for package in kubelet kubeadm kubectl; do
    # shellcheck disable=SC2016 # dpkg-query's format, not the shell's
    [ "$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$package" 2>/dev/null)" = "installed ${KUBERNETES_PACKAGE_VERSION}" ] || return 1
  done
  containerd config dump 2>/dev/null | grep -Eq '^[[:space:]]*SystemdCgroup = true'
}

# Installs containerd and the Kubernetes packages, unless node_installed: then no package index is
# read and nothing is installed or restarted (a node from the prepared image, or a second run).
install_node() {
  if node_installed; then
    echo "k8s-lab: containerd and Kubernetes ${KUBERNETES_PACKAGE_VERSION} are installed already (prepared image): nothing to install"
    return 0
  fi
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
}
