package network

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newCreateCommand(g *cli.Globals) *cobra.Command {
	var (
		o            engine.NetworkCreateOptions
		labels, opts []string
	)
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] NETWORK",
		Short: "Create a network",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			var err error
			if o.Labels, err = cli.ParseKeyValues(labels); err != nil {
				return err
			}
			if o.Options, err = cli.ParseKeyValues(opts); err != nil {
				return err
			}
			n, err := g.Engine().NetworkCreate(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), n.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Driver, "driver", "d", engine.NetworkDriverBridge, "Driver to manage the Network")
	f.StringVar(&o.Subnet, "subnet", "", "Subnet in CIDR format that represents a network segment")
	f.StringVar(&o.Gateway, "gateway", "", "IPv4 Gateway for the master subnet")
	f.StringVar(&o.IPRange, "ip-range", "", "Allocate container ip from a sub-range")
	f.BoolVar(&o.Internal, "internal", false, "Restrict external access to the network")
	f.StringArrayVar(&labels, "label", nil, "Set metadata on a network")
	f.StringArrayVarP(&opts, "opt", "o", nil, "Set driver specific options")
	return cmd
}
