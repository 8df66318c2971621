package container

import (
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

// psRow is one line of `wren ps`: docker's fields, for --format and json.
type psRow struct {
	ID           string
	Image        string
	Command      string
	CreatedAt    string
	RunningFor   string
	Ports        string
	State        string
	Status       string
	Size         string
	Names        string
	Labels       string
	Mounts       string
	Networks     string
	LocalVolumes string

	labels map[string]string
}

// Label is the value of one label ({{.Label "com.example.x"}}).
func (r psRow) Label(name string) string { return r.labels[name] }

// psHeader titles the columns, docker's way.
type psHeader struct {
	ID, Image, Command, CreatedAt, RunningFor, Ports, State, Status, Size, Names, Labels, Mounts, Networks, LocalVolumes string
}

func (psHeader) Label(string) string { return "LABEL" }

var psTitles = psHeader{
	ID: "CONTAINER ID", Image: "IMAGE", Command: "COMMAND", CreatedAt: "CREATED AT", RunningFor: "CREATED",
	Ports: "PORTS", State: "STATE", Status: "STATUS", Size: "SIZE", Names: "NAMES", Labels: "LABELS",
	Mounts: "MOUNTS", Networks: "NETWORKS", LocalVolumes: "LOCAL VOLUMES",
}

const psTable = "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

// psCells gives the cells psTable (and "\t{{.Size}}" with -s) makes of a row,
// without text/template.
func psCells(size bool) func(any) []string {
	return func(row any) []string {
		r := row.(psRow)
		cells := []string{r.ID, r.Image, r.Command, r.RunningFor, r.Status, r.Ports, r.Names}
		if size {
			cells = append(cells, r.Size)
		}
		return cells
	}
}

func newPsCommand(g *cli.Globals) *cobra.Command {
	var (
		opts                 engine.ContainerListOptions
		quiet, noTrunc, size bool
		latest               bool
		formatFlag           string
	)
	cmd := &cobra.Command{
		Use:     "ps [OPTIONS]",
		Short:   "List containers",
		Aliases: []string{"ls", "list"},
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if latest {
				opts.Last = 1
			}
			// Records alone answer ps: the store (and the user namespace) only for -s.
			eng := g.Engine()
			list, err := eng.ContainerList(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if quiet && (formatFlag == "" || formatFlag == "table") {
				formatFlag = "{{.ID}}"
				size = false
			}
			now := time.Now()
			rows := make([]any, 0, len(list))
			for _, c := range list {
				r := newPsRow(c, now, !noTrunc)
				if size {
					// A container removed meanwhile has no size, as in docker ps -s.
					if rw, rootfs, err := eng.ContainerSize(cmd.Context(), c); err == nil {
						r.Size = format.Size(rw) + " (virtual " + format.Size(rootfs) + ")"
					}
				}
				rows = append(rows, r)
			}
			table := psTable
			if size {
				table += "\t{{.Size}}"
			}
			return format.List{Table: table, Header: psTitles, Cells: psCells(size)}.Write(os.Stdout, formatFlag, rows)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.All, "all", "a", false, "Show all containers (default shows just running)")
	f.BoolVarP(&quiet, "quiet", "q", false, "Only display container IDs")
	f.IntVarP(&opts.Last, "last", "n", -1, "Show n last created containers (includes all states)")
	f.BoolVarP(&latest, "latest", "l", false, "Show the latest created container (includes all states)")
	f.BoolVarP(&size, "size", "s", false, "Display total file sizes")
	f.BoolVar(&noTrunc, "no-trunc", false, "Don't truncate output")
	f.StringArrayVarP(&opts.Filters, "filter", "f", nil, "Filter output based on conditions provided")
	f.StringVar(&formatFlag, "format", "", "Format output using a Go template, 'table', 'table TEMPLATE' or 'json'")
	return cmd
}

func newPsRow(c *engine.Container, now time.Time, trunc bool) psRow {
	id, command := c.ID, c.CommandString()
	if trunc {
		id = id[:12]
		command = format.Ellipsis(command, 20)
	}
	labels := make([]string, 0, len(c.Options.Labels))
	for k, v := range c.Options.Labels {
		labels = append(labels, k+"="+v)
	}
	sort.Strings(labels)
	return psRow{
		ID:           id,
		Image:        c.Image,
		Command:      strconv.Quote(command),
		CreatedAt:    c.Created.Local().Format("2006-01-02 15:04:05 -0700 MST"),
		RunningFor:   format.Since(c.Created),
		State:        c.State.Status,
		Status:       c.StatusString(now),
		Names:        c.Name,
		Labels:       strings.Join(labels, ","),
		Networks:     c.NetworkNames(),
		Ports:        c.PortsString(),
		LocalVolumes: "0",
		labels:       c.Options.Labels,
	}
}
