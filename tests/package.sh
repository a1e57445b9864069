#!/usr/bin/env bash
# The .deb as a user meets it: `apt-get install ./latchkey_*.deb`, then the CLI from PATH
# (a vault made, a value stored and read back), its manual pages and shell completions
# where each tool looks, the desktop entry, the installed app under X to its first
# window, and a clean removal. Run as root under an X server (make test-package).
set -euo pipefail

deb=$(realpath "$1")
pass=0
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >/tmp/latchkey-package-check.log 2>&1; then
    pass=$((pass + 1))
    echo "ok   $what"
  else
    fail=$((fail + 1))
    echo "FAIL $what"
    sed 's/^/     /' /tmp/latchkey-package-check.log
  fi
}

if dpkg-query -W -f='${Status}' latchkey 2>/dev/null | grep -q 'ok installed'; then
  echo "latchkey is already installed from a package: remove it first (apt-get remove latchkey)" >&2
  exit 1
fi
work=$(mktemp -d)
# The app runs in a session of its own, with its own D-Bus; the whole group goes at the
# end, the services its bus started (the document portal's FUSE mount) with it.
stop_app() {
  if [ -n "${app:-}" ]; then
    kill -TERM -- "-$app" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$app" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$app" 2>/dev/null || true
    app=""
  fi
}
cleanup() {
  stop_app
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq latchkey >/dev/null 2>&1 || true
  # A document portal the app's bus started mounts a FUSE file system in the runtime
  # directory (else in ~/.cache/doc): unmounted first, each step bounded.
  for mount in "$work/run/doc" "$work/user/.cache/doc"; do
    timeout 10 fusermount -u -z "$mount" 2>/dev/null || timeout 10 fusermount3 -u -z "$mount" 2>/dev/null ||
      timeout 10 umount -l "$mount" 2>/dev/null || true
  done
  timeout 60 rm -rf --one-file-system "$work" || echo "package: could not remove $work" >&2
}
trap cleanup EXIT

echo "installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/install.log" 2>&1 || {
  cat "$work/install.log"
  exit 1
}

mkdir -m 0700 "$work/run"
export HOME=$work/user LATCHKEY_HOME=$work/user/vault XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME"
check "latchkey is on PATH at /usr/bin" test "$(command -v latchkey)" = /usr/bin/latchkey
check "latchkey --version names the package's version" \
  bash -c "latchkey --version | grep -qx \"latchkey \$(dpkg-query -W -f='\${Version}' latchkey)\""
check "latchkey init --identity-file makes a vault" latchkey init --identity-file "$work/user/id.txt"
check "a value stored is read back" bash -c \
  'printf %s sk-package-test-value-0123456789 | latchkey set OPENAI_API_KEY --force && test "$(latchkey get OPENAI_API_KEY)" = sk-package-test-value-0123456789'
check "latchkey-launcher is installed beside it (run works)" latchkey run --only OPENAI_API_KEY -- true
check "man latchkey-run finds its page" bash -c 'man -w latchkey-run | grep -q /usr/share/man/man1/latchkey-run.1'
check "man latchkey-profile-add renders" bash -c 'man latchkey-profile-add 2>/dev/null | grep -q "Create a profile"'
check "bash completion is installed where bash-completion looks" \
  bash -c 'source /usr/share/bash-completion/completions/latchkey && COMP_WORDS=(latchkey rot) COMP_CWORD=1 && _latchkey latchkey rot latchkey && test "${COMPREPLY[*]}" = rotate'
check "fish completes latchkey verbs with no setup" \
  bash -c "fish -c 'complete -C \"latchkey rot\"' | grep -q '^rotate'"
check "zsh finds _latchkey on its default fpath" \
  zsh -f -c 'autoload -U compinit; compinit -u -D; [[ $_comps[latchkey] == _latchkey ]]'
check "the desktop entry starts the app" grep -qx 'Exec=latchkey-desktop' /usr/share/applications/latchkey.desktop
check "the app's icon is installed" bash -c 'ls /usr/share/icons/hicolor/*/apps/latchkey-desktop.png'

# The installed app, on the vault made above, until its window shows.
setsid dbus-run-session -- latchkey-desktop >"$work/app.log" 2>&1 &
app=$!
shown=""
for _ in $(seq 1 60); do
  if xdotool search --onlyvisible --name '^latchkey$' >/dev/null 2>&1; then
    shown=yes
    break
  fi
  kill -0 "$app" 2>/dev/null || break
  sleep 0.5
done
check "the installed app opens its window" test -n "$shown"
[ -z "$shown" ] && sed 's/^/     app: /' "$work/app.log"
stop_app

check "apt-get remove takes it away cleanly" bash -c \
  'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq latchkey >/dev/null && ! test -e /usr/bin/latchkey && ! test -e /usr/bin/latchkey-desktop && ! test -e /usr/share/man/man1/latchkey-run.1.gz'
check "the user's vault is kept when the package goes" test -s "$LATCHKEY_HOME/vault.age"

echo "package: $pass passed, $fail failed"
[ "$fail" = 0 ]
