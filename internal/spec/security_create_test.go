package spec

import (
	"errors"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestSeccompGivenOrBuiltin(t *testing.T) {
	so, err := ParseSecurityOpts([]string{"seccomp=builtin"})
	if err != nil || so.seccomp != "" {
		t.Errorf("builtin: %+v %v", so, err)
	}
	// A profile's content given by the front end is checked, not read as a file.
	profile := `{"defaultAction":"SCMP_ACT_ALLOW"}`
	s := Security{SecurityOpt: []string{"seccomp=" + profile}, SeccompProfile: profile}
	if err := CheckSecurity(&s, ""); err != nil || s.SeccompProfile != profile {
		t.Errorf("given profile: %v", err)
	}
	s = Security{SecurityOpt: []string{`seccomp={"defaultAction":`}, SeccompProfile: `{"defaultAction":`}
	if err := CheckSecurity(&s, ""); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bad given profile: %v", err)
	}
}
