package userns

/*
#cgo CFLAGS: -Wall
#include <stdlib.h>
#include "join.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"github.com/wren-containers/wren/internal/trace"

	"github.com/wren-containers/wren/internal/atomicfile"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/lockfile"
	"golang.org/x/sys/unix"
)

// Environment containers-storage reads to know it runs rootless inside a namespace
// that someone else configured; children of a joined wren inherit it.
const (
	envConfigured = "_CONTAINERS_USERNS_CONFIGURED"
	envHostUID    = "_CONTAINERS_ROOTLESS_UID"
	envHostGID    = "_CONTAINERS_ROOTLESS_GID"
	envReexec     = "_WREN_REEXEC"
)

func init() {
	if C.wren_joined == 1 {
		os.Setenv(envConfigured, "done")
		os.Setenv(envHostUID, strconv.Itoa(int(C.wren_host_uid)))
		os.Setenv(envHostGID, strconv.Itoa(int(C.wren_host_gid)))
		os.Unsetenv(envReexec)
	}
}

// ErrNoNewuidmap is returned when the user has subordinate ids but the setuid
// helpers that map them are missing.
var ErrNoNewuidmap = errors.New("newuidmap/newgidmap not found: install the uidmap package")

// Inside reports whether this process runs in wren's user namespace.
func Inside() bool { return os.Geteuid() == 0 && config.Rootless() }

// HostGID is the caller's gid outside the namespace.
func HostGID() int {
	if v, err := strconv.Atoi(os.Getenv(envHostGID)); err == nil {
		return v
	}
	return os.Getgid()
}

// Enter makes sure the process runs with root's powers over its own files: real
// root already has them; a user is moved into wren's user and mount namespaces,
// which are made first if no pause process holds them. For a user it does not
// return on success: it re-executes wren, whose constructor joins the namespaces.
func Enter() error {
	if os.Geteuid() == 0 {
		return nil
	}
	if os.Getenv(envReexec) != "" {
		return errors.New("join wren's user namespace: the pause process did not stay up")
	}
	if _, err := EnsurePause(); err != nil {
		return err
	}
	os.Setenv(envReexec, "1")
	trace.Mark("userns: re-exec into the namespace")
	if err := syscall.Exec("/proc/self/exe", os.Args, os.Environ()); err != nil {
		return fmt.Errorf("re-exec into the user namespace: %w", err)
	}
	return nil
}

// PauseFile is where the pause process is recorded: pid and namespace inodes.
func PauseFile() string {
	buf := make([]byte, 4096)
	if C.wren_pause_file((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf))) != 0 {
		return ""
	}
	return C.GoString((*C.char)(unsafe.Pointer(&buf[0])))
}

// PausePID returns the pid of the live pause process, or 0 when there is none.
func PausePID() int {
	var pid C.long
	if C.wren_pause_valid(&pid, nil, nil) != 1 {
		return 0
	}
	return int(pid)
}

// EnsurePause starts the pause process unless one is alive, and returns its pid.
// Concurrent callers serialise on a lock beside the pause file.
func EnsurePause() (int, error) {
	if _, err := config.RuntimeDir(); err != nil {
		return 0, err
	}
	file := PauseFile()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return 0, fmt.Errorf("create runtime directory: %w", err)
	}
	unlock, err := lockfile.Lock(file + ".lock")
	if err != nil {
		return 0, err
	}
	defer unlock()
	if pid := PausePID(); pid > 0 {
		return pid, nil
	}
	return startPause(file)
}

func startPause(file string) (int, error) {
	uid, gid := os.Getuid(), os.Getgid()
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	subUIDs, err := readSubIDs("/etc/subuid", name, uid)
	if err != nil {
		return 0, err
	}
	subGIDs, err := readSubIDs("/etc/subgid", name, uid)
	if err != nil {
		return 0, err
	}
	ranged := len(subUIDs) > 0 && len(subGIDs) > 0
	var newuidmap, newgidmap string
	if ranged {
		newuidmap, err = exec.LookPath("newuidmap")
		if err == nil {
			newgidmap, err = exec.LookPath("newgidmap")
		}
		if err != nil {
			return 0, ErrNoNewuidmap
		}
	}

	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"wren-pause"}
	cmd.Env = []string{"_WREN_PAUSE=1"}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		Setsid:     true,
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start the pause process: %w", err)
	}
	pid := cmd.Process.Pid
	fail := func(err error) (int, error) {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		return 0, err
	}
	if ranged {
		if err := runMapper(newuidmap, pid, Mapping(uid, subUIDs)); err != nil {
			return fail(err)
		}
		if err := runMapper(newgidmap, pid, Mapping(gid, subGIDs)); err != nil {
			return fail(err)
		}
	} else {
		fmt.Fprintf(os.Stderr, "WARN: no subordinate ids for %s in /etc/subuid and /etc/subgid: "+
			"running with a single id; images with files owned by other users get them as root, and -u other than root fails\n", name)
		if err := writeSingleMap(pid, uid, gid); err != nil {
			return fail(err)
		}
	}
	var userSt, mntSt unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/user", pid), &userSt); err != nil {
		return fail(err)
	}
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/mnt", pid), &mntSt); err != nil {
		return fail(err)
	}
	record := fmt.Sprintf("%d %d %d\n", pid, userSt.Ino, mntSt.Ino)
	if err := atomicfile.Write(file, []byte(record), 0o600); err != nil {
		return fail(fmt.Errorf("record the pause process: %w", err))
	}
	_ = cmd.Process.Release()
	return pid, nil
}

func runMapper(prog string, pid int, m []Range) error {
	args := append([]string{strconv.Itoa(pid)}, mapArgs(m)...)
	out, err := exec.Command(prog, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %s", filepath.Base(prog), strings.TrimSpace(string(out)+" "+err.Error()))
	}
	return nil
}

func writeSingleMap(pid, uid, gid int) error {
	proc := fmt.Sprintf("/proc/%d/", pid)
	if err := os.WriteFile(proc+"uid_map", []byte(fmt.Sprintf("0 %d 1\n", uid)), 0); err != nil {
		return fmt.Errorf("write uid_map: %w", err)
	}
	if err := os.WriteFile(proc+"setgroups", []byte("deny\n"), 0); err != nil {
		return fmt.Errorf("write setgroups: %w", err)
	}
	if err := os.WriteFile(proc+"gid_map", []byte(fmt.Sprintf("0 %d 1\n", gid)), 0); err != nil {
		return fmt.Errorf("write gid_map: %w", err)
	}
	return nil
}

// Exec replaces this process with a command inside the namespace (default: the
// user's shell), with the store's paths in the environment as podman unshare does.
func Exec(args []string, graphRoot, runRoot string) error {
	if len(args) == 0 {
		shell := os.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		args = []string{shell}
	}
	path, err := exec.LookPath(args[0])
	if err != nil {
		return &errdefs.ExitCode{Code: errdefs.CodeCommandNotFnd, Msg: err.Error()}
	}
	env := append(os.Environ(), "WREN_GRAPHROOT="+graphRoot, "WREN_RUNROOT_STORAGE="+runRoot)
	return syscall.Exec(path, args, env)
}
