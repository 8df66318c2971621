package volume

import (
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
)

// lsRow is one line of volume ls, with docker's fields for --format.
type lsRow struct {
	Name, Driver, Scope, Mountpoint, Labels, CreatedAt string
	labels                                             map[string]string
}

// Label is one label's value ({{.Label "x"}}).
func (r lsRow) Label(name string) string { return r.labels[name] }

type lsHeader struct{ Name, Driver, Scope, Mountpoint, Labels, CreatedAt string }

func (lsHeader) Label(string) string { return "LABEL" }

func newLsCommand(g *cli.Globals) *cobra.Command {
	var (
		quiet      bool
		filters    []string
		formatFlag string
	)
	cmd := &cobra.Command{
		Use:     "ls [OPTIONS]",
		Short:   "List volumes",
		Aliases: []string{"list"},
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := g.Engine().VolumeList(cmd.Context(), filters)
			if err != nil {
				return err
			}
			rows := []any{}
			for _, v := range list {
				rows = append(rows, lsRow{Name: v.Name, Driver: v.Driver, Scope: v.Scope, Mountpoint: v.Mountpoint,
					Labels: joinLabels(v.Labels), CreatedAt: v.CreatedAt, labels: v.Labels})
			}
			if quiet && (formatFlag == "" || formatFlag == "table") {
				formatFlag = "{{.Name}}"
			}
			l := format.List{Table: "{{.Driver}}\t{{.Name}}", Header: lsHeader{
				Name: "VOLUME NAME", Driver: "DRIVER", Scope: "SCOPE", Mountpoint: "MOUNTPOINT", Labels: "LABELS", CreatedAt: "CREATED AT"}}
			return l.Write(os.Stdout, formatFlag, rows)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&quiet, "quiet", "q", false, "Only display volume names")
	fl.StringArrayVarP(&filters, "filter", "f", nil, "Provide filter values (e.g. \"dangling=true\")")
	fl.StringVar(&formatFlag, "format", "", "Format output using a custom template or 'json'")
	return cmd
}

func joinLabels(m map[string]string) string {
	kv := make([]string, 0, len(m))
	for k, v := range m {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}
