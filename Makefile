# wren: a rootless, daemonless container engine with Docker's CLI.
GO        ?= go
PREFIX    ?= /usr/local
BUILDTAGS ?= containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_zfs \
             libsqlite3 seccomp containers_image_docker_daemon_stub runc_nocriu
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/wren-containers/wren/internal/version.Version=$(VERSION)
# wren-monitor is loaded twice per container start (monitor, then the container's
# init): it links libcontainer and little else.
MONITORTAGS ?= seccomp runc_nocriu
GOFLAGS_BUILD := -trimpath -tags "$(BUILDTAGS)" -ldflags "$(LDFLAGS)"

export CGO_ENABLED := 1

.PHONY: all build install setup test test-unit test-integration bench lint clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o bin/wren ./cmd/wren
	$(GO) build -trimpath -tags "$(MONITORTAGS)" -ldflags "-s -w" -o bin/wren-monitor ./cmd/wren-monitor
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w" -o bin/wren-init ./cmd/wren-init

install: build
	install -D -m 0755 bin/wren $(DESTDIR)$(PREFIX)/bin/wren
	install -D -m 0755 bin/wren-monitor $(DESTDIR)$(PREFIX)/libexec/wren/wren-monitor
	install -D -m 0755 bin/wren-init $(DESTDIR)$(PREFIX)/libexec/wren/wren-init
	install -D -m 0644 contrib/systemd/user/wren.socket $(DESTDIR)$(PREFIX)/lib/systemd/user/wren.socket
	sed 's|/usr/local/bin/wren|$(PREFIX)/bin/wren|' contrib/systemd/user/wren.service >$(DESTDIR)$(PREFIX)/lib/systemd/user/wren.service

# Debian packages, the build, the install, and the device modes rootless needs.
setup:
	./hack/setup.sh

test: build test-unit test-integration

# The engine's tests run containers from several goroutines: with -race too.
test-unit: build
	$(GO) test -tags "$(BUILDTAGS)" -count=1 ./...
	$(GO) test -race -tags "$(BUILDTAGS)" -count=1 ./internal/engine/...

# As root: makes the test users, starts a registry on 127.0.0.1, runs test/bats.
test-integration: build
	BUILDTAGS="$(BUILDTAGS)" ./test/run.sh

bench: build
	./bench/run.sh

lint:
	$(GO) vet -tags "$(BUILDTAGS)" ./...

clean:
	rm -rf bin
