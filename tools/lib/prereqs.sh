# Sourced by tools/demo and tools/run-tests: installs the Debian packages stampd needs (as root),
# running apt-get update once and only when something is missing.
# python3-grpc-tools, python3-grpcio, python3-protobuf: the Python gRPC client of the southbound API
# (tools/lib/grpc/python-stubs, PythonClientTest). systemd: systemd-analyze verify of the unit
# (InstallServiceTest), which needs no running systemd. prometheus: promtool and the server that
# MetricsEndpointTest checks the agent's /metrics with (the package's own service is not started).
# tmux: the real terminal WatchInTmuxTest draws stampd watch in. fontconfig, fonts-dejavu-core: the
# font headless java.awt needs to write the labels of stampd plot and bench-plot. ssh-audit: the
# SSH algorithms the agent offers (LeastPrivilegeNetnsTest).
STAMPD_PACKAGES=(openssl openssh-client ssh-audit curl clang llvm libbpf-dev libbpf1 iproute2 iputils-ping tcpdump ethtool make gcc procps systemd
  python3-ncclient ansible libyang2-tools python3-grpc-tools python3-grpcio python3-protobuf prometheus
  tmux fontconfig fonts-dejavu-core)

# apt-get update, unless the package lists were fetched within the hour (CI installs the test
# prerequisites and then the benchmark's: one update serves both).
STAMPD_APT_STAMP=/tmp/stampd-apt-update.stamp
stampd_apt_update_once() {
  [ -n "$(find "$STAMPD_APT_STAMP" -mmin -60 -print 2>/dev/null)" ] && return 0
  apt-get update -qq >&2 && touch "$STAMPD_APT_STAMP"
}

# stampd_missing_packages PACKAGE...: the ones not installed, one line; fails (with how to install
# them) when some are missing and this is not root.
stampd_missing_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
    echo "stampd: missing Debian packages: ${missing[*]}; run as root or: apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "${missing[*]}"
}

stampd_install_prereqs() {
  local missing
  missing=$(stampd_missing_packages "${STAMPD_PACKAGES[@]}") || return 1
  [ -n "$missing" ] || return 0
  echo "stampd: installing $missing" >&2
  # prometheus would start its own server (port 9090) on a host with an init system: as for the
  # peer's packages below, a policy-rc.d that denies every start is in place during the install.
  local policy=/usr/sbin/policy-rc.d made=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made=1
  fi
  stampd_apt_update_once || rc=$?
  # shellcheck disable=SC2086 # package names: one word each
  [ $rc -ne 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 || rc=$?
  [ $made -eq 0 ] || rm -f "$policy"
  return $rc
}

# The peer of the control-plane benchmark (tools/lib/bench/peer): yuma123's netconfd, and OpenSSH's
# sshd, of which the benchmark runs a private instance in front of it. Installing openssh-server would
# also enable and start the system's sshd on a host with an init system: a policy-rc.d that denies
# every start is in place during the install (only if there is none), so nothing starts.
STAMPD_PEER_PACKAGES=(netconfd openssh-server)

stampd_install_peer_prereqs() {
  local missing
  missing=$(stampd_missing_packages "${STAMPD_PEER_PACKAGES[@]}") || return 1
  [ -n "$missing" ] || return 0
  echo "stampd: installing $missing (no service is started)" >&2
  local policy=/usr/sbin/policy-rc.d made=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made=1
  fi
  stampd_apt_update_once || rc=$?
  # shellcheck disable=SC2086
  [ $rc -ne 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 || rc=$?
  [ $made -eq 0 ] || rm -f "$policy"
  return $rc
}
