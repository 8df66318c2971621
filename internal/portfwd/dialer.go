package portfwd

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// dialTimeout bounds one connection attempt to a container; a bridge answers
// in microseconds, so only a container that is gone takes this long.
const dialTimeout = 5 * time.Second

// nsDialer dials from inside another network namespace. A socket belongs to
// the namespace of the thread that created it, so one OS thread is moved into
// the namespace for good and makes every socket; netns.Do would instead spend
// a thread per connection, since inside a user namespace a thread cannot go
// back to the host's namespace.
type nsDialer struct {
	reqs chan dialRequest
	done chan struct{}
}

type dialRequest struct {
	network, addr string
	reply         chan dialResult
}

type dialResult struct {
	conn net.Conn
	err  error
}

// newNSDialer starts the namespace's dialing thread; close ends it.
func newNSDialer(path string) (*nsDialer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("port forwarding: %w", err)
	}
	d := &nsDialer{reqs: make(chan dialRequest), done: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: the runtime ends the thread with this goroutine.
		runtime.LockOSThread()
		err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
		f.Close()
		errc <- err
		if err != nil {
			return
		}
		for {
			select {
			case r := <-d.reqs:
				c, err := net.DialTimeout(r.network, r.addr, dialTimeout)
				r.reply <- dialResult{c, err}
			case <-d.done:
				return
			}
		}
	}()
	if err := <-errc; err != nil {
		return nil, fmt.Errorf("port forwarding: enter %s: %w", path, err)
	}
	return d, nil
}

func (d *nsDialer) dial(network, addr string) (net.Conn, error) {
	reply := make(chan dialResult, 1)
	select {
	case d.reqs <- dialRequest{network, addr, reply}:
	case <-d.done:
		return nil, net.ErrClosed
	}
	r := <-reply
	return r.conn, r.err
}

// close ends the thread; a dial under way finishes first.
func (d *nsDialer) close() { close(d.done) }
