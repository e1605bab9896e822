# abha-deactivate: build, demo, test.
# `make demo` and `make test` install the Debian/Ubuntu packages they need.

SHELL   := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
GOBIN   := $(shell $(GO) env GOPATH)/bin
VERSION ?= $(shell v=$$(git describe --tags --dirty 2>/dev/null) && echo "$$v" | sed 's/^v//' || sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN     := bin/abha-deactivate
# no_emoji leaves Fyne's 4 MB colour emoji font out of the app: the interface draws no emoji,
# and Fyne parsed that font again for each text style it measured (about 9 MB of the heap at
# the first frame). Typed emoji still come from the system's fonts. See bench/README.md.
APP_TAGS ?= no_emoji
STATICCHECK := $(GOBIN)/staticcheck
# make test fuzzes by a count of runs, not a duration: Go 1.26's fuzzer can end a
# timed run with a spurious "context deadline exceeded" (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 20000x

.PHONY: all build demo sandbox test test-go faults test-keyring test-gui test-windows test-syslog lint fuzz fuzz-short deps test-deps clean bench bench-profile soak

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(GO) build -trimpath -tags '$(APP_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN) .

# The demo: the app against its built-in ABDM simulator, no credentials, no
# network. Without a display, the same demo runs in the terminal.
demo: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(BIN) --demo; \
	else \
		echo "No display found: running the terminal demo (the wizard needs a desktop session)."; \
		$(BIN) deactivate --demo --reasons 101; \
	fi

# The simulator alone, for curl, Postman or another client.
sandbox: build
	$(BIN) sandbox

# The whole test suite, as CI runs it.
test: test-deps lint test-go faults test-keyring test-gui test-windows test-syslog fuzz-short

# Audit forwarding against a real rsyslogd (imtcp over TLS, gtls; certificates made with
# openssl): the unit tests with rsyslog, then the commands end to end (50 deactivations and
# reactivations, the wizard's flow, the collector stopped and restarted, a SIGKILL, refused
# certificates). Needs rsyslog, rsyslog-gnutls and openssl (scripts/install-deps.sh test).
test-syslog:
	ABHA_REQUIRE_TOOLS=1 $(GO) test -count=1 -run 'RealRsyslog' ./storage/auditforward/
	ABHA_REQUIRE_TOOLS=1 $(GO) test -count=1 -run '^TestE2ESyslog' ./internal/cli/

test-go:
	LANG=en_US.UTF-8 CGO_ENABLED=1 ABHA_REQUIRE_TOOLS=1 $(GO) test -race -count=1 ./...

# Every call of the flow against every fault, printed as a table.
faults:
	@set -o pipefail; $(GO) test -count=1 -run '^TestFaultMatrix$$' -v ./abdm/ -args -faults.print \
		| grep -vE '^[[:space:]]*(=== RUN|--- PASS|PASS$$|ok )'

# Keyring tests against a real Secret Service (gnome-keyring in a private D-Bus session).
test-keyring:
	@scripts/test-keyring.sh

# The real binary in demo mode on a private Xvfb, driven by keyboard (xdotool)
# to a deactivation and a reactivation, with the current API (v3), the legacy
# one (v2) and in Hindi (also on a 1024x768 screen), counting the keys of the
# deactivation; a PNG of each step goes to screenshots/API-LANG-*.png.
# Then as a new user, without --demo: the simulator as a second process, its
# addresses and credentials typed into Connect, with the focus and notices
# checked to be in sight (screenshots/custom-en-*.png). Last, Settings (in
# sight with its buttons), Try the demo and History's Print receipt again, in
# English and Hindi at 1366x768 and 1024x768 (screenshots/settings-*.png).
test-gui:
	$(GO) build -tags '$(APP_TAGS)' -o bin/abha-deactivate .
	API=v3 APP_LANG=en scripts/xvfb-e2e.sh bin/abha-deactivate
	API=v2 APP_LANG=en scripts/xvfb-e2e.sh bin/abha-deactivate
	API=v3 APP_LANG=hi scripts/xvfb-e2e.sh bin/abha-deactivate
	SCREEN=1024x768 API=v3 APP_LANG=hi scripts/xvfb-e2e.sh bin/abha-deactivate
	scripts/xvfb-e2e-custom.sh bin/abha-deactivate
	scripts/xvfb-e2e-unknown.sh bin/abha-deactivate
	scripts/xvfb-e2e-settings.sh bin/abha-deactivate

# The Windows lane: both Windows programs built as the release builds them
# (scripts/package.sh windows: the GUI .exe by fyne package, and the console
# .exe) into bin/windows, and the Linux build for `abha-deactivate sandbox`;
# then scripts/test-windows.sh runs them under Wine on a private Xvfb, each part
# in a fresh prefix with a stand-in bcryptprimitives.dll built from
# scripts/windows/: the console flow against the simulator (exit codes, --json),
# the secret in the Windows Credential Manager, the audit trail under
# %LocalAppData% appended by two processes at once, and the GUI by keyboard in
# demo mode and with typed addresses (screenshots/windows-demo-*.png,
# screenshots/windows-custom-*.png), the facility's policy in HKLM. It prints a
# PASS/FAIL line a check and the time of each part. Then the storage packages'
# unit tests run as Windows programs (scripts/test-windows-units.sh): the
# LockFileEx audit lock, the Credential Manager, the HKLM policy reader, paths.
# Between them, scripts/test-windows-msi.sh checks the MSI built with them: its
# tables (msiinfo), signing with a throw-away certificate, and a silent install,
# upgrade and removal under Wine.
WIN_TEST_DIST := bin/windows
test-windows:
	@scripts/install-deps.sh windows
	@scripts/install-deps.sh package
	rm -rf $(WIN_TEST_DIST)
	DIST=$(WIN_TEST_DIST) APP_TAGS='$(APP_TAGS)' VERSION='$(VERSION)' COMMIT='$(COMMIT)' scripts/package.sh windows
	$(GO) build -tags '$(APP_TAGS)' -o bin/abha-deactivate .
	scripts/test-windows.sh $(WIN_TEST_DIST) bin/abha-deactivate
	VERSION='$(VERSION)' scripts/test-windows-msi.sh $(WIN_TEST_DIST)
	scripts/test-windows-units.sh

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The complexity gate: no non-test function over MAX_COMPLEXITY (gocyclo) except those in
# .gocyclo-allow, and no non-test file over 500 lines or function over 60 (tools/sizegate).
GOCYCLO        := $(GOBIN)/gocyclo
MAX_COMPLEXITY := 15

$(GOCYCLO):
	$(GO) install github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0

lint: $(STATICCHECK) $(GOCYCLO)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@if grep -rl 'fyne.io/fyne' --include='*.go' abdm storage; then echo "abdm/ and storage/ must not import Fyne"; exit 1; fi
	@over=$$($(GOCYCLO) -over $(MAX_COMPLEXITY) -ignore '_test\.go$$' .) || [ -n "$$over" ] || exit 1; \
	over=$$(awk 'NR == FNR { if ($$1 !~ /^#/ && NF >= 2) allow[$$1 " " $$2] = 1; next } \
		NF == 0 { next } ($$2 " " $$3) in allow { seen[$$2 " " $$3] = 1; next } { print } \
		END { for (k in allow) if (!(k in seen)) print "no longer over: " k " (take it out of .gocyclo-allow)" }' \
		.gocyclo-allow - <<<"$$over"); \
	[ -z "$$over" ] || printf 'cyclomatic complexity over $(MAX_COMPLEXITY) (exceptions: .gocyclo-allow):\n%s\n' "$$over"; \
	$(GO) run ./tools/sizegate -max-file 500 -max-func 60 . && [ -z "$$over" ]

# Brief fuzzing of every fuzz target, one at a time (part of `make test`): the
# parsers of what the network sends, the settings and policy loaders, the audit
# reader, the sanitiser of outside text and the simulator's request handling. Seeds are in each package's testdata/fuzz.
fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzParseErrorBody$$' -fuzztime $(FUZZTIME) ./abdm/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePublicKey$$' -fuzztime $(FUZZTIME) ./abdm/
	$(GO) test -run '^$$' -fuzz '^FuzzSettingsLoad$$' -fuzztime $(FUZZTIME) ./storage/settings/
	$(GO) test -run '^$$' -fuzz '^FuzzPolicyLoad$$' -fuzztime $(FUZZTIME) ./storage/settings/
	$(GO) test -run '^$$' -fuzz '^FuzzAuditRead$$' -fuzztime $(FUZZTIME) ./storage/audit/
	$(GO) test -run '^$$' -fuzz '^FuzzFastDecode$$' -fuzztime $(FUZZTIME) ./storage/audit/
	$(GO) test -run '^$$' -fuzz '^FuzzViewDecode$$' -fuzztime $(FUZZTIME) ./storage/audit/
	$(GO) test -run '^$$' -fuzz '^FuzzCollectorLine$$' -fuzztime $(FUZZTIME) ./storage/auditforward/
	$(GO) test -run '^$$' -fuzz '^FuzzExportCSV$$' -fuzztime $(FUZZTIME) ./storage/audit/
	$(GO) test -run '^$$' -fuzz '^FuzzText$$' -fuzztime $(FUZZTIME) ./internal/safetext/
	$(GO) test -run '^$$' -fuzz '^FuzzSessionRequest$$' -fuzztime $(FUZZTIME) ./abdm/sandbox/
	$(GO) test -run '^$$' -fuzz '^FuzzOTPRequest$$' -fuzztime $(FUZZTIME) ./abdm/sandbox/
	$(GO) test -run '^$$' -fuzz '^FuzzDeactivateRequest$$' -fuzztime $(FUZZTIME) ./abdm/sandbox/
	$(GO) test -run '^$$' -fuzz '^FuzzV3Request$$' -fuzztime $(FUZZTIME) ./abdm/sandbox/

# Longer fuzzing: make fuzz (1 minute each), or make fuzz FUZZTIME=2m.
fuzz: FUZZTIME = 1m
fuzz: fuzz-short

clean:
	rm -rf bin dist screenshots

# Benchmarks, not part of `make test`: one `name: value` line per figure on
# stdout, progress on stderr; see bench/README.md. The app and the bare Fyne
# window (the baseline) are built here with the same flags, with the floor
# window (plain Fyne drawing the Connect screen's kinds of widget), then the
# round-trip program (simulator with RTT_MS of latency) and the start-up
# program (private Xvfb, BENCH_RUNS starts of each) run.
BENCH_DIR     := bin/bench
BENCH_LDFLAGS := $(LDFLAGS) -s -w
BENCH_RUNS    ?= 5
RTT_MS        ?= 200
bench: test-deps
	@mkdir -p $(BENCH_DIR)
	@echo "bench: building the app, the bare Fyne window and the benchmark programs" >&2
	@$(GO) build -trimpath -tags '$(APP_TAGS)' -ldflags '$(BENCH_LDFLAGS)' -o $(BENCH_DIR)/abha-deactivate .
	@$(GO) build -trimpath -ldflags '$(BENCH_LDFLAGS)' -o $(BENCH_DIR)/barewindow ./bench/barewindow
	@$(GO) build -trimpath -ldflags '$(BENCH_LDFLAGS)' -o $(BENCH_DIR)/floorwindow ./bench/floorwindow
	@$(GO) build -trimpath -tags '$(APP_TAGS)' -ldflags '$(LDFLAGS)' -o $(BENCH_DIR)/abha-deactivate-unstripped .
	@$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BENCH_DIR)/barewindow-unstripped ./bench/barewindow
	@$(GO) build -o $(BENCH_DIR)/roundtrip ./bench/roundtrip
	@$(GO) build -o $(BENCH_DIR)/startup ./bench/startup
	@$(GO) build -o $(BENCH_DIR)/auditscale ./bench/auditscale
	@$(GO) build -o $(BENCH_DIR)/auditforward ./bench/auditforward
	@$(BENCH_DIR)/roundtrip -rtt $(RTT_MS)ms -rounds $(BENCH_RUNS)
	@$(BENCH_DIR)/auditscale -runs $(BENCH_RUNS)
	@$(BENCH_DIR)/auditforward
	@$(BENCH_DIR)/startup -runs $(BENCH_RUNS) \
		-app $(BENCH_DIR)/abha-deactivate -bare $(BENCH_DIR)/barewindow -floor $(BENCH_DIR)/floorwindow \
		-app-unstripped $(BENCH_DIR)/abha-deactivate-unstripped -bare-unstripped $(BENCH_DIR)/barewindow-unstripped

