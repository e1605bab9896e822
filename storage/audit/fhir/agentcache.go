package fhir

import "bytes"

// agentCache keeps the last few agent and source parts a worker wrote: they
// depend only on the user, the client ID, the HIP ID and the environment,
// which a facility's records repeat, and copying them whole is cheaper than
// writing them piece by piece.
type agentCache struct {
	entries [8]agentEntry
	next    int // the entry to replace next
}

type agentEntry struct {
	user, client, hip, env []byte
	part                   []byte // what appendAgents wrote for them
	used                   bool
}

// appendAgents appends e's agents and source, from the cache when it can.
func (c *agentCache) appendAgents(b []byte, e *event) []byte {
	v := e.v
	for i := range c.entries {
		en := &c.entries[i]
		if en.used && bytes.Equal(en.user, v.OSUser) && bytes.Equal(en.client, v.ClientID) &&
			bytes.Equal(en.hip, v.HIPID) && bytes.Equal(en.env, v.Environment) {
			return append(b, en.part...)
		}
	}
	start := len(b)
	b = appendAgents(b, e)
	en := &c.entries[c.next]
	c.next = (c.next + 1) % len(c.entries)
	en.user = append(en.user[:0], v.OSUser...)
	en.client = append(en.client[:0], v.ClientID...)
	en.hip = append(en.hip[:0], v.HIPID...)
	en.env = append(en.env[:0], v.Environment...)
	en.part = append(en.part[:0], b[start:]...)
	en.used = true
	return b
}
