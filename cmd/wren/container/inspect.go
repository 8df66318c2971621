package container

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/format"
)

// newInspectCommand is `wren container inspect` (containers only) and, with
// anyType, docker's top-level `inspect`: a container, else an image, or as --type says.
func newInspectCommand(g *cli.Globals, anyType bool) *cobra.Command {
	var (
		formatFlag, typeFlag string
		size                 bool
	)
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Display detailed information on one or more containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := "container"
			if anyType {
				kind = typeFlag
			}
			switch kind {
			case "", "container", "image":
			default:
				return errdefs.Invalid("%q is not a valid value for --type", typeFlag)
			}
			eng := g.Engine()
			var objs []any
			var errs []error
			for _, ref := range args {
				var obj any
				var err error
				if kind != "image" {
					obj, err = eng.ContainerInspect(cmd.Context(), ref, size)
				}
				if kind == "image" || (kind == "" && errors.Is(err, errdefs.ErrNotFound)) {
					obj, err = eng.ImageInspect(cmd.Context(), ref)
					if kind == "" && errors.Is(err, errdefs.ErrNotFound) {
						err = errdefs.NotFound("No such object: %s", ref)
					}
				}
				if err != nil {
					// docker prints what it found and fails for the rest.
					errs = append(errs, err)
					continue
				}
				objs = append(objs, obj)
			}
			if err := format.Inspect(os.Stdout, formatFlag, objs); err != nil {
				return err
			}
			return errors.Join(errs...)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&formatFlag, "format", "f", "", "Format output using a Go template or 'json'")
	f.BoolVarP(&size, "size", "s", false, "Display total file sizes")
	if anyType {
		cmd.Use = "inspect [OPTIONS] NAME|ID [NAME|ID...]"
		cmd.Short = "Return low-level information on Docker objects"
		f.StringVar(&typeFlag, "type", "", "Only inspect objects of the given type (container, image)")
	}
	return cmd
}
