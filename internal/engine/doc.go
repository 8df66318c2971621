// Package engine is the one facade every front end calls: the CLI, the Docker
// API server and the swarm agent. It opens the store, records, networks and
// volumes, enters the user namespace when an operation needs it, and is safe
// for concurrent use by a long-lived process: no call leaves state behind it.
package engine
