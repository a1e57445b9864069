# latchkey: `make run` starts latchkey with its default local vault, `make test` runs
# every test. Both install what they need first (`make deps`).
SHELL := /bin/bash
CARGO ?= cargo

# Debian/Ubuntu packages the build and the tests need.
APT_PACKAGES := pkg-config libdbus-1-dev dbus dbus-x11 gnome-keyring libsecret-tools \
	libglib2.0-bin age bsdutils hyperfine

.PHONY: deps build run test lint bench clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing packages. Run:"; echo "  sudo apt-get install -y" $$missing; exit 1; \
	  fi; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing. Install Rust: https://rustup.rs (curl https://sh.rustup.rs -sSf | sh)"; exit 1; }

build: deps
	$(CARGO) build --workspace --locked

# Until the desktop app lands: the CLI's first-run flow on the default vault.
run: deps
	$(CARGO) build --release -p latchkey-cli --locked
	@bin=target/release/latchkey; \
	if ! $$bin identity show >/dev/null 2>&1; then $$bin init || exit 1; fi; \
	$$bin --help

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Every test, the real Secret Service included: the whole run happens inside a private
# D-Bus session with a throwaway, unlocked gnome-keyring (tests/with-keyring.sh).
test: lint
	$(CARGO) build --workspace --bins --locked
	tests/with-keyring.sh $(CARGO) test --workspace --locked

bench: deps
	$(CARGO) bench -p latchkey-core --bench vault --locked
	crates/cli/benches/get.sh

clean:
	$(CARGO) clean
