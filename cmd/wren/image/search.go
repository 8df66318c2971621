package image

import (
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

// searchRow is one line of `wren search`, with the fields docker's --format sees.
type searchRow struct {
	Name        string
	Description string
	StarCount   string
	IsOfficial  string
	IsAutomated string
}

var searchHeaders = map[string]string{
	"StarCount":   "STARS",
	"IsOfficial":  "OFFICIAL",
	"IsAutomated": "AUTOMATED",
}

// searchDescriptionWidth is where docker cuts a description without --no-trunc.
const searchDescriptionWidth = 45

func newSearchCommand(g *cli.Globals) *cobra.Command {
	var (
		opts       engine.ImageSearchOptions
		noTrunc    bool
		formatFlag string
	)
	cmd := &cobra.Command{
		Use:   "search [OPTIONS] TERM",
		Short: "Search Docker Hub, or the registry the term names, for images",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			results, err := g.Engine().ImageSearch(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			rows := make([]any, 0, len(results))
			for _, r := range results {
				desc := strings.NewReplacer("\n", " ", "\r", " ").Replace(r.Description)
				if !noTrunc {
					desc = format.Ellipsis(desc, searchDescriptionWidth)
				}
				rows = append(rows, searchRow{
					Name:        r.Name,
					Description: desc,
					StarCount:   strconv.Itoa(r.StarCount),
					IsOfficial:  okMark(r.IsOfficial),
					IsAutomated: okMark(r.IsAutomated),
				})
			}
			table := "{{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}"
			return format.List{Table: table, Headers: searchHeaders}.Write(os.Stdout, formatFlag, rows)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.Filters, "filter", "f", nil, "Filter output based on conditions provided")
	f.StringVar(&formatFlag, "format", "", "Pretty-print search using a Go template")
	f.IntVar(&opts.Limit, "limit", 0, "Max number of search results")
	f.BoolVar(&noTrunc, "no-trunc", false, "Don't truncate output")
	reg := addRegistryFlags(cmd, &opts.RegistryOptions, "Path of the authentication file")
	cmd.PreRun = func(cmd *cobra.Command, args []string) { reg.apply(cmd) }
	return cmd
}

// okMark is how docker's search shows a true flag.
func okMark(b bool) string {
	if b {
		return "[OK]"
	}
	return ""
}
