package image

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
)

// historyRow is one line of `wren history`, with the fields docker's --format sees.
type historyRow struct {
	ID           string
	CreatedAt    string
	CreatedSince string
	CreatedBy    string
	Size         string
	Comment      string
}

var historyHeaders = map[string]string{
	"ID":           "IMAGE",
	"CreatedSince": "CREATED",
	"CreatedAt":    "CREATED AT",
	"CreatedBy":    "CREATED BY",
}

func newHistoryCommand(g *cli.Globals) *cobra.Command {
	var (
		quiet, noTrunc, human bool
		formatFlag            string
	)
	cmd := &cobra.Command{
		Use:   "history [OPTIONS] IMAGE",
		Short: "Show the history of an image",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, err := g.Engine().ImageHistory(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			rows := make([]any, 0, len(entries))
			for _, e := range entries {
				id := e.ID
				if id != "<missing>" && !noTrunc {
					id = strings.TrimPrefix(e.ID, "sha256:")[:12]
				}
				if quiet {
					rows = append(rows, historyRow{ID: id})
					continue
				}
				createdBy := strings.Join(strings.Fields(e.CreatedBy), " ")
				if !noTrunc && len([]rune(createdBy)) > 45 {
					createdBy = string([]rune(createdBy)[:44]) + "…"
				}
				row := historyRow{ID: id, CreatedBy: createdBy, Comment: e.Comment}
				created := time.Unix(e.Created, 0).UTC()
				if human {
					row.CreatedSince = format.Since(created)
					row.CreatedAt = created.Format(time.RFC3339)
					row.Size = format.Size(e.Size)
				} else {
					row.CreatedSince = created.Format(time.RFC3339)
					row.CreatedAt = row.CreatedSince
					row.Size = strconv.FormatInt(e.Size, 10)
				}
				rows = append(rows, row)
			}
			if quiet && formatFlag == "" {
				formatFlag = "{{.ID}}"
			}
			return format.List{
				Table:   "{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
				Headers: historyHeaders,
			}.Write(os.Stdout, formatFlag, rows)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "Only show image IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "Don't truncate output")
	f.BoolVarP(&human, "human", "H", true, "Print sizes and dates in human readable format")
	f.StringVar(&formatFlag, "format", "", "Format output using a Go template, 'table', 'table TEMPLATE' or 'json'")
	return cmd
}