# A day at the desk (not part of `make test`): 300 patients signed in, deactivated and
# reactivated through one flow against the simulator, with the real audit trail; RSS, heap,
# goroutines and open files every 50 patients, then soak_* figures. See bench/README.md.
SOAK_PATIENTS ?= 300
soak:
	@$(GO) run ./bench/soak -patients $(SOAK_PATIENTS) -every 50

# Start-up profiles instead of figures: the app (cold, with --demo, warm) and the
# bare window (built with -tags startprof) each write cpu.pprof, heap.pprof and
# summary.txt, from package initialisation to the first frame, into
# bin/bench/profile/NAME (see bench/README.md). Read them with
# `go tool pprof -top bin/bench/profile/app/cpu.pprof`.
BENCH_PROFILE := $(BENCH_DIR)/profile
bench-profile: test-deps
	@mkdir -p $(BENCH_DIR)
	@$(GO) build -trimpath -tags '$(APP_TAGS)' -ldflags '$(BENCH_LDFLAGS)' -o $(BENCH_DIR)/abha-deactivate .
	@$(GO) build -trimpath -tags startprof -ldflags '$(BENCH_LDFLAGS)' -o $(BENCH_DIR)/barewindow-profile ./bench/barewindow
	@$(GO) build -o $(BENCH_DIR)/startup ./bench/startup
	@$(BENCH_DIR)/startup -profile $(BENCH_PROFILE) -app $(BENCH_DIR)/abha-deactivate -bare $(BENCH_DIR)/barewindow-profile

