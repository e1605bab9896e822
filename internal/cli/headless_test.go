//go:build ci

package cli

// With -tags ci (Fyne's headless driver, CGO_ENABLED=0), the end-to-end
// tests' binary is built headless too: the commands they run draw nothing.
func init() { buildTags = "ci" }
