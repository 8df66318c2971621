// Package format is the one place where wren shapes output: Docker-style tables,
// --format Go templates with Docker's helpers, JSON lines and inspect arrays,
// human sizes and times, and pull progress.
package format
