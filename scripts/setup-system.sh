#!/usr/bin/env bash
# The system packages `npm test` needs beyond Node 20 and npm: Chromium (the editor tests drive it), the Liberation
# fonts (the same UI fonts everywhere, for comparable screenshots), ripgrep and the build tools code-server's
# postinstall uses (it compiles native modules and seeds its rg from /usr/bin/rg).
# Checks first and changes nothing when all is there; installs with apt on Debian/Ubuntu; elsewhere says what to install.
# `npm test` runs it (phase `system`); `--check` only reports.
set -euo pipefail

packages=(chromium fonts-liberation ripgrep libkrb5-dev build-essential python3 pkg-config)

missing_commands() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || [[ -n "${WHETSTONE_E2E_CHROMIUM:-}" && -x "${WHETSTONE_E2E_CHROMIUM:-}" ]] ||
    missing+=(chromium)
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  for tool in make g++ python3 pkg-config; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  echo "${missing[@]:-}"
}

missing_debian_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=$(missing_debian_packages)
  if [[ -z "$missing" ]]; then
    echo "system packages: all present (${packages[*]})"
    exit 0
  fi
  if [[ "${1:-}" == "--check" ]]; then
    echo "system packages missing: $missing (run scripts/setup-system.sh)" >&2
    exit 1
  fi
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "system packages missing: $missing. Run as root: apt-get install -y $missing" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "system packages: installing $missing with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  "${sudo[@]}" apt-get install -y -qq $missing >/dev/null
  echo "system packages: installed $missing"
  exit 0
fi

missing=$(missing_commands)
if [[ -z "$missing" ]]; then
  echo "system packages: no apt here, but every needed command is on PATH"
  exit 0
fi
cat >&2 <<MSG
system packages: this is not Debian/Ubuntu, so nothing was installed. Missing: $missing.
Install with your package manager the equivalents of: ${packages[*]}
(a Chromium binary on PATH as \`chromium\`, or WHETSTONE_E2E_CHROMIUM=/path/to/chrome; ripgrep as \`rg\`; a C/C++
toolchain, python3, pkg-config and the Kerberos development headers for code-server's native modules).
To run everything except the real-VS-Code phase meanwhile: WHETSTONE_SKIP_VSCODE=1 npm test
MSG
exit 1
