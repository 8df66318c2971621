// Package trace prints the timeline of one wren command when WREN_TRACE=1:
// each process on the path (wren, wren re-executed in the user namespace,
// wren-monitor) marks its steps on stderr with the time since the command began.
package trace
