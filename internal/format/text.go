package format

// Ellipsis shortens s to at most max characters as docker's tables do: the
// last kept character gives way to "…".
func Ellipsis(s string, max int) string {
	r := []rune(s)
	if max <= 0 || len(r) <= max {
		return s
	}
	if max == 1 {
		return "…"
	}
	return string(r[:max-1]) + "…"
}
