# latchkey: `make run` starts the desktop app on the default local vault, `make test`
# runs every test. Both install what they need first (`make deps`).
SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm

# Debian/Ubuntu packages the build and the tests need. A Node.js that is already there
# (with its npm, say from NodeSource) is kept: Debian's npm would conflict with it.
APT_PACKAGES := pkg-config libdbus-1-dev dbus dbus-x11 gnome-keyring libsecret-tools libglib2.0-bin \
	age bsdutils hyperfine git python3 python3-pip curl bubblewrap \
	libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev \
	webkit2gtk-driver xvfb xauth xclip xdotool python3-gi gir1.2-gtk-3.0 nodejs npm \
	zsh fish man-db dpkg-dev

.PHONY: deps tools ui bindings build launcher run package test lint test-ui test-rust test-desktop test-package fuzz bench check-windows clean

# `make run` and `make bench` build for this machine: the CLI may then be linked with
# packed relocations (crates/cli/build.rs), which need glibc 2.36 where it runs. A
# package may go to an older system, so it never is.
unexport LATCHKEY_RELR
run bench: export LATCHKEY_RELR := 1

# The host's target triple, to build latchkey-launcher statically linked: it starts
# every launched command, and a static program starts in a fraction of the time.
HOST := $(shell rustc -vV 2>/dev/null | sed -n 's/host: //p')

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if command -v $(NPM) >/dev/null; then missing=$$(echo $$missing | tr ' ' '\n' | grep -vxE 'nodejs|npm' | tr '\n' ' '); fi; \
	missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing packages. Run:"; echo "  sudo apt-get install -y" $$missing; exit 1; \
	  fi; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing. Install Rust: curl https://sh.rustup.rs -sSf | sh"; exit 1; }

# tauri-driver bridges WebDriver to the app for the end-to-end tests.
tools: deps
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --version ^2 --locked

ui: deps
	cd ui && $(NPM) ci --no-audit --no-fund && $(NPM) run build

# Regenerates ui/src/lib/bindings from the Rust IPC types, and the scenarios' recorded
# answers (ui/src/test/scenarios/*.expected.json) from the commands (commit the result).
bindings: ui
	LATCHKEY_WRITE_BINDINGS=1 tests/with-keyring.sh $(CARGO) test -p latchkey-desktop --test bindings --test scenarios

build: ui
	$(CARGO) build --workspace --locked

# A release latchkey-launcher, linked statically, beside the release binaries.
launcher: deps
	RUSTFLAGS="-C target-feature=+crt-static" $(CARGO) build --release --locked -p latchkey-launcher --target $(HOST)
	mkdir -p target/release && cp target/$(HOST)/release/latchkey-launcher target/release/latchkey-launcher

run: ui
	$(CARGO) build --release -p latchkey-desktop -p latchkey-cli --locked
	$(MAKE) launcher
	target/release/latchkey-desktop

