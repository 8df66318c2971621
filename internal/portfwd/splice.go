package portfwd

import (
	"io"
	"net"
	"sync"
)

// Splice copies both ways between two TCP connections until both directions
// have ended, then closes both. Each direction's end is passed on as a
// half-close (CloseWrite), so a peer that shuts down its sending side still
// gets the other side's answer. On Linux io.Copy between two *net.TCPConn
// moves the bytes with splice(2), through a pipe in the kernel.
func Splice(a, b *net.TCPConn) {
	var wg sync.WaitGroup
	half := func(dst, src *net.TCPConn) {
		defer wg.Done()
		if _, err := io.Copy(dst, src); err != nil {
			// A reset on one side ends the other at once, both ways.
			_ = dst.Close()
			_ = src.Close()
			return
		}
		_ = dst.CloseWrite()
	}
	wg.Add(2)
	go half(a, b)
	go half(b, a)
	wg.Wait()
	_ = a.Close()
	_ = b.Close()
}
