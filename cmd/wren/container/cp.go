package container

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/storage/pkg/archive"
)

func newCpCommand(g *cli.Globals) *cobra.Command {
	var o engine.CopyOptions
	cmd := &cobra.Command{
		Use:   "cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n  wren cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
		Short: "Copy files/folders between a container and the local filesystem",
		Long: "Copy files/folders between a container and the local filesystem. Use '-' as the source\n" +
			"to read a tar archive from stdin and extract it to a directory destination in a container,\n" +
			"or as the destination to stream a tar archive of a container source to stdout.",
		Args: cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			srcCtr, srcPath := splitCpArg(args[0])
			dstCtr, dstPath := splitCpArg(args[1])
			switch {
			case srcCtr != "" && dstCtr != "":
				return errdefs.Invalid("copying between containers is not supported")
			case srcCtr == "" && dstCtr == "":
				return errdefs.Invalid("must specify at least one container source")
			case srcPath == "" || dstPath == "":
				return errdefs.Invalid("source and destination paths must not be empty")
			}
			eng := g.Engine()
			if srcCtr != "" {
				rc, info, err := eng.CopyFromContainer(cmd.Context(), srcCtr, srcPath, o)
				if err != nil {
					return err
				}
				defer rc.Close()
				if dstPath == "-" {
					_, err = io.Copy(cmd.OutOrStdout(), rc)
					return err
				}
				return archive.CopyTo(rc, info, dstPath)
			}
			if srcPath == "-" {
				return eng.CopyToContainer(cmd.Context(), dstCtr, dstPath, os.Stdin, nil, o)
			}
			info, err := archive.CopyInfoSourcePath(srcPath, o.FollowLink)
			if err != nil {
				return errdefs.NotFound("%v", err)
			}
			content, err := archive.TarResource(info)
			if err != nil {
				return err
			}
			defer content.Close()
			return eng.CopyToContainer(cmd.Context(), dstCtr, dstPath, content, &info, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Archive, "archive", "a", false, "Archive mode (copy all uid/gid information)")
	f.BoolVarP(&o.FollowLink, "follow-link", "L", false, "Always follow symbol link in SRC_PATH")
	f.BoolP("quiet", "q", false, "Suppress progress output during copy (wren shows none)")
	return cmd
}

// splitCpArg splits CONTAINER:PATH; a path that starts with "/" or "." or
// holds no colon is local, as docker reads it.
func splitCpArg(arg string) (container, path string) {
	if strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, ".") {
		return "", arg
	}
	c, p, ok := strings.Cut(arg, ":")
	if !ok {
		return "", arg
	}
	return c, p
}
