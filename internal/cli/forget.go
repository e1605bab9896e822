package cli

import (
	"context"
	"errors"
	"fmt"

	"abha-deactivate/internal/safetext"
	"abha-deactivate/storage/secrets"
)

// runForgetSecret deletes a client secret saved in the system keyring.
func runForgetSecret(args []string, std proc) int {
	fs := newFlagSet("forget-secret", "Delete the client secret saved in the system keyring for a client ID.", std.Err)
	clientID := fs.String("client-id", "", "the client ID whose secret to delete (required)")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	if *clientID == "" {
		return rep.fail(usagef("--client-id is required"))
	}
	err := secrets.NewKeyring(keyringTimeout).Delete(context.Background(), *clientID)
	switch {
	case err == nil:
		fmt.Fprintf(std.Out, "The saved client secret for %s was deleted from the system keyring.\n", safetext.Text(*clientID))
	case errors.Is(err, secrets.ErrNotFound):
		fmt.Fprintf(std.Out, "No client secret is saved for %s.\n", safetext.Text(*clientID))
	default:
		return rep.fail(fmt.Errorf("delete the saved client secret: %w", err))
	}
	return exitOK
}
