//go:build !windows

package settings

import (
	"context"
	"fmt"
	"runtime"
)

// MachinePolicyPath is where facility IT puts this computer's policy file.
func MachinePolicyPath() string { return machinePolicyPath(runtime.GOOS) }

func machinePolicyPath(goos string) string {
	if goos == "darwin" || goos == "ios" {
		return "/Library/Application Support/abha-deactivate/settings.json"
	}
	return "/etc/abha-deactivate/settings.json"
}

// LoadPolicy reads this computer's policy (MachinePolicyPath, owned by
// root). No file is no policy; a damaged one is a *PolicyError.
func LoadPolicy(ctx context.Context) (Policy, error) {
	if err := ctx.Err(); err != nil {
		return Policy{}, fmt.Errorf("reading the facility's settings: %w", err)
	}
	return LoadPolicyFile(MachinePolicyPath(), 0)
}