# The .deb (Tauri's bundler, from @tauri-apps/cli in ui/): the app, the `latchkey` CLI and
# its launcher on PATH, the desktop entry and icons, a manual page per verb, and bash,
# zsh and fish completions. It lands in target/release/bundle/deb/. With
# PACKAGE_PROFILE=debug (as test-package does) it bundles the debug build the tests
# already made (`cargo build --workspace`, then `tauri bundle`, which builds nothing), in
# target/debug/bundle/deb/: the same package, without a second build of the app.
PACKAGE_PROFILE ?= release
PACKAGE_DIR = target/$(PACKAGE_PROFILE)
package: ui
	$(STAGE)
	$(if $(filter release,$(PACKAGE_PROFILE)),$(CARGO) build --release -p latchkey-cli --locked && $(MAKE) launcher,$(CARGO) build --workspace --locked)
	rm -rf target/package && mkdir -p target/package/completions
	$(PACKAGE_DIR)/latchkey man --out target/package/man
	gzip -9n target/package/man/*.1
	$(PACKAGE_DIR)/latchkey completions bash > target/package/completions/latchkey.bash
	$(PACKAGE_DIR)/latchkey completions zsh > target/package/completions/_latchkey
	$(PACKAGE_DIR)/latchkey completions fish > target/package/completions/latchkey.fish
	ui/node_modules/.bin/tauri $(if $(filter debug,$(PACKAGE_PROFILE)),bundle --debug,build) --bundles deb --ci \
	  --config '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/latchkey":"../$(PACKAGE_DIR)/latchkey","/usr/bin/latchkey-launcher":"../$(PACKAGE_DIR)/latchkey-launcher"}}}}}'
	@ls $(PACKAGE_DIR)/bundle/deb/*.deb

# Each test stage says when it starts, so a CI log shows where the time went.
STAGE = @echo "== make $@: started $$(date -u +%H:%M:%S)"

lint: ui
	$(STAGE)
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test-ui: ui
	$(STAGE)
	cd ui && $(NPM) run check && $(NPM) test

# Every Rust test, the real Secret Service included: inside a private D-Bus session with
# a throwaway, unlocked gnome-keyring (tests/with-keyring.sh).
test-rust: ui
	$(STAGE)
	tests/tools/install.sh
	$(CARGO) build --workspace --locked
	$(CARGO) test --workspace --locked --no-run
	tests/with-keyring.sh $(CARGO) test --workspace --locked

# The real app under Xvfb, driven through tauri-driver and WebKitWebDriver.
# Bounded: a test that hangs fails after 10 minutes, and the stage after 25, rather
# than holding CI until its own limit.
test-desktop: tools test-rust
	$(STAGE)
	rm -rf target/screenshots
	timeout -k 30 1500 xvfb-run -a -s "-screen 0 1280x800x24" tests/with-keyring.sh \
	  node --test --test-force-exit --test-timeout=600000 tests/desktop/

# Installs the .deb as a user would (apt-get, so its dependencies come too), uses the CLI
# from PATH and the app under Xvfb, then removes it. Needs root; skipped with the command
# to run otherwise (CI runs as root).
test-package: test-rust
	$(MAKE) package PACKAGE_PROFILE=debug
	$(STAGE)
	@if [ "$$(id -u)" = 0 ]; then timeout -k 30 900 xvfb-run -a -s "-screen 0 1280x800x24" tests/package.sh target/debug/bundle/deb/latchkey_*.deb; \
	else echo "SKIPPED test-package: installing a package needs root. Run: sudo make test-package"; fi

test: lint test-ui test-rust test-desktop test-package fuzz

# Every fuzz target (fuzz/README.md) for FUZZ_SECONDS each, from the committed corpus
# (what it finds goes to fuzz/target/corpus, not into the repository). cargo-fuzz wants nightly's
# -Z flags: the nightly toolchain when it is installed, else the stable one with
# RUSTC_BOOTSTRAP=1 (the same flags and sanitizer runtime; no other toolchain is fetched).
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := dotenv document identity references checks export masker
FUZZ_CARGO = $(if $(shell rustup toolchain list 2>/dev/null | grep '^nightly'),$(CARGO) +nightly,RUSTC_BOOTSTRAP=1 $(CARGO))
fuzz: deps
	$(STAGE)
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && $(FUZZ_CARGO) fuzz build
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  mkdir -p target/corpus/$$t; \
	  $(FUZZ_CARGO) fuzz run $$t target/corpus/$$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 >target/fuzz-$$t.log 2>&1; \
	  status=$$?; grep -E '^(stat::number_of_executed_units|stat::new_units_added)' target/fuzz-$$t.log; \
	  if [ $$status -ne 0 ]; then grep -E 'panicked|ERROR|SUMMARY|artifact' -A3 target/fuzz-$$t.log; exit 1; fi; \
	done

# Core and the CLI keep compiling for Windows (not part of `make test`: it needs the
# target's standard library and a MinGW C compiler, about 5 minutes on a fresh machine).
check-windows:
	rustup target add x86_64-pc-windows-gnu
	@command -v x86_64-w64-mingw32-gcc >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 >/dev/null; \
	  else echo "Missing the MinGW C compiler. Run:"; echo "  sudo apt-get install -y gcc-mingw-w64-x86-64"; exit 1; fi; }
	$(CARGO) check --locked --target x86_64-pc-windows-gnu -p latchkey-core -p latchkey-cli

bench: tools ui launcher
	$(CARGO) bench -p latchkey-core --bench vault --bench check --bench mask --bench project --locked
	crates/core/benches/broker.sh
	crates/cli/benches/get.sh
	crates/cli/benches/sandbox.sh
	crates/cli/benches/sweep.sh
	tests/with-keyring.sh crates/cli/benches/run.sh
	$(CARGO) build --release -p latchkey-desktop -p latchkey-cli --locked
	$(MAKE) launcher
	xvfb-run -a -s "-screen 0 1280x800x24" node src-tauri/benches/desktop.mjs

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules
