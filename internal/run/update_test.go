package run

import (
	"errors"
	"testing"

	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
)

func TestUpdateRecordsOrRefuses(t *testing.T) {
	cfg := &config.Config{Root: t.TempDir()}
	e := &Engine{Config: cfg, Records: NewRecords(cfg)}
	c := &Container{ID: "0123456789abcdef0123", Name: "u", State: State{Status: StateCreated}}
	if err := e.Records.Save(c); err != nil {
		t.Fatal(err)
	}
	bad := "sometimes"
	if _, err := e.Update("u", UpdateOptions{Restart: &bad}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Fatalf("bad policy: %v", err)
	}
	always, pids := "always", int64(5)
	if _, err := e.Update("u", UpdateOptions{Restart: &always, PidsLimit: &pids}); err != nil {
		t.Fatal(err)
	}
	got, err := e.Records.Load(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Options.Restart != "always" || got.Options.Resources.PidsLimit != 5 {
		t.Fatalf("recorded %+v", got.Options)
	}
}
