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

// etcOptions say what goes into a container's /etc files.
type etcOptions struct {
	hostname    string
	hostNetwork bool
	addHosts    []string
	// address is the container's own IPv4 address, named by its hostname.
	address string
	// hostAddress reaches the host (host.containers.internal).
	hostAddress string
	// nameserver is the network's DNS forwarder; the user's --dns wins.
	nameserver                 string
	dns, dnsSearch, dnsOptions []string
	// pending leaves out host-gateway entries: the network that knows the
	// host's address is still being set up (see networkReady).
	pending bool
}

// etcFiles writes a container's /etc/hosts, /etc/resolv.conf and /etc/hostname
// into dir and returns them by their path in the container. They are bound over
// the image's files at start, so the image and commits never see them.
func etcFiles(dir string, o etcOptions) (map[string]string, error) {
	hosts, err := hostsFile(o)
	if err != nil {
		return nil, err
	}
	hostResolv, _ := os.ReadFile("/etc/resolv.conf")
	files := map[string]string{
		"/etc/hosts":       string(hosts),
		"/etc/resolv.conf": string(resolvConf(hostResolv, o)),
		"/etc/hostname":    o.hostname + "\n",
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

func hostsFile(o etcOptions) ([]byte, error) {
	var b bytes.Buffer
	if o.hostNetwork {
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
	for _, h := range o.addHosts {
		name, ip, err := parseAddHost(h)
		if err != nil {
			return nil, err
		}
		if ip == hostGateway {
			if o.pending {
				continue
			}
			if o.hostAddress == "" {
				return nil, errdefs.Invalid("invalid argument %q for \"--add-host\" flag: invalid IP address", h)
			}
			ip = o.hostAddress
		}
		fmt.Fprintf(&b, "%s\t%s\n", ip, name)
	}
	if o.hostAddress != "" {
		fmt.Fprintf(&b, "%s\thost.containers.internal host.docker.internal\n", o.hostAddress)
	}
	if o.address != "" && !o.hostNetwork {
		fmt.Fprintf(&b, "%s\t%s\n", o.address, o.hostname)
	}
	return b.Bytes(), nil
}

// resolvConf derives the container's resolv.conf from the host's. The
// network's own forwarder (pasta's, slirp4netns') replaces the host's
// nameservers, which may be loopback ones the container cannot reach; without
// one, loopback nameservers are dropped and, as Docker does, public resolvers
// take their place. --dns, --dns-search and --dns-option replace their lines.
func resolvConf(host []byte, o etcOptions) []byte {
	if o.hostNetwork && len(o.dns)+len(o.dnsSearch)+len(o.dnsOptions) == 0 {
		return host
	}
	var servers, search, options, other []string
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 2 && fields[0] == "nameserver":
			if ip := net.ParseIP(fields[1]); ip != nil && ip.IsLoopback() && !o.hostNetwork {
				continue
			}
			servers = append(servers, fields[1])
		case len(fields) >= 1 && (fields[0] == "search" || fields[0] == "domain"):
			search = fields[1:]
		case len(fields) >= 1 && fields[0] == "options":
			options = append(options, fields[1:]...)
		default:
			other = append(other, line)
		}
	}
	switch {
	case len(o.dns) > 0:
		servers = o.dns
	case o.nameserver != "":
		servers = []string{o.nameserver}
	case len(servers) == 0:
		servers = []string{"8.8.8.8", "8.8.4.4"}
	}
	if len(o.dnsSearch) > 0 {
		search = o.dnsSearch
		if len(search) == 1 && search[0] == "." {
			search = nil
		}
	}
	if len(o.dnsOptions) > 0 {
		options = o.dnsOptions
	}
	var b bytes.Buffer
	for _, l := range other {
		if strings.TrimSpace(l) != "" {
			b.WriteString(l + "\n")
		}
	}
	if len(search) > 0 {
		b.WriteString("search " + strings.Join(search, " ") + "\n")
	}
	for _, s := range servers {
		b.WriteString("nameserver " + s + "\n")
	}
	if len(options) > 0 {
		b.WriteString("options " + strings.Join(options, " ") + "\n")
	}
	return b.Bytes()
}

// hostGateway is --add-host's stand-in for the host's address, which only the
// started network knows.
const hostGateway = "host-gateway"

// parseAddHost reads an --add-host value, name:ip or name=ip (an IPv6 address
// may be in brackets), where ip may be host-gateway.
func parseAddHost(h string) (name, ip string, err error) {
	name, ip, ok := strings.Cut(h, ":")
	if !ok {
		name, ip, ok = strings.Cut(h, "=")
	}
	ip = strings.Trim(ip, "[]")
	if !ok || name == "" || ip != hostGateway && net.ParseIP(ip) == nil {
		return "", "", errdefs.Invalid("invalid argument %q for \"--add-host\" flag: invalid IP address", h)
	}
	return name, ip, nil
}
