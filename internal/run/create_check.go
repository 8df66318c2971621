package run

import (
	"path/filepath"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/logs"
)

// checkRequest refuses at create what a start would refuse later: the log
// driver and its options, the restart policy, the stop signal, the working
// directory and --add-host values. A front end then fails before anything is
// made (the API answers 400 at create, as Docker's does), not at start.
func checkRequest(o *Options) error {
	if _, err := logs.Parse(o.LogDriver, o.LogOpts); err != nil {
		return err
	}
	if _, err := ParseRestartPolicy(o.Restart); err != nil {
		return err
	}
	if o.StopSignal != "" {
		if _, err := ParseSignal(o.StopSignal); err != nil {
			return errdefs.Invalid("invalid stop signal: %s", o.StopSignal)
		}
	}
	if o.WorkDir != "" && !filepath.IsAbs(o.WorkDir) {
		return errdefs.Invalid("the working directory %q is invalid: it must be absolute", o.WorkDir)
	}
	for _, h := range o.AddHosts {
		if _, _, err := parseAddHost(h); err != nil {
			return err
		}
	}
	return nil
}
