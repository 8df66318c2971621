package image

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

// imageRow is one line of `wren images`, with the fields (and JSON) docker's
// --format sees.
type imageRow struct {
	Containers   string
	CreatedAt    string
	CreatedSince string
	Digest       string
	ID           string
	Repository   string
	SharedSize   string
	Size         string
	Tag          string
	UniqueSize   string
	VirtualSize  string
}

var imagesHeaders = map[string]string{
	"ID":           "IMAGE ID",
	"CreatedSince": "CREATED",
	"CreatedAt":    "CREATED AT",
	"VirtualSize":  "SIZE",
	"SharedSize":   "SHARED SIZE",
	"UniqueSize":   "UNIQUE SIZE",
}

func newListCommand(g *cli.Globals) *cobra.Command {
	var (
		opts                    engine.ImageListOptions
		quiet, noTrunc, digests bool
		formatFlag              string
	)
	cmd := &cobra.Command{
		Use:   "images [OPTIONS] [REPOSITORY[:TAG]]",
		Short: "List images",
		Args:  cli.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Filters = append(opts.Filters, "reference="+args[0])
			}
			entries, err := g.Engine().ImageList(cmd.Context(), opts)
			if err != nil {
				return err
			}
			rows := make([]any, 0, len(entries))
			seen := map[string]bool{}
			for _, e := range entries {
				id := "sha256:" + e.Image.ID
				if !noTrunc {
					id = e.Image.ShortID()
				}
				if quiet {
					if !seen[id] {
						seen[id] = true
						rows = append(rows, imageRow{ID: id})
					}
					continue
				}
				size := format.Size(e.Image.Size)
				rows = append(rows, imageRow{
					Containers:   "N/A",
					CreatedAt:    e.Image.Created.String(),
					CreatedSince: format.Since(e.Image.Created),
					Digest:       e.Digest,
					ID:           id,
					Repository:   e.Repository,
					SharedSize:   "N/A",
					Size:         size,
					Tag:          e.Tag,
					UniqueSize:   "N/A",
					VirtualSize:  size,
				})
			}
			table := "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
			if digests {
				table = "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
			}
			if quiet && formatFlag == "" {
				formatFlag = "{{.ID}}"
			}
			return format.List{Table: table, Headers: imagesHeaders}.Write(os.Stdout, formatFlag, rows)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.All, "all", "a", false, "Show all images (default hides intermediate images)")
	f.BoolVarP(&quiet, "quiet", "q", false, "Only show image IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "Don't truncate output")
	f.BoolVar(&digests, "digests", false, "Show digests")
	f.StringVar(&formatFlag, "format", "", "Format output using a Go template, 'table', 'table TEMPLATE' or 'json'")
	f.StringArrayVarP(&opts.Filters, "filter", "f", nil, "Filter output based on conditions provided")
	return cmd
}
