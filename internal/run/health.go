package run

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
)

// healthCheck merges the image's HEALTHCHECK with the --health-* flags, as
// Docker does: a flag replaces the image's value, --no-healthcheck (or the
// image's NONE) disables it, and nil means the container has none.
func healthCheck(img *dockerspec.HealthcheckConfig, o *Options) *bundle.HealthCheck {
	if o.NoHealthcheck {
		return nil
	}
	hc := &bundle.HealthCheck{}
	if img != nil {
		hc.Test = img.Test
		hc.Interval, hc.Timeout, hc.StartPeriod, hc.Retries = img.Interval, img.Timeout, img.StartPeriod, img.Retries
	}
	if f := o.Health; f != nil {
		switch {
		case f.Cmd != "":
			hc.Test = []string{"CMD-SHELL", f.Cmd}
		case len(f.Exec) > 0:
			hc.Test = append([]string{"CMD"}, f.Exec...)
		}
		if f.Interval > 0 {
			hc.Interval = f.Interval
		}
		if f.Timeout > 0 {
			hc.Timeout = f.Timeout
		}
		if f.StartPeriod > 0 {
			hc.StartPeriod = f.StartPeriod
		}
		if f.Retries > 0 {
			hc.Retries = f.Retries
		}
	}
	if len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		return nil
	}
	switch hc.Test[0] {
	case "CMD":
		hc.Test = hc.Test[1:]
	case "CMD-SHELL":
		hc.Test = []string{"/bin/sh", "-c", strings.Join(hc.Test[1:], " ")}
	}
	if len(hc.Test) == 0 {
		return nil
	}
	return hc
}

// imageHealthcheck reads the HEALTHCHECK of a container's image, if any.
func (e *Engine) imageHealthcheck(ctx context.Context, c *Container) *dockerspec.HealthcheckConfig {
	img, err := e.Store.InspectImage(ctx, c.ImageID)
	if err != nil || img.Config == nil {
		return nil
	}
	return img.Config.Healthcheck
}

// RunHealthcheck runs a running container's healthcheck now and returns the
// resulting status (healthy, unhealthy, starting).
func (e *Engine) RunHealthcheck(ref string) (string, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return "", err
	}
	if !c.Running() {
		return "", errdefs.Conflict("container %s is not running", ref)
	}
	conn, err := bundle.DialUnix(e.Records.Path(c.ID), bundle.ControlSocket)
	if err != nil {
		return "", fmt.Errorf("container %s: %w", ref, err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintln(conn, "health"); err != nil {
		return "", err
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("container %s: no answer from its monitor: %w", ref, err)
	}
	status = strings.TrimSpace(status)
	if status == "none" {
		return "", errdefs.Invalid("container %s has no defined healthcheck", ref)
	}
	return status, nil
}
