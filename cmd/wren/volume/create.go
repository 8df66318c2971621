package volume

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
)

func newCreateCommand(g *cli.Globals) *cobra.Command {
	var (
		o            engine.VolumeCreateOptions
		opts, labels []string
		name         string
	)
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] [VOLUME]",
		Short: "Create a volume",
		Args:  cli.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if name != "" && name != args[0] {
					return errdefs.Invalid("conflicting options: either specify --name or provide positional arg, not both")
				}
				name = args[0]
			}
			o.Name = name
			var err error
			if o.Options, err = cli.ParseKeyValues(opts); err != nil {
				return err
			}
			if o.Labels, err = cli.ParseKeyValues(labels); err != nil {
				return err
			}
			v, err := g.Engine().VolumeCreate(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), v.Name)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Driver, "driver", "d", engine.VolumeDriverLocal, "Specify volume driver name")
	f.StringArrayVarP(&opts, "opt", "o", nil, "Set driver specific options (type, device, o)")
	f.StringArrayVar(&labels, "label", nil, "Set metadata for a volume")
	f.StringVar(&name, "name", "", "Specify volume name")
	_ = f.MarkHidden("name")
	return cmd
}
