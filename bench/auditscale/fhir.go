package main

// The operations of the 1M run (million.go) for `audit export --fhir`
// (fhir.Export, as `audit export --fhir > /dev/null`), and cat as a child
// operation.

import (
	"context"
	"os"
	"os/exec"

	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/fhir"
)

func init() {
	ops["cat"] = func(ctx context.Context, path string) error {
		cmd := exec.CommandContext(ctx, "cat", path)
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer devNull.Close()
		cmd.Stdout, cmd.Stderr = devNull, os.Stderr
		return cmd.Run()
	}
	ops["fhir"] = func(ctx context.Context, path string) error {
		devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer devNull.Close()
		_, err = fhir.Export(ctx, audit.Open(path), fhir.Options{Host: "bench"}, devNull)
		return err
	}
}
