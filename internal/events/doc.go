// Package events is wren's per-user event log: every wren process and every
// wren-monitor appends Docker-shaped events (container create, start, die…,
// image pull, tag…) to one JSON-lines file under the wren root, and `wren
// events` reads and follows it. It imports nothing heavy: wren-monitor links it.
package events
