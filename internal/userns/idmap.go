package userns

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Range is one line of a uid_map or gid_map: Size ids from Outside appear as Inside.
type Range struct {
	Inside, Outside, Size int
}

// SubIDRanges reads the subordinate id ranges of a user from an /etc/subuid or
// /etc/subgid style file, matching entries by name or by numeric id.
func SubIDRanges(r io.Reader, name string, id int) ([]Range, error) {
	var out []Range
	idStr := strconv.Itoa(id)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ":")
		if len(parts) != 3 || (parts[0] != name && parts[0] != idStr) {
			continue
		}
		start, err1 := strconv.Atoi(parts[1])
		count, err2 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || start < 0 || count <= 0 {
			return nil, fmt.Errorf("malformed subordinate id entry %q", line)
		}
		out = append(out, Range{Outside: start, Size: count})
	}
	return out, sc.Err()
}

// Mapping builds the namespace's map: the caller's own id becomes 0 and the
// subordinate ranges follow from 1 upward, in file order.
func Mapping(own int, sub []Range) []Range {
	m := []Range{{Inside: 0, Outside: own, Size: 1}}
	next := 1
	for _, r := range sub {
		m = append(m, Range{Inside: next, Outside: r.Outside, Size: r.Size})
		next += r.Size
	}
	return m
}

// readSubIDs reads the caller's ranges from a file; a missing file means no ranges.
func readSubIDs(path, name string, id int) ([]Range, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ranges, err := SubIDRanges(f, name, id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ranges, nil
}

// mapArgs turns a mapping into newuidmap/newgidmap arguments after the pid.
func mapArgs(m []Range) []string {
	var args []string
	for _, r := range m {
		args = append(args, strconv.Itoa(r.Inside), strconv.Itoa(r.Outside), strconv.Itoa(r.Size))
	}
	return args
}

// ReadMap reads a /proc/PID/uid_map or gid_map.
func ReadMap(path string) ([]Range, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Range
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r Range
		if _, err := fmt.Sscan(line, &r.Inside, &r.Outside, &r.Size); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}
