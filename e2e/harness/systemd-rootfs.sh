#!/bin/sh
# Builds the root file system of a test server that runs systemd as PID 1 (e2e/harness/systemd-server.ts):
# Debian bookworm, minbase, with systemd, D-Bus, OpenSSH's sshd (and its sftp-server) and the tools the
# agent and its deploy run on a server (iptables, ipset, nftables, iproute2's ss, procps). Usage:
#   systemd-rootfs.sh DIR
# Builds into DIR.partial and renames it to DIR only when done, so a half-built tree is never used.
# Needs flock (util-linux).
# Needs root and a Debian mirror (deb.debian.org, or MIRROR).
set -eu
target=$1
mirror=${MIRROR:-http://deb.debian.org/debian}
partial="$target.partial"
mkdir -p "$(dirname "$target")"
# One build at a time per target (test runs of several checkouts share the cache); a run that waited finds it built.
exec 9>"$target.lock"
flock 9
[ -d "$target" ] && exit 0
rm -rf "$partial"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,openssh-server,iptables,ipset,nftables,iproute2,procps \
  bookworm "$partial" "$mirror" >"$partial.log" 2>&1 || {
  echo "debootstrap failed; its log: $partial.log" >&2
  tail -n 20 "$partial.log" >&2
  exit 1
}
# Each server gets a host key of its own (systemd-server.ts writes it); none is shared from here.
rm -f "$partial"/etc/ssh/ssh_host_*
# Root logs in with the test's key only.
mkdir -p "$partial/root/.ssh"
chmod 700 "$partial/root/.ssh"
cat >"$partial/etc/ssh/sshd_config.d/keyport-test.conf" <<'EOF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
HostKey /etc/ssh/ssh_host_ed25519_key
ListenAddress 127.0.0.1
EOF
# nspawn's console has no terminal to serve: no getty on it. No machine-id: systemd makes one per boot
# (a container with an empty one is a "first boot", which is what a fresh VPS is).
ln -sf /dev/null "$partial/etc/systemd/system/console-getty.service"
ln -sf /dev/null "$partial/etc/systemd/system/getty@tty1.service"
: >"$partial/etc/machine-id"
echo keyport-systemd-test >"$partial/etc/hostname"
systemctl --root="$partial" enable ssh.service >/dev/null 2>&1 || true
rm -rf "$partial"/var/cache/apt/archives/*.deb "$partial"/var/lib/apt/lists/*
mv "$partial.log" "$partial/var/log/keyport-debootstrap.log"
mv "$partial" "$target"
