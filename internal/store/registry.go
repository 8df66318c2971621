package store

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/configfile"
)

// RegistryOptions are what every command that talks to a registry shares.
// Zero values mean docker's defaults.
type RegistryOptions struct {
	// TLSVerify, when set, forces certificate checks on (true) or off (false,
	// which also allows plain HTTP). Unset: on, except for registries on a
	// loopback address and those registries.conf marks insecure.
	TLSVerify *bool
	// AuthFile overrides where credentials are read; empty uses auth.json
	// ($XDG_RUNTIME_DIR/containers, ~/.config/containers) and ~/.docker/config.json.
	AuthFile string
	// Platform is os/arch[/variant] for images with several; empty is this machine's.
	Platform string
	// CertDir, when set, replaces the per-registry certs.d directories
	// (/etc/containers/certs.d/HOST:PORT, ~/.config/containers/certs.d/…) for
	// CA certificates and client keys.
	CertDir string
}

// systemContext is containers-image's view of opts for one registry. The
// library's defaults read certs.d and the credential files; registries.conf is
// read as registriesConfPaths says.
func systemContext(named reference.Named, opts RegistryOptions) (*types.SystemContext, error) {
	domain := ""
	if named != nil {
		domain = reference.Domain(named)
	}
	return registryContext(domain, opts)
}

// registryContext is systemContext for a registry host[:port].
func registryContext(domain string, opts RegistryOptions) (*types.SystemContext, error) {
	sys := useRegistriesConf(&types.SystemContext{
		AuthFilePath:            opts.AuthFile,
		DockerCertPath:          opts.CertDir,
		DockerRegistryUserAgent: "wren",
	})
	switch {
	case opts.TLSVerify != nil:
		sys.DockerInsecureSkipTLSVerify = types.NewOptionalBool(!*opts.TLSVerify)
	case domain != "" && isLoopbackRegistry(domain):
		// Docker trusts 127.0.0.0/8 as an insecure registry out of the box, so
		// a local test registry works over plain HTTP without configuration.
		sys.DockerInsecureSkipTLSVerify = types.OptionalBoolTrue
	}
	if opts.Platform != "" {
		parts := strings.Split(opts.Platform, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("invalid platform %q: want os/arch[/variant]", opts.Platform)
		}
		sys.OSChoice, sys.ArchitectureChoice = parts[0], parts[1]
		if len(parts) == 3 {
			sys.VariantChoice = parts[2]
		}
	}
	return sys, nil
}

func isLoopbackRegistry(domain string) bool {
	host := domain
	if h, _, err := net.SplitHostPort(domain); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// acceptAnything is the policy used when the machine has no policy.json.
//
// containers-image refuses to guess (podman fails with "no policy.json file
// found"), but wren's promise is docker's behaviour, and docker verifies no
// signatures: a Docker user on a machine without containers-common must be able
// to pull. A policy.json that exists (system or ~/.config/containers) is
// always honoured, so an administrator's reject or signedBy rules still hold.
const acceptAnything = `{"default":[{"type":"insecureAcceptAnything"}]}`

func policyContext(sys *types.SystemContext) (*signature.PolicyContext, error) {
	policy, err := signature.DefaultPolicy(sys)
	if errors.Is(err, configfile.ErrConfigFileNotFound) {
		policy, err = signature.NewPolicyFromBytes([]byte(acceptAnything))
	}
	if err != nil {
		return nil, fmt.Errorf("signature policy: %w", err)
	}
	return signature.NewPolicyContext(policy)
}
