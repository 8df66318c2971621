package system

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

func newInfoCommand(g *cli.Globals) *cobra.Command {
	var tmpl string
	cmd := &cobra.Command{
		Use:   "info [OPTIONS]",
		Short: "Display system-wide information",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := g.Engine().Info(cmd.Context())
			if err != nil {
				return err
			}
			if tmpl != "" {
				return format.Object(cmd.OutOrStdout(), tmpl, info)
			}
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	cmd.Flags().StringVarP(&tmpl, "format", "f", "", "Format output using a custom template or 'json'")
	return cmd
}

func printInfo(w io.Writer, in *engine.Info) {
	i := &in.Info
	fmt.Fprintf(w, "Server:\n")
	fmt.Fprintf(w, " Containers: %d\n  Running: %d\n  Paused: %d\n  Stopped: %d\n",
		i.Containers, i.ContainersRunning, i.ContainersPaused, i.ContainersStopped)
	fmt.Fprintf(w, " Images: %d\n", i.Images)
	fmt.Fprintf(w, " Server Version: %s\n", i.ServerVersion)
	fmt.Fprintf(w, " Storage Driver: %s\n", i.Driver)
	for _, kv := range i.DriverStatus {
		fmt.Fprintf(w, "  %s: %s\n", kv[0], kv[1])
	}
	fmt.Fprintf(w, "  Graph Root: %s\n  Run Root: %s\n", in.GraphRoot, in.RunRoot)
	fmt.Fprintf(w, " Logging Driver: %s\n", i.LoggingDriver)
	backend := in.NetworkBackend
	switch backend {
	case "":
		backend = "none (install passt or slirp4netns)"
	case "pasta":
		backend = "pasta (default network: bridge, in one rootless network namespace)"
	default:
		backend += " (one per container: pasta is not installed)"
	}
	fmt.Fprintf(w, " Network Backend: %s\n", backend)
	fmt.Fprintf(w, " Cgroup Driver: %s\n Cgroup Version: %s\n", i.CgroupDriver, i.CgroupVersion)
	fmt.Fprintf(w, " Runtimes: %s\n Default Runtime: %s\n", i.DefaultRuntime, i.DefaultRuntime)
	fmt.Fprintf(w, " Security Options:\n")
	for _, o := range i.SecurityOptions {
		fmt.Fprintf(w, "  %s\n", strings.TrimPrefix(strings.Split(o, ",")[0], "name="))
	}
	if in.Rootless {
		fmt.Fprintf(w, " Rootless ID Mappings:\n  UID: %s\n  GID: %s\n", mapString(in.UIDMap), mapString(in.GIDMap))
		fmt.Fprintf(w, " Pause Process: %d\n", in.PausePID)
	}
	fmt.Fprintf(w, " Kernel Version: %s\n", i.KernelVersion)
	fmt.Fprintf(w, " Operating System: %s\n OSType: %s\n Architecture: %s\n", i.OperatingSystem, i.OSType, i.Architecture)
	fmt.Fprintf(w, " CPUs: %d\n Total Memory: %s\n", i.NCPU, format.Size(i.MemTotal))
	fmt.Fprintf(w, " Name: %s\n Docker Root Dir: %s\n", i.Name, i.DockerRootDir)
	fmt.Fprintf(w, " Registries Config:\n")
	for _, f := range in.RegistriesConf {
		fmt.Fprintf(w, "  %s\n", f)
	}
	fmt.Fprintf(w, " API Socket: %s (wren system service; export DOCKER_HOST=%s)\n", defaultURIText(), defaultURIText())
	for _, warn := range i.Warnings {
		fmt.Fprintln(w, warn)
	}
}

func mapString(m []engine.IDRange) string {
	parts := make([]string, 0, len(m))
	for _, r := range m {
		parts = append(parts, fmt.Sprintf("%d:%d:%d", r.Inside, r.Outside, r.Size))
	}
	return strings.Join(parts, ", ")
}
