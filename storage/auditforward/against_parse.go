package auditforward

import (
	"bytes"
	"errors"
)

// bom is the UTF-8 byte order mark RFC 5424 allows before MSG.
var bom = []byte{0xEF, 0xBB, 0xBF}

// errNotOurs marks a syslog message from another program.
var errNotOurs = errors.New("a message of another program")

// collectorLine returns the trail line a line of a collector's file holds:
// the MSG of an RFC 5424 message of abha-deactivate (as rsyslog stores it
// with the template "%rawmsg%\n"), or a bare JSON line. A BOM before MSG is
// dropped; so is a "\r" at the end.
func collectorLine(line []byte) ([]byte, error) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	switch {
	case bytes.HasPrefix(line, []byte{'{'}):
		return line, nil
	case bytes.HasPrefix(line, bom) && bytes.HasPrefix(line[len(bom):], []byte{'{'}):
		return line[len(bom):], nil
	case !bytes.HasPrefix(line, []byte{'<'}):
		return nil, errors.New("neither a syslog message nor a JSON line")
	}
	rest := line
	var fields [6][]byte // PRI+VERSION, TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID
	for i := range fields {
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return nil, errors.New("a syslog message cut short")
		}
		fields[i], rest = rest[:sp], rest[sp+1:]
	}
	if !bytes.HasSuffix(fields[0], []byte(">1")) {
		return nil, errors.New("not an RFC 5424 message")
	}
	if string(fields[3]) != AppName {
		return nil, errNotOurs
	}
	msg, err := skipSD(rest)
	if err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(msg, bom), nil
}

// skipSD returns what follows the STRUCTURED-DATA at the start of b (and
// the space after it): the MSG.
func skipSD(b []byte) ([]byte, error) {
	if bytes.HasPrefix(b, []byte("- ")) {
		return b[2:], nil
	}
	if string(b) == "-" {
		return nil, nil
	}
	i := 0
	for i < len(b) && b[i] == '[' {
		end, err := elementEnd(b, i)
		if err != nil {
			return nil, err
		}
		i = end
	}
	if i == 0 {
		return nil, errors.New("no structured data")
	}
	if i == len(b) {
		return nil, nil
	}
	if b[i] != ' ' {
		return nil, errors.New("no space after the structured data")
	}
	return b[i+1:], nil
}

// elementEnd returns the index just after the SD-ELEMENT starting at b[i]
// ('['): its closing ']' outside quoted values, with '\' escapes inside them.
func elementEnd(b []byte, i int) (int, error) {
	quoted := false
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case quoted && c == '\\':
			j++
		case c == '"':
			quoted = !quoted
		case !quoted && c == ']':
			return j + 1, nil
		}
	}
	return 0, errors.New("structured data without its closing ]")
}
