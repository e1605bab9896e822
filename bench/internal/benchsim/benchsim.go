// Package benchsim connects the benchmark programs to the ABDM simulator
// the way the app connects to ABDM: the app's own client, for one API
// generation, with the simulator's credentials and a quiet log.
package benchsim

import (
	"io"

	"github.com/sirupsen/logrus"

	"abha-deactivate/abdm"
	"abha-deactivate/abdm/sandbox"
)

// Client is an ABDM client of generation gen for the simulator sim served
// at srv.
func Client(sim *sandbox.Server, srv *sandbox.Running, gen abdm.Generation) (*abdm.Client, error) {
	ep := abdm.Endpoints{Generation: abdm.V2, Gateway: srv.GatewayURL(), HealthID: srv.HealthIDURL()}
	if gen == abdm.V3 {
		ep = abdm.Endpoints{Generation: abdm.V3, Gateway: srv.GatewayV3URL(), HealthID: srv.ABHAV3URL()}
	}
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	creds := sim.Credentials()
	return abdm.New(ep, abdm.Credentials{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, HIPID: creds.HIPID},
		abdm.WithLogger(quiet))
}
