package container

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newUpdateCommand(g *cli.Globals) *cobra.Command {
	var (
		res     engine.ContainerResources
		restart string
	)
	cmd := &cobra.Command{
		Use:   "update [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Update configuration of one or more containers",
		Long: "Update the restart policy and resource limits of containers. A running container's\n" +
			"monitor takes a new restart policy at once; new limits take effect at its next start.",
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			var o engine.ContainerUpdateOptions
			if f.Changed("restart") {
				o.Restart = &restart
			}
			strs := map[string]**string{"memory": &o.Memory, "memory-reservation": &o.MemoryReservation,
				"memory-swap": &o.MemorySwap, "cpus": &o.CPUs, "cpuset-cpus": &o.CpusetCpus}
			vals := map[string]*string{"memory": &res.Memory, "memory-reservation": &res.MemoryReservation,
				"memory-swap": &res.MemorySwap, "cpus": &res.CPUs, "cpuset-cpus": &res.CpusetCpus}
			for name, dst := range strs {
				if f.Changed(name) {
					*dst = vals[name]
				}
			}
			if f.Changed("cpu-shares") {
				o.CPUShares = &res.CPUShares
			}
			if f.Changed("pids-limit") {
				o.PidsLimit = &res.PidsLimit
			}
			if f.Changed("blkio-weight") {
				o.BlkioWeight = &res.BlkioWeight
			}
			printed := map[string]bool{}
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				warnings, err := eng.ContainerUpdate(cmd.Context(), ref, o)
				for _, w := range warnings {
					if !printed[w] {
						printed[w] = true
						fmt.Fprintln(cmd.ErrOrStderr(), w)
					}
				}
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&restart, "restart", "", "Restart policy to apply when a container exits")
	f.StringVarP(&res.Memory, "memory", "m", "", "Memory limit")
	f.StringVar(&res.MemoryReservation, "memory-reservation", "", "Memory soft limit")
	f.StringVar(&res.MemorySwap, "memory-swap", "", "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
	f.StringVar(&res.CPUs, "cpus", "", "Number of CPUs")
	f.Int64VarP(&res.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	f.StringVar(&res.CpusetCpus, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	f.Int64Var(&res.PidsLimit, "pids-limit", 0, "Tune container pids limit (-1 for unlimited)")
	f.Uint16Var(&res.BlkioWeight, "blkio-weight", 0, "Block IO (relative weight), between 10 and 1000, or 0 to disable")
	return cmd
}
