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

# Sets `key = value` (value as TOML: quoted) in one table of a TOML file: replaced where the table
# has the key, added where it does not, and the table added where it is missing (a `sed` on a line
# that may not exist is not enough). Tables are matched by their header line as written.
toml_set() {
  local file="$1" table="$2" key="$3" value="$4"
  awk -v table="$table" -v key="$key" -v value="$value" '
    function add() { print indent key " = " value; done = 1 }
    {
      trimmed = $0
      gsub(/^[ \t]+|[ \t]+$/, "", trimmed)
      if (trimmed ~ /^\[/) {
        if (inside && !done) add()
        inside = (trimmed == table)
        if (inside) { found = 1; match($0, /^[ \t]*/); indent = substr($0, 1, RLENGTH) "  " }
      } else if (inside && index(trimmed, key) == 1 && substr(trimmed, length(key) + 1) ~ /^[ \t]*=/) {
        match($0, /^[ \t]*/)
        print substr($0, 1, RLENGTH) key " = " value
        done = 1
        next
      }
      print
    }
    END {
      if (inside && !done) add()
      if (!found) { print ""; print table; indent = "  "; add() }
    }
  ' "$file" > "${file}.k8s-lab" && mv "${file}.k8s-lab" "$file"
}

# The config format of a containerd config: 2 for containerd 1.x (Ubuntu 24.04's 1.7), 3 for 2.x.
containerd_config_version() {
  local version
  version="$(sed -n 's/^version *= *\([0-9]*\).*/\1/p' "$1" | head -n 1)"
  case "$version" in
    2|3) echo "$version" ;;
    *) echo "k8s-lab: unknown containerd config version '${version}' in $1" >&2; return 1 ;;
  esac
}

# Sets `SystemdCgroup = true` for runc in a containerd config: in the CRI plugin's runc options
# table, whose name depends on the config format.
containerd_systemd_cgroup() {
  local version
  version="$(containerd_config_version "$1")" || return 1
  case "$version" in
    2) toml_set "$1" '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]' SystemdCgroup true ;;
    3) toml_set "$1" "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]" SystemdCgroup true ;;
  esac
}

# Sets the pod sandbox (pause) image of a containerd config to $2: containerd 1.7's
# `sandbox_image` in the CRI plugin, containerd 2.x's `sandbox` among the pinned images (pinned:
# the image garbage collection never removes it).
containerd_sandbox_image() {
  local version
  version="$(containerd_config_version "$1")" || return 1
  case "$version" in
    2) toml_set "$1" '[plugins."io.containerd.grpc.v1.cri"]' sandbox_image "\"$2\"" ;;
    3) toml_set "$1" "[plugins.'io.containerd.cri.v1.images'.pinned_images]" sandbox "\"$2\"" ;;
  esac
}

# kubeadm's pause image for the pinned version: the one its preflight expects, which containerd
# must use too (else kubelet and containerd disagree and kubeadm warns). Needs kubeadm, no network.
# awk reads the whole list: a reader that stops early would fail the pipeline (pipefail, SIGPIPE).
pause_image() {
  kubeadm config images list --kubernetes-version "v${KUBERNETES_PACKAGE_VERSION%-*}" 2>/dev/null | awk '/\/pause:/ && !found { print; found = 1 }'
}

# The packages install_node holds: kubelet, kubeadm and kubectl at the pinned version, and
# containerd and runc, so that unattended-upgrades never restarts containerd under a bootstrap.
HELD_PACKAGES="kubelet kubeadm kubectl containerd runc"

# True when everything install_node installs is there: containerd, active, its config with the
# systemd cgroup driver and kubeadm's pause image as the sandbox image, and kubelet, kubeadm and
# kubectl at exactly KUBERNETES_PACKAGE_VERSION, kubelet enabled.
node_installed() {
  local package pause config
  # shellcheck disable=SC2016 # dpkg-query's format, not the shell's
  [ "$(dpkg-query -W -f='${db:Status-Status}' containerd 2>/dev/null)" = installed ] || return 1
  for package in kubelet kubeadm kubectl; do
    # shellcheck disable=SC2016 # dpkg-query's format, not the shell's
    [ "$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$package" 2>/dev/null)" = "installed ${KUBERNETES_PACKAGE_VERSION}" ] || return 1
  done
  systemctl is-active --quiet containerd || return 1
  systemctl is-enabled --quiet kubelet || return 1
  pause="$(pause_image)" && [ -n "$pause" ] || return 1
  config="$(containerd config dump 2>/dev/null)" || return 1
  grep -Eq '^[[:space:]]*SystemdCgroup = true' <<< "$config" || return 1
  grep -Eq "^[[:space:]]*(sandbox_image|sandbox) = [\"']${pause//./\\.}[\"']" <<< "$config"
}

# Installs containerd and the Kubernetes packages, unless node_installed: then no package index is
# read and nothing is installed or restarted (a node from the prepared image, or a second run).
# Held packages are changed (--allow-change-held-packages), so another pinned version installs.
install_node() {
  # On the prepared image containerd starts at boot, maybe after the user data began: start
  # waits for it (nothing happens where it is not installed).
  systemctl start containerd 2>/dev/null || true
  if node_installed; then
    echo "k8s-lab: containerd and Kubernetes ${KUBERNETES_PACKAGE_VERSION} are installed already (prepared image): nothing to install"
    return 0
  fi
  retry apt-get update -q --error-on=any
  retry apt-get install -y -q --allow-change-held-packages containerd apt-transport-https ca-certificates curl gpg

  install -d -m 0755 /etc/apt/keyrings
  retry curl -fsSL -o /tmp/kubernetes-release.key "https://pkgs.k8s.io/core:/stable:/v${KUBERNETES_MINOR}/deb/Release.key"
  gpg --batch --yes --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg /tmp/kubernetes-release.key
  echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v${KUBERNETES_MINOR}/deb/ /" \
    > /etc/apt/sources.list.d/kubernetes.list
  retry apt-get update -q --error-on=any
  retry apt-get install -y -q --allow-change-held-packages \
    "kubelet=${KUBERNETES_PACKAGE_VERSION}" "kubeadm=${KUBERNETES_PACKAGE_VERSION}" "kubectl=${KUBERNETES_PACKAGE_VERSION}"
  # shellcheck disable=SC2086 # a list of package names
  apt-mark hold $HELD_PACKAGES

  local pause
  pause="$(pause_image)"
  if [ -z "$pause" ]; then
    echo "k8s-lab: kubeadm named no pause image for Kubernetes ${KUBERNETES_PACKAGE_VERSION%-*}" >&2
    exit 1
  fi
  install -d -m 0755 /etc/containerd
  containerd config default > /etc/containerd/config.toml
  containerd_systemd_cgroup /etc/containerd/config.toml
  containerd_sandbox_image /etc/containerd/config.toml "$pause"
  systemctl restart containerd
  systemctl enable kubelet
  if ! node_installed; then
    echo "k8s-lab: containerd did not take the systemd cgroup driver and the sandbox image ${pause}, or kubelet is not enabled" >&2
    exit 1
  fi
}