# ---------------------------------------------------------------- packages
# Install packages for facility workstations, built with `fyne package --release` into dist/
# (slow from a cold build cache: 3-16 min each, as the machine is busy; about 1 min warm; not
# part of `make test`). They install their own tools (Debian packages, the fyne CLI). See
# scripts/package.sh and README.md, "Install on a facility workstation".
.PHONY: package-linux package-windows release test-package

# dist/abha-deactivate-VERSION-linux-amd64.tar.xz (binary, .desktop, icon, Makefile to install)
# and dist/abha-deactivate_VERSION_amd64.deb.
package-linux:
	@scripts/install-deps.sh package
	APP_TAGS='$(APP_TAGS)' VERSION='$(VERSION)' COMMIT='$(COMMIT)' scripts/package.sh linux

# dist/abha-deactivate-VERSION-windows-amd64.exe, a Windows GUI executable with the icon,
# and dist/abha-deactivate-cli-VERSION-windows-amd64.exe, its console build, cross-built with
# mingw-w64; dist/abha-deactivate-VERSION-windows-amd64.msi holds both (per-machine install,
# packaging/windows/; deployment in docs/windows-it.md). MSI_VERSION overrides its numeric
# version (FyneApp.toml's by default). To Authenticode-sign the programs and the MSI:
#   make release SIGN_CERT=cert.pem SIGN_KEY=key.pem [SIGN_PASS_FILE=file] [SIGN_TIMESTAMP_URL=url]
#   make release SIGN_PKCS12=cert.pfx SIGN_PASS_FILE=file [SIGN_TIMESTAMP_URL=url]
# (scripts/sign.sh). Without them nothing is signed.
SIGN_CERT          ?=
SIGN_KEY           ?=
SIGN_PKCS12        ?=
SIGN_PASS_FILE     ?=
SIGN_TIMESTAMP_URL ?=
MSI_VERSION        ?=
package-windows:
	@scripts/install-deps.sh package
	APP_TAGS='$(APP_TAGS)' VERSION='$(VERSION)' COMMIT='$(COMMIT)' MSI_VERSION='$(MSI_VERSION)' \
		SIGN_CERT='$(SIGN_CERT)' SIGN_KEY='$(SIGN_KEY)' SIGN_PKCS12='$(SIGN_PKCS12)' \
		SIGN_PASS_FILE='$(SIGN_PASS_FILE)' SIGN_TIMESTAMP_URL='$(SIGN_TIMESTAMP_URL)' \
		scripts/package.sh windows

