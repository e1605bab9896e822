package sandbox

// WithKeyGate makes key generation wait until gate is closed, so tests can
// see KeyReady block.
func WithKeyGate(gate <-chan struct{}) Option {
	return func(c *config) { c.keyGate = gate }
}

// KeyGenerationStarted reports whether s has begun making its RSA key.
func KeyGenerationStarted(s *Server) bool { return s.keyStarted.Load() }
