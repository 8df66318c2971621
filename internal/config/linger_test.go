package config

import (
	"testing"
	"time"
)

func TestNetworkLinger(t *testing.T) {
	for v, want := range map[string]time.Duration{"": DefaultNetworkLinger, "0": 0, "30s": 30 * time.Second, "2m": 2 * time.Minute} {
		t.Setenv(EnvNetworkLinger, v)
		if got := NetworkLinger(); got != want {
			t.Errorf("%s=%q: %v, want %v", EnvNetworkLinger, v, got, want)
		}
	}
	for _, v := range []string{"soon", "-5s", "10"} {
		t.Setenv(EnvNetworkLinger, v)
		if err := (&Config{Root: "/r", RunRoot: "/rr", ConfigDir: "/c"}).Resolve(); err == nil {
			t.Errorf("%s=%q was accepted", EnvNetworkLinger, v)
		}
	}
}
