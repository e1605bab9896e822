package abdm

import (
	"context"
	"errors"
	"testing"
	"time"

	"abha-deactivate/abdm/sandbox"
)

// TestStoppedOTPRequest: an OTP request stopped after it reached ABDM is a
// StoppedError that says the OTP may still come; one stopped before any call
// is plainly stopped. Both are context.Canceled.
func TestStoppedOTPRequest(t *testing.T) {
	forEachGen(t, func(t *testing.T, gen Generation) {
		e := newTestEnv(t, withGen(gen))
		e.toPatient(patientAsha)
		e.sim.SetFault(e.route(callOTP), sandbox.Fault{Latency: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for e.count(callOTP) == 0 {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond) // the request is written in full
			cancel()
		}()
		_, err := e.flow.RequestOTP(ctx, OTPAadhaar)
		if !errors.Is(err, context.Canceled) || !StoppedOTPSend(err) {
			t.Fatalf("stopped while ABDM sends the OTP: %v (OTP send %v)", err, StoppedOTPSend(err))
		}
		e.sim.ClearFaults()
		_, err = e.flow.RequestOTP(ctx, OTPAadhaar) // ctx is already done: nothing reaches ABDM
		if !errors.Is(err, context.Canceled) || StoppedOTPSend(err) {
			t.Fatalf("stopped before sending: %v (OTP send %v)", err, StoppedOTPSend(err))
		}
	})
}
