package system

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

type dfRow struct {
	Type, TotalCount, Active, Size, Reclaimable string
}

var dfList = format.List{
	Table:   "{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
	Headers: map[string]string{"TotalCount": "TOTAL"},
}

func newDfCommand(g *cli.Globals) *cobra.Command {
	var (
		verbose   bool
		formatStr string
	)
	cmd := &cobra.Command{
		Use:   "df [OPTIONS]",
		Short: "Show wren disk usage",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			du, err := g.Engine().DiskUsage(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if verbose {
				return writeDfVerbose(out, du)
			}
			rows := make([]any, len(du.Summary))
			for i, s := range du.Summary {
				rec := format.Size(s.Reclaimable)
				if s.Size > 0 {
					rec += fmt.Sprintf(" (%d%%)", s.Reclaimable*100/s.Size)
				}
				rows[i] = dfRow{Type: s.Type, TotalCount: fmt.Sprint(s.Total), Active: fmt.Sprint(s.Active),
					Size: format.Size(s.Size), Reclaimable: rec}
			}
			return dfList.Write(out, formatStr, rows)
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "Show detailed information on space usage")
	cmd.Flags().StringVar(&formatStr, "format", "", "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or 'TEMPLATE'")
	return cmd
}

func writeDfVerbose(out io.Writer, du *engine.DiskUsage) error {
	tw := format.NewTableWriter(out)
	fmt.Fprint(tw, "Images space usage:\n\n")
	fmt.Fprintln(tw, "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\tUNIQUE SIZE\tCONTAINERS")
	for _, u := range du.Images {
		repo, tag := "<none>", "<none>"
		if len(u.Image.Names) > 0 {
			name := engine.FamiliarImageName(u.Image.Names[0])
			if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
				repo, tag = name[:i], name[i+1:]
			} else {
				repo = name
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", repo, tag, u.Image.ShortID(), format.Since(u.Image.Created),
			format.Size(u.SharedSize+u.UniqueSize), format.Size(u.SharedSize), format.Size(u.UniqueSize), u.Containers)
	}
	fmt.Fprint(tw, "\nContainers space usage:\n\n")
	fmt.Fprintln(tw, "CONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES")
	for _, u := range du.Containers {
		c := u.Container
		command := strings.Join(append([]string{c.Path}, c.Args...), " ")
		if len(command) > 20 {
			command = command[:19] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%q\t%d\t%s\t%s\t%s\t%s\n", c.ID[:12], c.Image, command, u.Volumes, format.Size(u.Size),
			format.Since(c.Created), c.StatusString(timeNow()), c.Name)
	}
	fmt.Fprint(tw, "\nLocal Volumes space usage:\n\n")
	fmt.Fprintln(tw, "VOLUME NAME\tLINKS\tSIZE")
	for _, v := range du.Volumes {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", v.Name, v.Links, format.Size(v.Size))
	}
	fmt.Fprintln(tw, "\nBuild cache usage: 0B")
	return tw.Flush()
}

func newPruneCommand(g *cli.Globals) *cobra.Command {
	var (
		o     engine.SystemPruneOptions
		force bool
	)
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove unused data",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if !force {
				what := []string{"all stopped containers", "all networks not used by at least one container"}
				if o.Volumes {
					what = append(what, "all anonymous volumes not used by at least one container")
				}
				if o.All {
					what = append(what, "all images without at least one container associated to them")
				} else {
					what = append(what, "all dangling images")
				}
				fmt.Fprintf(out, "WARNING! This will remove:\n  - %s\n\nAre you sure you want to continue? [y/N] ", strings.Join(what, "\n  - "))
				answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					return nil
				}
			}
			rep, err := g.Engine().SystemPrune(cmd.Context(), o)
			if rep != nil {
				section := func(title string, items []string) {
					if len(items) > 0 {
						fmt.Fprintln(out, title)
						for _, it := range items {
							fmt.Fprintln(out, it)
						}
						fmt.Fprintln(out)
					}
				}
				section("Deleted Containers:", rep.Containers)
				section("Deleted Networks:", rep.Networks)
				section("Deleted Volumes:", rep.Volumes)
				var imgs []string
				for _, u := range rep.Untagged {
					imgs = append(imgs, "untagged: "+u)
				}
				for _, d := range rep.DeletedImages {
					imgs = append(imgs, "deleted: "+d)
				}
				section("Deleted Images:", imgs)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Total reclaimed space: %s\n", format.Size(int64(rep.SpaceReclaimed)))
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.All, "all", "a", false, "Remove all unused images not just dangling ones")
	f.BoolVar(&o.Volumes, "volumes", false, "Prune anonymous volumes")
	f.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	return cmd
}

var timeNow = time.Now
