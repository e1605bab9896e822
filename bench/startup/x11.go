package main

// A minimal X11 protocol client, just enough to watch a window appear on a
// private Xvfb, grab its pixels and ask it to close. Speaking the protocol
// directly (instead of running xdotool and ImageMagick for every poll) keeps
// each poll well under a millisecond, so the polling does not slow down the
// program being measured, and needs no dependency beyond the standard library.
// Only what the benchmark needs is here: no extensions, no events, requests
// answered one at a time, and only local Xvfb connections without
// authorisation (Xvfb started without -auth accepts those).

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// Core protocol opcodes used here.
const (
	opGetWindowAttributes = 3
	opGetGeometry         = 14
	opQueryTree           = 15
	opInternAtom          = 16
	opGetProperty         = 20
	opSendEvent           = 25
	opGetInputFocus       = 43
	opGetImage            = 73
)

const (
	atomWMName       = 39 // predefined WM_NAME
	mapStateViewable = 2
	formatZPixmap    = 2
	eventClientMsg   = 33
)

// xError is an error the X server sent for one request.
type xError struct {
	code   byte
	opcode byte
}

func (e *xError) Error() string {
	return fmt.Sprintf("X error %d for request %d", e.code, e.opcode)
}

// xConn is one connection to an X server.
type xConn struct {
	c      net.Conn
	r      *bufio.Reader
	seq    uint16
	root   uint32
	width  int // of the screen
	height int
	bpp    map[byte]int // bits per pixel of each depth
	pad    map[byte]int // scanline padding in bits of each depth
	lsb    bool         // images are least significant byte first
	atoms  map[string]uint32
	// errs holds errors for requests that have no reply (SendEvent), by
	// sequence number, as they arrive before a later reply.
	errs map[uint16]error
	buf  []byte // replies are read into it
}

