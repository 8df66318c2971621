package run

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/spec"
)

// UpdateOptions are docker update's flags; nil fields are left as they are.
type UpdateOptions struct {
	Restart           *string
	Memory            *string
	MemoryReservation *string
	MemorySwap        *string
	CPUs              *string
	CPUShares         *int64
	CpusetCpus        *string
	PidsLimit         *int64
	BlkioWeight       *uint16
}

// Update changes a container's restart policy and resource limits (docker
// update) and returns warnings about what this host cannot apply. A running
// container's monitor takes the new restart policy at once; its limits take
// effect at its next start, which a warning says. Invalid input changes nothing.
func (e *Engine) Update(ref string, o UpdateOptions) ([]string, error) {
	c, unlock, err := e.Records.LookupLocked(ref)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var policy *bundle.RestartPolicy
	if o.Restart != nil {
		p, err := ParseRestartPolicy(*o.Restart)
		if err != nil {
			return nil, err
		}
		if c.Options.Remove && p.Name != "no" {
			return nil, errdefs.Invalid("Restart policy cannot be updated because AutoRemove is enabled for the container")
		}
		policy = &p
		c.Options.Restart = *o.Restart
	}
	r := c.Options.Resources
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&r.Memory, o.Memory)
	set(&r.MemoryReservation, o.MemoryReservation)
	set(&r.MemorySwap, o.MemorySwap)
	set(&r.CPUs, o.CPUs)
	set(&r.CpusetCpus, o.CpusetCpus)
	if o.CPUShares != nil {
		r.CPUShares = *o.CPUShares
	}
	if o.PidsLimit != nil {
		r.PidsLimit = *o.PidsLimit
	}
	if o.BlkioWeight != nil {
		r.BlkioWeight = *o.BlkioWeight
	}
	resourcesChanged := r != c.Options.Resources
	if err := spec.CheckResources(&r); err != nil {
		return nil, err
	}
	c.Options.Resources = r
	var warnings []string
	if resourcesChanged {
		warnings = spec.ResourceWarnings(&r)
		if c.Running() && len(warnings) == 0 {
			if err := applyLive(c, &r); err != nil {
				warnings = append(warnings, fmt.Sprintf("WARNING: the running container's limits were not changed (%v): they take effect when it next starts", err))
			}
		}
	}
	if err := e.Records.Save(c); err != nil {
		return nil, err
	}
	if policy != nil && (c.Running() || c.State.Status == StateRestarting) {
		if err := e.setMonitorRestart(c, *policy); err != nil {
			warnings = append(warnings, fmt.Sprintf("WARNING: the running container's monitor did not take the new restart policy (%v): it applies from the next start", err))
		}
	}
	e.emit(c, mobyevents.ActionUpdate, nil)
	return warnings, nil
}

// setMonitorRestart hands a running container's monitor its new restart
// policy, and records it in the bundle the monitor was started with.
func (e *Engine) setMonitorRestart(c *Container, p bundle.RestartPolicy) error {
	dir := e.Records.Path(c.ID)
	if b, err := bundle.Read(filepath.Join(dir, bundleFile)); err == nil && b.Detach {
		b.Restart = p
		_ = bundle.Write(filepath.Join(dir, bundleFile), b)
	}
	conn, err := bundle.DialUnix(dir, bundle.ControlSocket)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(conn, "restart %s %d\n", p.Name, p.MaxRetries); err != nil {
		return err
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(reply) != "ok" {
		return fmt.Errorf("monitor answered %q", strings.TrimSpace(reply))
	}
	return nil
}

// applyLive writes a running container's new limits into its cgroup, as
// docker update does.
func applyLive(c *Container, r *Resources) error {
	res, err := spec.HostResources(r)
	if err != nil || res == nil {
		return err
	}
	return updateCgroup(cgroupRoot, cgroupPaths(c.State.Pid), c.ID, res)
}
