package run

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// etcFiles writes a container's /etc/hosts, /etc/resolv.conf and /etc/hostname
// into dir and returns them by their path in the container. They are bound over
// the image's files at start, so the image and commits never see them.
func etcFiles(dir, hostname, network string, addHosts []string) (map[string]string, error) {
	hosts, err := hostsFile(hostname, network, addHosts)
	if err != nil {
		return nil, err
	}
	hostResolv, _ := os.ReadFile("/etc/resolv.conf")
	files := map[string]string{
		"/etc/hosts":       string(hosts),
		"/etc/resolv.conf": string(resolvConf(hostResolv, network == "host")),
		"/etc/hostname":    hostname + "\n",
	}
	out := make(map[string]string, len(files))
	for dest, content := range files {
		path := filepath.Join(dir, filepath.Base(dest))
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", dest, err)
		}
		out[dest] = path
	}
	return out, nil
}

func hostsFile(hostname, network string, addHosts []string) ([]byte, error) {
	var b bytes.Buffer
	if network == "host" {
		if data, err := os.ReadFile("/etc/hosts"); err == nil {
			b.Write(data)
			if len(data) > 0 && data[len(data)-1] != '\n' {
				b.WriteByte('\n')
			}
		}
	} else {
		b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
		b.WriteString("fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")
	}
	for _, h := range addHosts {
		name, ip, ok := strings.Cut(h, ":")
		if !ok {
			name, ip, ok = strings.Cut(h, "=")
		}
		if !ok || name == "" || net.ParseIP(strings.Trim(ip, "[]")) == nil {
			return nil, errdefs.Invalid("invalid argument %q for \"--add-host\" flag: invalid IP address", h)
		}
		fmt.Fprintf(&b, "%s\t%s\n", strings.Trim(ip, "[]"), name)
	}
	return b.Bytes(), nil
}

// resolvConf derives the container's resolv.conf from the host's. Loopback
// nameservers cannot be reached from a container's own network namespace, so
// they are dropped there and, as Docker does, public resolvers take their place.
func resolvConf(host []byte, hostNetwork bool) []byte {
	if hostNetwork {
		return host
	}
	var b bytes.Buffer
	servers := 0
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "nameserver" {
			if ip := net.ParseIP(fields[1]); ip != nil && ip.IsLoopback() {
				continue
			}
			servers++
		}
		b.WriteString(line + "\n")
	}
	if servers == 0 {
		b.WriteString("nameserver 8.8.8.8\nnameserver 8.8.4.4\n")
	}
	return b.Bytes()
}
