package network

import (
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
)

// lsRow is one line of network ls, with docker's fields for --format.
type lsRow struct {
	ID, Name, Driver, Scope, IPv6, Internal, Labels, CreatedAt string
	labels                                                     map[string]string
}

// Label is one label's value ({{.Label "x"}}).
func (r lsRow) Label(name string) string { return r.labels[name] }

type lsHeader struct{ ID, Name, Driver, Scope, IPv6, Internal, Labels, CreatedAt string }

func (lsHeader) Label(string) string { return "LABEL" }

func newLsCommand(g *cli.Globals) *cobra.Command {
	var (
		quiet, noTrunc bool
		filters        []string
		formatFlag     string
	)
	cmd := &cobra.Command{
		Use:     "ls [OPTIONS]",
		Short:   "List networks",
		Aliases: []string{"list"},
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := g.Engine().NetworkList(cmd.Context(), filters)
			if err != nil {
				return err
			}
			rows := []any{}
			for _, n := range list {
				id := n.ID
				if !noTrunc {
					id = id[:12]
				}
				rows = append(rows, lsRow{ID: id, Name: n.Name, Driver: n.Driver, Scope: "local",
					IPv6: "false", Internal: boolString(n.Internal), Labels: joinLabels(n.Labels),
					CreatedAt: n.Created.Local().Format("2006-01-02 15:04:05.999999999 -0700 MST"), labels: n.Labels})
			}
			if quiet && (formatFlag == "" || formatFlag == "table") {
				formatFlag = "{{.ID}}"
			}
			l := format.List{Table: "{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}", Header: lsHeader{
				ID: "NETWORK ID", Name: "NAME", Driver: "DRIVER", Scope: "SCOPE", IPv6: "IPV6", Internal: "INTERNAL",
				Labels: "LABELS", CreatedAt: "CREATED AT"}}
			return l.Write(os.Stdout, formatFlag, rows)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&quiet, "quiet", "q", false, "Only display network IDs")
	fl.BoolVar(&noTrunc, "no-trunc", false, "Do not truncate the output")
	fl.StringArrayVarP(&filters, "filter", "f", nil, "Provide filter values (e.g. \"driver=bridge\")")
	fl.StringVar(&formatFlag, "format", "", "Format output using a custom template or 'json'")
	return cmd
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func joinLabels(m map[string]string) string {
	kv := make([]string, 0, len(m))
	for k, v := range m {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}
