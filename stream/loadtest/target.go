package loadtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"time"
)

// ResolveLoopback checks that raw is an http URL whose host is a loopback
// address (127.0.0.0/8 or ::1) and returns it with the host replaced by
// that address, so nothing resolves the name again later. A name must
// resolve to loopback addresses only.
func ResolveLoopback(ctx context.Context, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("target %q: the scheme must be http (a loopback server needs no TLS)", raw)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" || port == "" {
		return nil, fmt.Errorf("target %q: host and port are required, e.g. http://127.0.0.1:8080", raw)
	}
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else {
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("target %q: resolve %s: %w", raw, host, err)
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("target %q: %s has no address", raw, host)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("target %q: %s is %s, not a loopback address; the load test only runs against this machine", raw, host, ip)
		}
	}
	out := *u
	out.Host = net.JoinHostPort(ips[0].String(), port)
	out.Path, out.RawQuery, out.Fragment = "", "", ""
	return &out, nil
}

// loopbackDialer dials only loopback addresses, whatever it is asked: a
// second guard behind ResolveLoopback.
func loopbackDialer() *net.Dialer {
	return &net.Dialer{
		Timeout: 10 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("refusing to dial %s: not a loopback address", address)
			}
			return nil
		},
	}
}
