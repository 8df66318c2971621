package run

import (
	"errors"
	"reflect"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/errdefs"
)

// TestCheckRequest covers what Create refuses before anything is made that
// a start would otherwise refuse.
func TestCheckRequest(t *testing.T) {
	good := []Options{
		{},
		{Restart: "on-failure:3", LogDriver: "json-file", LogOpts: []string{"max-size=1m"}, StopSignal: "SIGRTMIN+3",
			WorkDir: "/w", AddHosts: []string{"db:10.0.0.1", "gw=host-gateway", "v6:[::1]"}},
		{StopSignal: "9", Restart: "no", LogDriver: "none"},
	}
	for _, o := range good {
		if err := checkRequest(&o); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	bad := map[string]Options{
		`unknown log driver "bogus": use json-file, k8s-file or none`:                                      {LogDriver: "bogus"},
		"unknown log opt 'colour' for json-file log driver":                                                {LogOpts: []string{"colour=blue"}},
		"invalid restart policy: unknown policy 'sometimes'; use no, always, on-failure or unless-stopped": {Restart: "sometimes"},
		"invalid stop signal: SIGNOPE":                                                                     {StopSignal: "SIGNOPE"},
		`the working directory "rel" is invalid: it must be absolute`:                                      {WorkDir: "rel"},
		`invalid argument "db:nope" for "--add-host" flag: invalid IP address`:                             {AddHosts: []string{"db:nope"}},
		`invalid argument "db" for "--add-host" flag: invalid IP address`:                                  {AddHosts: []string{"db"}},
	}
	for want, o := range bad {
		err := checkRequest(&o)
		if !errors.Is(err, errdefs.ErrInvalid) || err.Error() != want {
			t.Errorf("%+v: %v, want %q", o, err, want)
		}
	}
}

func TestHealthCheckExec(t *testing.T) {
	img := &dockerspec.HealthcheckConfig{Test: []string{"CMD-SHELL", "image-check"}, Retries: 5}
	cases := []struct {
		flags *HealthOptions
		want  []string
	}{
		{nil, []string{"/bin/sh", "-c", "image-check"}},
		{&HealthOptions{Exec: []string{"/bin/check", "-q"}}, []string{"/bin/check", "-q"}},
		{&HealthOptions{Cmd: "shell-check", Exec: []string{"/bin/check"}}, []string{"/bin/sh", "-c", "shell-check"}},
	}
	for _, c := range cases {
		hc := healthCheck(img, &Options{Health: c.flags})
		if hc == nil || !reflect.DeepEqual(hc.Test, c.want) || hc.Retries != 5 {
			t.Errorf("%+v: %+v, want test %q", c.flags, hc, c.want)
		}
	}
	if (&HealthOptions{Exec: []string{"x"}}).IsZero() || !(&HealthOptions{}).IsZero() {
		t.Error("IsZero")
	}
}
