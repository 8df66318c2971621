package image

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/internal/engine"
)

// registryFlags are the flags every command that talks to a registry takes.
// --tls-verify is only set in the options when given: unset, loopback
// registries and those registries.conf marks insecure go without TLS checks.
type registryFlags struct {
	opts      *engine.RegistryOptions
	tlsVerify bool
}

func addRegistryFlags(cmd *cobra.Command, opts *engine.RegistryOptions, authHelp string) *registryFlags {
	r := &registryFlags{opts: opts}
	f := cmd.Flags()
	f.BoolVar(&r.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when talking to the registry")
	f.StringVar(&opts.AuthFile, "authfile", "", authHelp)
	f.StringVar(&opts.CertDir, "cert-dir", "", "Directory of certificates (*.crt, *.cert, *.key) for the registry")
	return r
}

// apply completes the options once the flags are parsed.
func (r *registryFlags) apply(cmd *cobra.Command) {
	if cmd.Flags().Changed("tls-verify") {
		v := r.tlsVerify
		r.opts.TLSVerify = &v
	}
}
