# abha-deactivate: build, demo, test.
# `make demo` and `make test` install the Debian/Ubuntu packages they need.

SHELL   := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
GOBIN   := $(shell $(GO) env GOPATH)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BIN     := bin/abha-deactivate
STATICCHECK := $(GOBIN)/staticcheck
FUZZTIME ?= 5s

.PHONY: all build demo sandbox test test-go test-keyring test-gui lint fuzz fuzz-short deps test-deps clean

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

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
test: test-deps lint test-go test-keyring test-gui fuzz-short

test-go:
	LANG=en_US.UTF-8 CGO_ENABLED=1 $(GO) test -race -count=1 ./...

# Keyring tests against a real Secret Service (gnome-keyring in a private D-Bus session).
test-keyring:
	@scripts/test-keyring.sh

# The real binary in demo mode on a private Xvfb, driven by keyboard (xdotool)
# to a deactivation; a PNG of each step goes to screenshots/.
test-gui:
	$(GO) build -o bin/abha-deactivate . && scripts/xvfb-e2e.sh bin/abha-deactivate

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint: $(STATICCHECK)
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@if grep -rl 'fyne.io/fyne' --include='*.go' abdm storage; then echo "abdm/ and storage/ must not import Fyne"; exit 1; fi

# Brief fuzzing of the parsers that read what the network sends (part of `make test`).
fuzz-short:
	$(GO) test -run '^$$' -fuzz '^FuzzParseErrorBody$$' -fuzztime $(FUZZTIME) ./abdm/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePublicKey$$' -fuzztime $(FUZZTIME) ./abdm/

# Longer fuzzing: make fuzz FUZZTIME=2m
fuzz: FUZZTIME = 1m
fuzz: fuzz-short

clean:
	rm -rf bin dist screenshots
