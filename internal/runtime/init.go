package runtime

import (
	"github.com/opencontainers/runc/libcontainer"
	_ "github.com/opencontainers/runc/libcontainer/nsenter" // joins namespaces before the Go runtime starts in "wren init"
)

// ContainerInit is the container's first process before it execs the user's
// command ("wren init", started by libcontainer). It does not return.
func ContainerInit() {
	libcontainer.Init()
}
