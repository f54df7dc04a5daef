# Sourced by tools/demo and tools/run-tests: installs the Debian packages stampd needs (as root),
# running apt-get update once and only when something is missing.
STAMPD_PACKAGES=(openssl openssh-client curl clang llvm libbpf-dev libbpf1 iproute2 iputils-ping tcpdump ethtool make gcc procps
  python3-ncclient ansible libyang2-tools)

stampd_install_prereqs() {
  local missing=() p
  for p in "${STAMPD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "stampd: missing Debian packages: ${missing[*]}; run as root or: apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "stampd: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}
