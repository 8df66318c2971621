package container

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
	"golang.org/x/sys/unix"
)

// statsRow is a row of docker stats; Source says where the numbers come from.
type statsRow struct {
	Container, ID, Name, CPUPerc, MemUsage, MemPerc, NetIO, BlockIO, PIDs, Source string
}

var statsList = format.List{
	Table: "{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}",
	Headers: map[string]string{"ID": "CONTAINER ID", "Container": "CONTAINER", "CPUPerc": "CPU %",
		"MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS"},
}

func newStatsCommand(g *cli.Globals) *cobra.Command {
	var (
		opts      engine.ContainerStatsOptions
		noStream  bool
		formatStr string
	)
	cmd := &cobra.Command{
		Use:   "stats [OPTIONS] [CONTAINER...]",
		Short: "Display a live stream of container(s) resource usage statistics",
		Long: "Display containers' resource use. The numbers come from the container's own cgroup v2\n" +
			"where it has one, else from /proc of its processes (rootless on cgroup v1: CPU time of\n" +
			"processes that ended between two samples is not counted, and the memory limit is the\n" +
			"host's). --format json and {{.Source}} say which: \"cgroup2\" or \"proc\".",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			eng := g.Engine()
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.OutOrStdout()
			_, isTerm := unix.IoctlGetTermios(int(os.Stdout.Fd()), unix.TCGETS)
			for ctx.Err() == nil {
				stats, err := eng.ContainerStats(ctx, opts)
				if err != nil {
					return err
				}
				if ctx.Err() != nil {
					return nil
				}
				rows := make([]any, len(stats))
				for i, s := range stats {
					rows[i] = newStatsRow(s)
				}
				if !noStream && isTerm == nil {
					fmt.Fprint(out, "\033[2J\033[H")
				}
				if err := statsList.Write(out, formatStr, rows); err != nil {
					return err
				}
				if noStream {
					return nil
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.All, "all", "a", false, "Show all containers (default shows just running)")
	f.BoolVar(&noStream, "no-stream", false, "Disable streaming stats and only pull the first result")
	f.BoolVar(new(bool), "no-trunc", false, "Do not truncate output")
	f.StringVar(&formatStr, "format", "", "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or 'TEMPLATE'")
	return cmd
}

func newStatsRow(s engine.ContainerStats) statsRow {
	return statsRow{
		Container: s.ID[:12],
		ID:        s.ID[:12],
		Name:      s.Name,
		CPUPerc:   fmt.Sprintf("%.2f%%", s.CPUPercent),
		MemUsage:  units.BytesSize(float64(s.MemUsage)) + " / " + units.BytesSize(float64(s.MemLimit)),
		MemPerc:   fmt.Sprintf("%.2f%%", s.MemPercent),
		NetIO:     format.Size(int64(s.NetRx)) + " / " + format.Size(int64(s.NetTx)),
		BlockIO:   format.Size(int64(s.BlockRead)) + " / " + format.Size(int64(s.BlockWrite)),
		PIDs:      fmt.Sprint(s.PIDs),
		Source:    s.Source,
	}
}
