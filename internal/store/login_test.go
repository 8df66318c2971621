package store

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/wren-containers/wren/internal/errdefs"
)

func TestRegistryHost(t *testing.T) {
	for in, want := range map[string]string{
		"": "docker.io", "https://index.docker.io/v1/": "docker.io", "docker.io": "docker.io",
		"127.0.0.1:5000": "127.0.0.1:5000", "https://reg.example.com/v2/": "reg.example.com",
	} {
		if got, err := RegistryHost(in); err != nil || got != want {
			t.Errorf("RegistryHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := RegistryHost("Bad Host"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bad host: %v", err)
	}
}

// authRegistry is a registry on 127.0.0.1 that wants user alice, password s3cret.
func authRegistry(t *testing.T) string {
	t.Helper()
	reg := registry.New()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestLoginLogout(t *testing.T) {
	host := authRegistry(t)
	ctx := context.Background()
	authFile := filepath.Join(t.TempDir(), "auth.json")
	opts := LoginOptions{RegistryOptions: RegistryOptions{AuthFile: authFile}, Username: "alice", Password: "wrong"}
	if _, err := Login(ctx, host, opts); !errors.Is(err, errdefs.ErrUnauthorized) || !strings.Contains(err.Error(), "incorrect username or password") {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := os.Stat(authFile); !os.IsNotExist(err) {
		t.Errorf("auth file after a failed login: %v", err)
	}
	opts.Password = "s3cret"
	if _, err := Login(ctx, "http://"+host+"/", opts); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(authFile)
	if err != nil || !strings.Contains(string(data), `"`+host+`"`) {
		t.Errorf("auth file: %s %v", data, err)
	}
	if _, err := Logout(host, opts.RegistryOptions); err != nil {
		t.Fatal(err)
	}
	if _, err := Logout(host, opts.RegistryOptions); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("second logout: %v", err)
	}
}

// A push and a pull use the stored credentials, and docker's config.json
// credentials too.
func TestCredentialsUsed(t *testing.T) {
	st := openTestStore(t)
	host := authRegistry(t)
	ctx := context.Background()
	dir := t.TempDir()
	authFile := filepath.Join(dir, "auth.json")
	ropts := RegistryOptions{AuthFile: authFile}
	img, err := st.Import(ctx, strings.NewReader(string(rootfsTar(t, false, map[string]string{"bin/x": "x"}))), ImportOptions{Reference: host + "/p/img:1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Push(ctx, host+"/p/img:1", PushOptions{RegistryOptions: ropts}); err == nil {
		t.Fatal("push without credentials succeeded")
	}
	if _, err := Login(ctx, host, LoginOptions{RegistryOptions: ropts, Username: "alice", Password: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Push(ctx, host+"/p/img:1", PushOptions{RegistryOptions: ropts}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RemoveImage(img.ID, RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	// Docker's own file, found through DOCKER_CONFIG as docker finds it.
	dockerDir := filepath.Join(dir, "docker")
	if err := os.MkdirAll(dockerDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `{"auths":{"` + host + `":{"auth":"YWxpY2U6czNjcmV0"}}}`
	if err := os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dockerDir)
	t.Setenv("XDG_RUNTIME_DIR", filepath.Join(dir, "run"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	back, err := st.Pull(ctx, host+"/p/img:1", PullOptions{})
	if err != nil || back.ID != img.ID {
		t.Errorf("pull with docker's credentials: %v %v", back, err)
	}
}
