package run

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/spec"
)

// ExecOptions are docker exec's flags.
type ExecOptions struct {
	Cmd         []string
	Env         []string
	EnvFiles    []string
	User        string
	WorkDir     string
	TTY         bool
	Interactive bool
	Detach      bool
	Privileged  bool
}

// allCapabilities is what --privileged grants: every capability the user
// namespace holds.
var allCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// Exec runs a command in a running container and returns its exit code; with
// Detach it returns as soon as the command runs.
func (e *Engine) Exec(ctx context.Context, ref string, o ExecOptions, s Streams) (int, error) {
	if len(o.Cmd) == 0 {
		return -1, errdefs.Invalid("no command specified")
	}
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return -1, err
	}
	if c.State.Status == StatePaused {
		return -1, errdefs.Conflict("container %s is paused, unpause the container before exec", c.ID)
	}
	if !c.Running() {
		return -1, errdefs.Conflict("container %s is not running", c.ID)
	}
	monitorPath, err := bundle.MonitorPath()
	if err != nil {
		return -1, err
	}
	dir := e.Records.Path(c.ID)
	cb, err := bundle.Read(filepath.Join(dir, bundleFile))
	if err != nil {
		return -1, fmt.Errorf("container %s: %w", c.ID, err)
	}
	proc := *cb.Spec.Process
	proc.Args = o.Cmd
	proc.Terminal = o.TTY
	if proc.Env, err = MergeEnv(proc.Env, o.EnvFiles, o.Env, noCallerEnv); err != nil {
		return -1, err
	}
	if o.User != "" {
		u, err := spec.ResolveUser(cb.Spec.Root.Path, o.User)
		if err != nil {
			return -1, err
		}
		proc.User.UID, proc.User.GID = uint32(u.Uid), uint32(u.Gid)
		proc.User.AdditionalGids = nil
		for _, g := range u.Sgids {
			proc.User.AdditionalGids = append(proc.User.AdditionalGids, uint32(g))
		}
	}
	if o.WorkDir != "" {
		if !filepath.IsAbs(o.WorkDir) {
			return -1, errdefs.Invalid("the working directory %q is invalid: it must be absolute", o.WorkDir)
		}
		proc.Cwd = o.WorkDir
	}
	if o.Privileged {
		caps := *proc.Capabilities
		caps.Bounding, caps.Effective, caps.Permitted = allCapabilities, allCapabilities, allCapabilities
		proc.Capabilities = &caps
	}
	spec := *cb.Spec
	spec.Process = &proc
	execID := NewID()[:16]
	b := &bundle.Bundle{
		ID:          c.ID,
		Spec:        &spec,
		StateDir:    cb.StateDir,
		Rootless:    cb.Rootless,
		Interactive: o.Interactive,
		ResultFile:  filepath.Join(dir, "exec-"+execID+".result"),
		LogLevel:    e.Config.LogLevel,
		Exec:        true,
		Events:      e.monitorEvents(c, execID),
	}
	e.emit(c, execAction(mobyevents.ActionExecCreate, o.Cmd), map[string]string{"execID": execID})
	bundlePath := filepath.Join(dir, "exec-"+execID+".json")
	var inherited []*os.File
	if !o.Detach {
		resizeR, stopResize, err := resizePipe(s, b, 3)
		if err != nil {
			return -1, err
		}
		defer stopResize()
		if resizeR != nil {
			inherited = append(inherited, resizeR)
		}
	}
	if err := bundle.Write(bundlePath, b); err != nil {
		return -1, err
	}
	if o.Detach {
		cmd := exec.Command(monitorPath, "run", bundlePath)
		cmd.Args[0] = "wren-monitor"
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			return -1, fmt.Errorf("start wren-monitor: %w", err)
		}
		go func() { _ = cmd.Wait() }()
		return 0, nil
	}
	defer os.Remove(bundlePath)
	defer os.Remove(b.ResultFile)
	res, err := runMonitor(monitorPath, bundlePath, b.ResultFile, s, o.Interactive, inherited, func(int) {})
	if err != nil {
		return -1, err
	}
	if res.StartedAt.IsZero() && res.Error != "" {
		return res.ExitCode, &errdefs.ExitCode{Code: res.ExitCode, Msg: res.Error}
	}
	return res.ExitCode, nil
}
