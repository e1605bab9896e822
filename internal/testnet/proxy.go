// Package testnet has network pieces for tests: an HTTP CONNECT proxy like
// the ones facility networks put in front of the internet.
package testnet

import (
	"io"
	"net"
	"net/http"
	"sync"
)

// ConnectProxy is an HTTP CONNECT proxy that sends every tunnel to Target
// (whatever host the client asked for), counting them. With Refuse set it
// answers 407 Proxy Authentication Required instead. Close it after the
// server that serves it.
type ConnectProxy struct {
	Target string // host:port every tunnel goes to
	Refuse bool

	mu      sync.Mutex
	closed  bool
	tunnels int
	conns   []net.Conn
	wg      sync.WaitGroup
}

// Tunnels is how many tunnels the proxy has opened.
func (p *ConnectProxy) Tunnels() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tunnels
}

// Close ends every tunnel and waits until their goroutines have returned.
// A tunnel asked for afterwards is refused.
func (p *ConnectProxy) Close() {
	p.mu.Lock()
	p.closed = true
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// open records a tunnel's two connections; it reports false once closed.
// Registering under the lock keeps wg.Add from racing with Close's Wait.
func (p *ConnectProxy) open(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.tunnels++
	p.conns = append(p.conns, a, b)
	p.wg.Add(2)
	return true
}

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
	if !p.open(conn, upstream) {
		conn.Close()
		upstream.Close()
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		conn.Close()
		upstream.Close()
	}
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
