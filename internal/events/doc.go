// Package events is wren's per-user event log: every wren process and every
// wren-monitor appends Docker-shaped events (container create, start, die…,
// image pull, tag…) to one JSON-lines file under the wren root, and `wren
// events` reads and follows it. At DefaultMaxSize the file is rotated to
// events.log.1 (one old file kept) and readers read both; a follower more than
// a whole file behind may miss the events of the file in between. It imports
// nothing heavy: wren-monitor links it.
package events