// dialX connects to display :n over its local socket.
func dialX(n int, timeout time.Duration) (*xConn, error) {
	c, err := net.DialTimeout("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n), timeout)
	if err != nil {
		return nil, err
	}
	x := &xConn{c: c, r: bufio.NewReaderSize(c, 1<<16), bpp: map[byte]int{}, pad: map[byte]int{},
		atoms: map[string]uint32{}, errs: map[uint16]error{}, buf: make([]byte, 32, 1<<16)}
	if err := x.setup(timeout); err != nil {
		c.Close()
		return nil, fmt.Errorf("connection setup of X display :%d: %w", n, err)
	}
	return x, nil
}

func (x *xConn) Close() error { return x.c.Close() }

// setup sends the connection request (little-endian, protocol 11.0, no
// authorisation) and reads the root window, screen size and pixmap formats.
func (x *xConn) setup(timeout time.Duration) error {
	_ = x.c.SetDeadline(time.Now().Add(timeout))
	defer func() { _ = x.c.SetDeadline(time.Time{}) }()
	req := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := x.c.Write(req); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(x.r, head); err != nil {
		return err
	}
	rest := make([]byte, 4*int(binary.LittleEndian.Uint16(head[6:])))
	if _, err := io.ReadFull(x.r, rest); err != nil {
		return err
	}
	if head[0] != 1 {
		reason := ""
		if head[0] == 0 && int(head[1]) <= len(rest) {
			reason = string(rest[:head[1]])
		}
		return fmt.Errorf("refused (status %d) %s", head[0], strings.TrimSpace(reason))
	}
	if len(rest) < 32 {
		return errors.New("setup reply too short")
	}
	vendorLen := int(binary.LittleEndian.Uint16(rest[16:]))
	nFormats := int(rest[21])
	x.lsb = rest[22] == 0
	off := 32 + (vendorLen+3)/4*4
	for i := 0; i < nFormats; i++ {
		if off+8 > len(rest) {
			return errors.New("setup reply too short (formats)")
		}
		x.bpp[rest[off]] = int(rest[off+1])
		x.pad[rest[off]] = int(rest[off+2])
		off += 8
	}
	if off+40 > len(rest) {
		return errors.New("setup reply too short (screen)")
	}
	x.root = binary.LittleEndian.Uint32(rest[off:])
	x.width = int(binary.LittleEndian.Uint16(rest[off+20:]))
	x.height = int(binary.LittleEndian.Uint16(rest[off+22:]))
	return nil
}

// send writes one request: opcode, the data byte and the body (whose length
// must be a multiple of 4).
func (x *xConn) send(op, data byte, body []byte) (uint16, error) {
	req := make([]byte, 4+len(body))
	req[0], req[1] = op, data
	binary.LittleEndian.PutUint16(req[2:], uint16(len(req)/4))
	copy(req[4:], body)
	if _, err := x.c.Write(req); err != nil {
		return 0, err
	}
	x.seq++
	return x.seq, nil
}

// reply reads packets until the reply or error for sequence number seq. Events
// are skipped; errors of earlier requests (which have no reply) are kept in errs.
// The reply is only valid until the next request: its buffer is reused.
func (x *xConn) reply(seq uint16) ([]byte, error) {
	_ = x.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	defer func() { _ = x.c.SetReadDeadline(time.Time{}) }()
	for {
		head := x.buf[:32]
		if _, err := io.ReadFull(x.r, head); err != nil {
			return nil, err
		}
		got := binary.LittleEndian.Uint16(head[2:])
		switch head[0] {
		case 0: // error
			e := &xError{code: head[1], opcode: head[10]}
			if got == seq {
				return nil, e
			}
			x.errs[got] = e
		case 1: // reply
			n := 32 + int(binary.LittleEndian.Uint32(head[4:]))*4
			if n > cap(x.buf) {
				x.buf = append(x.buf[:32], make([]byte, n-32)...)
			}
			pkt := x.buf[:n]
			if _, err := io.ReadFull(x.r, pkt[32:]); err != nil {
				return nil, err
			}
			if got == seq {
				return pkt, nil
			}
		default: // an event; none is selected, but skip whatever comes
		}
	}
}

// call sends a request that has a reply and returns the reply.
func (x *xConn) call(op, data byte, body []byte) ([]byte, error) {
	seq, err := x.send(op, data, body)
	if err != nil {
		return nil, err
	}
	return x.reply(seq)
}

func u32s(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

// atom returns the atom called name, creating it if needed.
func (x *xConn) atom(name string) (uint32, error) {
	if a, ok := x.atoms[name]; ok {
		return a, nil
	}
	body := make([]byte, 4+(len(name)+3)/4*4)
	binary.LittleEndian.PutUint16(body, uint16(len(name)))
	copy(body[4:], name)
	rep, err := x.call(opInternAtom, 0, body)
	if err != nil {
		return 0, err
	}
	a := binary.LittleEndian.Uint32(rep[8:])
	x.atoms[name] = a
	return a, nil
}

// children lists the children of w, bottom-most first.
func (x *xConn) children(w uint32) ([]uint32, error) {
	rep, err := x.call(opQueryTree, 0, u32s(w))
	if err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint16(rep[16:]))
	if 32+4*n > len(rep) {
		return nil, errors.New("QueryTree reply too short")
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(rep[32+4*i:])
	}
	return out, nil
}

// viewable reports whether w is mapped and all its ancestors are.
func (x *xConn) viewable(w uint32) (bool, error) {
	rep, err := x.call(opGetWindowAttributes, 0, u32s(w))
	if err != nil {
		return false, err
	}
	return rep[26] == mapStateViewable, nil
}

// property returns the value of a property of w (any type; empty if unset).
func (x *xConn) property(w, prop uint32) ([]byte, error) {
	rep, err := x.call(opGetProperty, 0, u32s(w, prop, 0, 0, 1024))
	if err != nil {
		return nil, err
	}
	format := int(rep[1])
	n := int(binary.LittleEndian.Uint32(rep[16:])) * max(format/8, 1)
	if format == 0 || 32+n > len(rep) {
		return nil, nil
	}
	return rep[32 : 32+n], nil
}

// title returns w's WM_NAME, or its _NET_WM_NAME if WM_NAME is not set.
func (x *xConn) title(w uint32) (string, error) {
	v, err := x.property(w, atomWMName)
	if err != nil || len(v) > 0 {
		return string(v), err
	}
	netName, err := x.atom("_NET_WM_NAME")
	if err != nil {
		return "", err
	}
	v, err = x.property(w, netName)
	return string(v), err
}

// findViewable returns the top-most viewable child of the root window whose
// title starts with prefix, or 0.
func (x *xConn) findViewable(prefix string) (uint32, error) {
	kids, err := x.children(x.root)
	if err != nil {
		return 0, err
	}
	var xe *xError
	for i := len(kids) - 1; i >= 0; i-- {
		w := kids[i]
		ok, err := x.viewable(w)
		if errors.As(err, &xe) { // gone meanwhile
			continue
		}
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		t, err := x.title(w)
		if errors.As(err, &xe) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if strings.HasPrefix(t, prefix) {
			return w, nil
		}
	}
	return 0, nil
}

// rect is a part of a window, in the window's coordinates.
type rect struct{ x, y, w, h int }

// visible returns the part of top-level window w (a child of the root
// window) that lies inside the screen: only that part can be read.
func (x *xConn) visible(w uint32) (rect, error) {
	geo, err := x.call(opGetGeometry, 0, u32s(w))
	if err != nil {
		return rect{}, err
	}
	wx := int(int16(binary.LittleEndian.Uint16(geo[12:])))
	wy := int(int16(binary.LittleEndian.Uint16(geo[14:])))
	ww := int(binary.LittleEndian.Uint16(geo[16:]))
	wh := int(binary.LittleEndian.Uint16(geo[18:]))
	x0, y0 := max(0, -wx), max(0, -wy)
	x1, y1 := min(ww, x.width-wx), min(wh, x.height-wy)
	return rect{x: x0, y: y0, w: max(x1-x0, 0), h: max(y1-y0, 0)}, nil
}

// getImage reads r of w in Z format and returns its pixels, bits per pixel
// and the length of a row in bytes. The pixels are valid until the next request.
func (x *xConn) getImage(w uint32, r rect) (data []byte, bpp, stride int, err error) {
	body := make([]byte, 16)
	binary.LittleEndian.PutUint32(body[0:], w)
	binary.LittleEndian.PutUint16(body[4:], uint16(int16(r.x)))
	binary.LittleEndian.PutUint16(body[6:], uint16(int16(r.y)))
	binary.LittleEndian.PutUint16(body[8:], uint16(r.w))
	binary.LittleEndian.PutUint16(body[10:], uint16(r.h))
	// All planes: Xvfb then copies memory; a narrower mask is much slower.
	binary.LittleEndian.PutUint32(body[12:], 0xffffffff)
	rep, err := x.call(opGetImage, formatZPixmap, body)
	if err != nil {
		return nil, 0, 0, err
	}
	bpp, pad := x.bpp[rep[1]], max(x.pad[rep[1]], 8)
	return rep[32:], bpp, (r.w*bpp + pad - 1) / pad * pad / 8, nil
}

// sampleRows is how many rows of a window frameWatch reads on each poll.
const sampleRows = 9

// frameWatch tells when a window has drawn its first frame: when it shows
// more than one flat colour. On a black-root Xvfb with no window manager, a
// window that has not drawn yet is all black.
//
// Reading a whole large window takes Xvfb and this process a few
// milliseconds, which at a 10 ms poll would take CPU from the program being
// measured; so each poll reads only a few rows spread over the window, and
// the whole window only when those rows are one colour other than black
// (something was drawn, perhaps between the rows), or every tenth poll in
// case the rows missed what was drawn.
type frameWatch struct {
	x     *xConn
	w     uint32
	polls int
}

// drawn reports whether the window shows more than one colour.
func (f *frameWatch) drawn() (bool, error) {
	f.polls++
	r, err := f.x.visible(f.w)
	if err != nil || r.w == 0 || r.h == 0 {
		return false, err
	}
	var first uint32
	for i := 0; i < sampleRows; i++ {
		row := rect{x: r.x, y: r.y + r.h*(2*i+1)/(2*sampleRows), w: r.w, h: 1}
		data, bpp, _, err := f.x.getImage(f.w, row)
		if err != nil {
			return false, err
		}
		c, flat := f.x.flat(data, bpp)
		if i == 0 {
			first = c
		}
		if !flat || c != first {
			return true, nil
		}
	}
	if first == 0 && f.polls%10 != 0 {
		return false, nil
	}
	data, bpp, _, err := f.x.getImage(f.w, r)
	if err != nil {
		return false, err
	}
	_, flat := f.x.flat(data, bpp)
	return !flat, nil
}

// flat reports whether all pixels of data have the same colour, and which.
func (x *xConn) flat(data []byte, bpp int) (colour uint32, flat bool) {
	if len(data) == 0 {
		return 0, true
	}
	if bpp != 32 {
		for _, b := range data { // an unusual format: any byte that differs
			if b != data[0] {
				return uint32(data[0]), false
			}
		}
		return uint32(data[0]), true
	}
	// 32-bit pixels with 24 bits of colour: the unused byte holds whatever
	// the program wrote (GL writes alpha), so it is masked out. Two pixels
	// at a time; rows of 32-bit pixels have no padding.
	mask32 := uint64(0x00ffffff)
	if !x.lsb {
		mask32 = 0xffffff00
	}
	mask := mask32 | mask32<<32
	first := uint64(binary.LittleEndian.Uint32(data)) & mask32
	want := first | first<<32
	n := len(data) &^ 7
	for i := 0; i < n; i += 8 {
		if binary.LittleEndian.Uint64(data[i:])&mask != want {
			return uint32(first), false
		}
	}
	if n+4 <= len(data) && uint64(binary.LittleEndian.Uint32(data[n:]))&mask32 != first {
		return uint32(first), false
	}
	return uint32(first), true
}

// savePNG writes what w shows to file (32 bits per pixel only).
func (x *xConn) savePNG(w uint32, file string) error {
	r, err := x.visible(w)
	if err != nil {
		return err
	}
	data, bpp, stride, err := x.getImage(w, r)
	if err != nil {
		return err
	}
	width := r.w
	if bpp != 32 || width == 0 || stride != 4*width {
		return fmt.Errorf("cannot save a %d-bit image", bpp)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, len(data)/(4*width)))
	for i := 0; i+4 <= len(data); i += 4 {
		v := binary.LittleEndian.Uint32(data[i:])
		if !x.lsb {
			v = binary.BigEndian.Uint32(data[i:])
		}
		copy(img.Pix[i:], []byte{byte(v >> 16), byte(v >> 8), byte(v), 0xff})
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// askToClose sends w the WM_DELETE_WINDOW message a window manager sends
// when the user closes a window, then waits for the server to process it.
func (x *xConn) askToClose(w uint32) error {
	protocols, err := x.atom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	del, err := x.atom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}
	ev := make([]byte, 32)
	ev[0], ev[1] = eventClientMsg, 32
	binary.LittleEndian.PutUint32(ev[4:], w)
	binary.LittleEndian.PutUint32(ev[8:], protocols)
	binary.LittleEndian.PutUint32(ev[12:], del)
	// ev[16:20] = CurrentTime (0)
	seq, err := x.send(opSendEvent, 0, append(u32s(w, 0), ev...))
	if err != nil {
		return err
	}
	// A round trip: an error for SendEvent comes before this reply.
	sync, err := x.send(opGetInputFocus, 0, nil)
	if err != nil {
		return err
	}
	if _, err := x.reply(sync); err != nil {
		return err
	}
	err = x.errs[seq]
	clear(x.errs)
	return err
}
