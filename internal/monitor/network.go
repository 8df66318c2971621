package monitor

import (
	"os"
	"sync"

	"github.com/wren-containers/wren/internal/bundle"
)

// networkGate waits, at the container's first start only, for wren to say
// that the network it sets up meanwhile is ready (bundle.NetworkGateFD).
// Restarts find the network in place.
func networkGate(b *bundle.Bundle) func() error {
	if b.NetworkGateFD <= 0 {
		return nil
	}
	f := os.NewFile(uintptr(b.NetworkGateFD), "network-gate")
	var once sync.Once
	return func() (err error) {
		once.Do(func() {
			err = bundle.WaitGate(f)
			f.Close()
		})
		return err
	}
}
