package container

import (
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
	"github.com/wren-containers/wren/internal/logs"
)

func newLogsCommand(g *cli.Globals) *cobra.Command {
	var (
		ro           logs.ReadOptions
		tail         string
		since, until string
	)
	cmd := &cobra.Command{
		Use:   "logs [OPTIONS] CONTAINER",
		Short: "Fetch the logs of a container",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ro.Tail = -1
			if tail != "all" && tail != "" {
				n, err := strconv.Atoi(tail)
				if err != nil {
					return errdefs.Invalid("invalid value %q for --tail: a number or \"all\"", tail)
				}
				ro.Tail = n
				if n < 0 {
					ro.Tail = -1
				}
			}
			now := time.Now()
			var err error
			if ro.Since, err = filters.Timestamp(since, now); err != nil {
				return err
			}
			if ro.Until, err = filters.Timestamp(until, now); err != nil {
				return err
			}
			return g.Engine().ContainerLogs(cmd.Context(), args[0], ro, os.Stdout, os.Stderr)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&ro.Follow, "follow", "f", false, "Follow log output")
	f.StringVarP(&tail, "tail", "n", "all", "Number of lines to show from the end of the logs")
	f.BoolVarP(&ro.Timestamps, "timestamps", "t", false, "Show timestamps")
	f.BoolVar(&ro.Details, "details", false, "Show extra details provided to logs")
	f.StringVar(&since, "since", "", "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
	f.StringVar(&until, "until", "", "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
	return cmd
}
