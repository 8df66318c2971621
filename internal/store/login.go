package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/docker/config"
)

// LoginOptions configure Login. Credentials are written to AuthFile, else to
// containers' auth.json ($XDG_RUNTIME_DIR/containers/auth.json).
type LoginOptions struct {
	RegistryOptions
	Username, Password string
}

// RegistryHost is the registry a login names: docker.io when empty; a URL's
// scheme and path are dropped, and Docker Hub's v1 address is docker.io.
func RegistryHost(server string) (string, error) {
	s := strings.TrimSpace(server)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s, _, _ = strings.Cut(s, "/")
	switch s {
	case "", "index.docker.io", "registry-1.docker.io", "docker.io":
		return "docker.io", nil
	}
	if _, err := reference.ParseNormalizedNamed(s + "/x"); err != nil || strings.ContainsAny(s, "@") {
		return "", errdefs.Invalid("invalid registry %q", server)
	}
	return s, nil
}

// Login checks the credentials against the registry and, only if it accepts
// them, stores them for later pulls and pushes. Wrong credentials are
// errdefs.ErrUnauthorized (Docker answers 401) and change nothing on disk.
func Login(ctx context.Context, server string, opts LoginOptions) (string, error) {
	host, err := RegistryHost(server)
	if err != nil {
		return "", err
	}
	if opts.Username == "" {
		return "", errdefs.Invalid("login %s: a username is required", host)
	}
	if opts.Password == "" {
		return "", errdefs.Invalid("login %s: a password is required", host)
	}
	sys, err := registryContext(host, opts.RegistryOptions)
	if err != nil {
		return "", errdefs.Invalid("%v", err)
	}
	if err := docker.CheckAuth(ctx, sys, opts.Username, opts.Password, host); err != nil {
		var unauthorized docker.ErrUnauthorizedForCredentials
		if errors.As(err, &unauthorized) {
			return "", errdefs.Unauthorized("login %s: unauthorized: incorrect username or password", host)
		}
		return "", fmt.Errorf("login %s: %w", host, err)
	}
	if _, err := config.SetCredentials(sys, host, opts.Username, opts.Password); err != nil {
		return "", fmt.Errorf("login %s: store credentials: %w", host, err)
	}
	return host, nil
}

// Logout removes the stored credentials for server from the auth file. It
// returns errdefs.ErrNotFound when there were none.
func Logout(server string, opts RegistryOptions) (string, error) {
	host, err := RegistryHost(server)
	if err != nil {
		return "", err
	}
	sys, err := registryContext(host, opts)
	if err != nil {
		return "", errdefs.Invalid("%v", err)
	}
	if err := config.RemoveAuthentication(sys, host); err != nil {
		if errors.Is(err, config.ErrNotLoggedIn) {
			return host, errdefs.NotFound("not logged in to %s", host)
		}
		return host, fmt.Errorf("logout %s: %w", host, err)
	}
	return host, nil
}
