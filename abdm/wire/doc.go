// Package wire holds the JSON shapes, paths, headers and codes of the ABDM APIs
// this tool uses, one file per API generation: v2.go for the legacy v1/v2
// HealthID service (DESIGN.md section 2), v3.go for the current ABHA v3 APIs
// (ABDM-V3.md). The client in package abdm and the simulator in abdm/sandbox
// share them, so the two cannot drift apart. It has no behaviour of its own.
package wire
