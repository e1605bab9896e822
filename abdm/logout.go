package abdm

import (
	"context"
	"net/http"
	"time"

	"abha-deactivate/abdm/wire"
)

// Logout ends a v3 patient sign-in: GET {abha}/v3/profile/account/request/logout
// with the X-token, after which ABDM refuses the token. v2 has no such call:
// there it does nothing.
func (c *Client) Logout(ctx context.Context, xToken string) error {
	v, ok := c.api.(v3API)
	if !ok || xToken == "" {
		return nil
	}
	if err := checkToken(xToken); err != nil {
		return err
	}
	c.addSecret(xToken)
	_, err := c.do(ctx, call{op: "log the patient out", method: http.MethodGet,
		url: v.url(wire.PathV3AccountLogout), auth: true, xToken: xToken})
	return err
}

// logoutQuietly logs the patient's fresh token out after a v3 reactivation,
// which signs the patient in though the clinic needs no sign-in: the token
// should not outlive the visit. A failure is only logged (never the token:
// errors of the client never hold it).
func (c *Client) logoutQuietly(ctx context.Context, xToken string) {
	if c.Generation() != V3 {
		return
	}
	if ctx.Err() != nil { // cancelled: still log out, briefly
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
	}
	if err := c.Logout(ctx, xToken); err != nil {
		c.log.WithError(err).Warn("reactivated; logging the patient's new sign-in out failed")
		return
	}
	c.log.Info("reactivated; the patient's new sign-in was logged out")
}
