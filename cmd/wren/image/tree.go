package image

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

// newTreeCommand is podman's `image tree`: an image's layers and the images
// that end on each, which shows the layers images share. Docker 28's
// `image ls --tree` shows an index's platforms instead, not shared layers.
func newTreeCommand(g *cli.Globals) *cobra.Command {
	var whatRequires bool
	cmd := &cobra.Command{
		Use:   "tree [OPTIONS] IMAGE",
		Short: "Show an image's layers and the images that share them",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tree, err := g.Engine().ImageTree(cmd.Context(), args[0], engine.ImageTreeOptions{WhatRequires: whatRequires})
			if err != nil {
				return err
			}
			writeTree(os.Stdout, tree)
			return nil
		},
	}
	cmd.Flags().BoolVar(&whatRequires, "whatrequires", false, "Show the images built on this one instead of its layers")
	return cmd
}

func writeTree(w io.Writer, t *engine.ImageTree) {
	fmt.Fprintf(w, "Image ID: %s\n", t.Image.ShortID())
	fmt.Fprintf(w, "Tags:     [%s]\n", strings.Join(t.Tags, " "))
	fmt.Fprintf(w, "Size:     %s\n", format.Size(t.Image.Size))
	fmt.Fprintln(w, "Image Layers")
	writeLayers(w, t.Layers, "")
}

// writeLayers draws layers as siblings under prefix, each with its children.
func writeLayers(w io.Writer, layers []*engine.ImageTreeLayer, prefix string) {
	for i, l := range layers {
		branch, next := "├── ", "│   "
		if i == len(layers)-1 {
			branch, next = "└── ", "    "
		}
		line := fmt.Sprintf("ID: %s Size: %7s", l.ID[:12], format.Size(l.Size))
		if len(l.TopOf) > 0 {
			line += fmt.Sprintf(" Top Layer of: [%s]", strings.Join(l.TopOf, " "))
		}
		fmt.Fprintf(w, "%s%s%s\n", prefix, branch, line)
		writeLayers(w, l.Children, prefix+next)
	}
}
