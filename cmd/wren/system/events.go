package system

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/filters"
	"github.com/wren-containers/wren/internal/format"
)

func newEventsCommand(g *cli.Globals) *cobra.Command {
	var (
		since, until, formatStr string
		filterArgs              []string
	)
	cmd := &cobra.Command{
		Use:   "events [OPTIONS]",
		Short: "Get real time events from wren",
		Long: "Print events from wren's per-user event log. Without --until it follows new events\n" +
			"until interrupted; with --since it first prints the past events from that time.",
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now()
			opts := events.ReadOptions{Follow: true}
			var err error
			if opts.Since, err = filters.Timestamp(since, now); err != nil {
				return err
			}
			if opts.Until, err = filters.Timestamp(until, now); err != nil {
				return err
			}
			if opts.Filter, err = events.ParseFilters(filterArgs); err != nil {
				return err
			}
			w, err := format.NewEventWriter(cmd.OutOrStdout(), formatStr)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return g.Engine().Events(ctx, opts, w.Write)
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "", "Show all events created since timestamp")
	f.StringVar(&until, "until", "", "Stream events until this timestamp")
	f.StringArrayVarP(&filterArgs, "filter", "f", nil, "Filter output based on conditions provided (type, container, image, event, label, volume, network)")
	f.StringVar(&formatStr, "format", "", "Format the output using the given Go template, or 'json'")
	return cmd
}
