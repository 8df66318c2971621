package store

import (
	"reflect"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestApplyChanges(t *testing.T) {
	var cfg v1.ImageConfig
	err := ApplyChanges(&cfg, []string{
		`CMD ["/bin/sh", "-c", "echo hi"]`,
		`ENTRYPOINT /bin/echo`,
		`ENV A=1 B="two words"`,
		`ENV C three words`,
		`env A=one`,
		`WORKDIR /srv`,
		`USER 1000:1000`,
		`LABEL org.x="y z" k=v`,
		`EXPOSE 80 53/udp`,
		`VOLUME ["/data"]`,
		`STOPSIGNAL SIGTERM`,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := v1.ImageConfig{
		Cmd:          []string{"/bin/sh", "-c", "echo hi"},
		Entrypoint:   []string{"/bin/sh", "-c", "/bin/echo"},
		Env:          []string{"A=one", "B=two words", "C=three words"},
		WorkingDir:   "/srv",
		User:         "1000:1000",
		Labels:       map[string]string{"org.x": "y z", "k": "v"},
		ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}},
		Volumes:      map[string]struct{}{"/data": {}},
		StopSignal:   "SIGTERM",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v\nwant %+v", cfg, want)
	}
	for _, bad := range []string{"FROM x", "WORKDIR", "USER a b", `LABEL "x`, "ENV =x"} {
		if err := ApplyChanges(&v1.ImageConfig{}, []string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