# Everything above into an emptied dist/, with SHA256SUMS (the MSI included). Reproducible: two
# runs from one commit give the same bytes (SOURCE_DATE_EPOCH is the commit's time), unless
# signed (SIGN_*, above): a signature carries the time it was made.
release:
	@if [ -n "$$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then \
		echo "release: WARNING: the working tree has uncommitted changes; this release is not one commit"; fi
	@tag=$$(git describe --tags --exact-match 2>/dev/null | sed 's/^v//'); \
	app=$$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml); \
	if [ -n "$$tag" ] && [ "$$tag" != "$$app" ]; then \
		echo "release: the tag says $$tag but FyneApp.toml says Version = \"$$app\"; make them agree"; exit 1; fi
	rm -rf dist
	$(MAKE) --no-print-directory package-linux package-windows VERSION='$(VERSION)' COMMIT='$(COMMIT)'
	cd dist && sha256sum -- * >SHA256SUMS && cat SHA256SUMS
	@printf 'release: Linux binary sha256 %s\n' \
		"$$(tar -xJOf dist/abha-deactivate-$(VERSION)-linux-amd64.tar.xz --wildcards '*/bin/abha-deactivate' | sha256sum | cut -d' ' -f1)"

# The Linux tarball unpacked into an empty prefix with its own Makefile: --version, the demo
# and a first run with no settings and no network, under Xvfb (screenshots/package-linux-*.png).
test-package:
	@scripts/install-deps.sh test
	@scripts/install-deps.sh package
	@ls dist/abha-deactivate-$(VERSION)-linux-amd64.tar.xz >/dev/null 2>&1 || $(MAKE) --no-print-directory package-linux
	EXPECT_VERSION='$(VERSION)' scripts/test-package-linux.sh dist/abha-deactivate-$(VERSION)-linux-amd64.tar.xz
