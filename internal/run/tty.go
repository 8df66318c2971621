package run

import (
	"os"

	"golang.org/x/sys/unix"
)

func setWinSize(f *os.File, ws WinSize) error {
	return unix.IoctlSetWinsize(int(f.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: ws.Width, Row: ws.Height})
}

