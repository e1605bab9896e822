// Package testnet has network pieces for tests: an HTTP CONNECT proxy like
// the ones facility networks put in front of the internet.
package testnet

import (
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// ConnectProxy is an HTTP CONNECT proxy that sends every tunnel to Target
// (whatever host the client asked for), counting them. With Refuse set it
// answers 407 Proxy Authentication Required instead.
type ConnectProxy struct {
	Target string // host:port every tunnel goes to
	Refuse bool

	tunnels atomic.Int32
	wg      sync.WaitGroup
}

// Tunnels is how many tunnels the proxy has opened.
func (p *ConnectProxy) Tunnels() int { return int(p.tunnels.Load()) }

// Wait blocks until every tunnel has closed.
func (p *ConnectProxy) Wait() { p.wg.Wait() }

// ServeHTTP answers CONNECT requests.
func (p *ConnectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	if p.Refuse {
		w.Header().Set("Proxy-Authenticate", `Basic realm="facility"`)
		http.Error(w, "sign in first", http.StatusProxyAuthRequired)
		return
	}
	upstream, err := net.Dial("tcp", p.Target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buffered, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		conn.Close()
		upstream.Close()
		return
	}
	p.tunnels.Add(1)
	p.wg.Add(2)
	go func() { // client to server, starting with what the server's reader already holds
		defer p.wg.Done()
		_, _ = io.Copy(upstream, io.MultiReader(io.LimitReader(buffered.Reader, int64(buffered.Reader.Buffered())), conn))
		upstream.Close()
		conn.Close()
	}()
	go func() {
		defer p.wg.Done()
		_, _ = io.Copy(conn, upstream)
		conn.Close()
		upstream.Close()
	}()
}
