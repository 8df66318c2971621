// Command wren-init is the init process `--init` puts at PID 1 of a container:
// it starts the container's command, passes every signal on to it, reaps the
// zombies that orphaned processes leave, and exits with the command's status.
// It is built static (no cgo) because it runs inside any image.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: wren-init -- COMMAND [ARG...]")
		os.Exit(125)
	}
	os.Exit(run(args))
}

func run(args []string) int {
	sigs := make(chan os.Signal, 32)
	// Subscribe before the child exists so no signal sent in between is lost.
	signal.Notify(sigs)
	path, err := exec.LookPath(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "wren-init: exec %s: %v\n", args[0], err)
		return 127
	}
	pid, err := syscall.ForkExec(path, args, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setpgid: false},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "wren-init: exec %s: %v\n", args[0], err)
		if err == syscall.EACCES {
			return 126
		}
		return 127
	}
	for sig := range sigs {
		if sig != syscall.SIGCHLD {
			_ = syscall.Kill(pid, sig.(syscall.Signal))
			continue
		}
		if code, done := reap(pid); done {
			return code
		}
	}
	return 0
}

// reap collects every exited child; it reports the command's exit status once
// the command itself has exited.
func reap(pid int) (int, bool) {
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err != nil || got <= 0 {
			return 0, false
		}
		if got != pid {
			continue
		}
		if ws.Signaled() {
			return 128 + int(ws.Signal()), true
		}
		return ws.ExitStatus(), true
	}
}
