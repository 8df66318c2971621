package cli

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/internal/errdefs"
)

// ExactArgs, MinArgs and RangeArgs are cobra's argument checks with Docker's wording.
func ExactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return errdefs.Invalid("%q requires exactly %d argument(s)", cmd.CommandPath(), n)
		}
		return nil
	}
}

func MinArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return errdefs.Invalid("%q requires at least %d argument(s)", cmd.CommandPath(), n)
		}
		return nil
	}
}

func RangeArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return errdefs.Invalid("%q requires at least %d and at most %d argument(s)", cmd.CommandPath(), min, max)
		}
		return nil
	}
}

// NoArgs refuses any positional argument.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%q accepts no arguments", cmd.CommandPath())
	}
	return nil
}
