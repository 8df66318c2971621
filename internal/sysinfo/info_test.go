package sysinfo

import (
	"reflect"
	"testing"
)

func TestSecurityOptions(t *testing.T) {
	cases := []struct {
		apparmor, selinux, rootless bool
		want                        []string
	}{
		{false, false, false, []string{"name=seccomp,profile=builtin"}},
		{false, false, true, []string{"name=seccomp,profile=builtin", "name=rootless"}},
		{true, true, true, []string{"name=apparmor", "name=seccomp,profile=builtin", "name=selinux", "name=rootless"}},
		{false, true, false, []string{"name=seccomp,profile=builtin", "name=selinux"}},
	}
	for _, c := range cases {
		if got := securityOptions(c.apparmor, c.selinux, c.rootless); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %v", c, got)
		}
	}
}
