#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throwaway gnome-keyring whose
# default collection is unlocked: the real Secret Service, never the user's own keyring.
#
#   tests/with-keyring.sh cargo test -p latchkey-tests --test keychain
set -euo pipefail

if [ -z "${LATCHKEY_KEYRING_DIR:-}" ]; then
  for tool in dbus-run-session gnome-keyring-daemon secret-tool gdbus; do
    command -v "$tool" >/dev/null || {
      echo "with-keyring: $tool is missing: run 'make deps' (apt-get install dbus gnome-keyring libsecret-tools libglib2.0-bin)" >&2
      exit 1
    }
  done
  dir=$(mktemp -d)
  mkdir -m 0700 "$dir/run"
  # Everything in the session, the keyring daemon D-Bus may start included, keeps its
  # keyrings under this throwaway XDG_DATA_HOME, and its sockets and mounts under this
  # XDG_RUNTIME_DIR: the document portal a webview starts mounts a FUSE file system
  # there (else at ~/.cache/doc), which would outlive the session as a dead mount
  # that makes later bind mounts of ~/.cache fail.
  # The session's services are the system's, without the desktop portals: a minimal
  # desktop of a keyring, a notification daemon and a tray host (the tests stand up the
  # last two). Debian's xdg-desktop-portal-gtk, which libwebkit2gtk recommends (so apt
  # installs it on a fresh machine), half-works under Xvfb with no desktop session: with
  # it activated, the window never gets the keyboard focus and the tray's menu events
  # are lost. Its document portal also mounts a FUSE file system.
  mkdir "$dir/services"
  IFS=: read -ra data_dirs <<<"${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
  for data_dir in "${data_dirs[@]}"; do
    for service in "$data_dir"/dbus-1/services/*.service; do
      case "$service" in
        *portal*) ;;
        *) [ -e "$service" ] && [ ! -e "$dir/services/${service##*/}" ] && ln -s "$service" "$dir/services/" ;;
      esac
    done
  done
  cat >"$dir/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$dir/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  status=0
  dbus-run-session --config-file="$dir/session.conf" -- env LATCHKEY_KEYRING_DIR="$dir" XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" \
    "$0" "$@" || status=$?
  # Each step bounded: a mount whose daemon hangs must not hold up the caller.
  timeout 10 fusermount -u -z "$dir/run/doc" 2>/dev/null || timeout 10 fusermount3 -u -z "$dir/run/doc" 2>/dev/null ||
    timeout 10 umount -l "$dir/run/doc" 2>/dev/null || true
  timeout 60 rm -rf --one-file-system "$dir" || echo "with-keyring: could not remove $dir" >&2
  exit "$status"
fi

printf %s "latchkey-throwaway-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null

# The daemon takes its name on the bus after --unlock returns. A client that comes first
# (on a busy machine) makes D-Bus start a second, locked daemon, whose password prompt
# then waits forever for a display: wait for the unlocked one to own the name.
for _ in $(seq 100); do
  if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true; then
    break
  fi
  sleep 0.1
done

# A wrong password still exits 0 and leaves the collection locked: prove it is usable
# (a locked one would prompt, and wait: give up after a while).
probe="probe-$$"
printf %s "$probe" | timeout 20 secret-tool store --label=latchkey-probe service latchkey-probe username probe || {
  echo "with-keyring: the throwaway keyring is not usable (secret-tool store failed or waited for a prompt)" >&2
  exit 1
}
if [ "$(secret-tool lookup service latchkey-probe username probe)" != "$probe" ]; then
  echo "with-keyring: the throwaway keyring is not unlocked" >&2
  exit 1
fi
secret-tool clear service latchkey-probe username probe

export LATCHKEY_TEST_KEYRING=1
# Tests reach 127.0.0.1 only: latchkey aborts on any other connection, and other
# clients get a proxy that answers nothing.
export LATCHKEY_LOOPBACK_ONLY=1 HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
  https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost,::1 \
  no_proxy=127.0.0.1,localhost,::1

# Services D-Bus started for the command (the keyring, a webview's portals) inherit the
# session's stdout: left running, they would hold it open, and whatever reads it (make's
# caller, node --test) would wait forever. End every process of this session with it.
end_session() {
  local pids=()
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    [ "$pid" = "$$" ] && continue
    # Bounded: reading a process's environment waits for its memory map, which a
    # process stuck on a dead FUSE mount can hold for ever.
    if { timeout 2 tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; then
      pids+=("$pid")
    fi
  done
  [ ${#pids[@]} -eq 0 ] && return
  kill "${pids[@]}" 2>/dev/null || true
  sleep 1
  # What ignored the request (a stuck WebKit process) is not asked twice.
  kill -KILL "${pids[@]}" 2>/dev/null || true
}
status=0
"$@" || status=$?
end_session
exit "$status"
