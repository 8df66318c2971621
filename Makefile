# wren: a rootless, daemonless container engine with Docker's CLI.
GO        ?= go
PREFIX    ?= /usr/local
BUILDTAGS ?= containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_zfs \
             libsqlite3 seccomp containers_image_docker_daemon_stub runc_nocriu
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/wren-containers/wren/internal/version.Version=$(VERSION)
GOFLAGS_BUILD := -trimpath -tags "$(BUILDTAGS)" -ldflags "$(LDFLAGS)"

export CGO_ENABLED := 1

.PHONY: all build install setup test test-unit test-integration bench lint clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o bin/wren ./cmd/wren

install: build
	install -D -m 0755 bin/wren $(DESTDIR)$(PREFIX)/bin/wren

# Debian packages, the build, the install, and the device modes rootless needs.
setup:
	./hack/setup.sh

test: build test-unit test-integration

test-unit:
	$(GO) test -tags "$(BUILDTAGS)" -count=1 ./...

test-integration: build
	./test/run.sh

bench: build
	./bench/run.sh

lint:
	$(GO) vet -tags "$(BUILDTAGS)" ./...

clean:
	rm -rf bin
