// Package abdm talks to ABDM's gateway and HealthID services: it opens and
// renews the facility's gateway session, fetches the public key and encrypts
// OTPs with it, requests the deactivation OTP, deactivates an ABHA and reads the
// patient's profile. Errors come back as *Error, classified into kinds a front
// end can act on. Flow drives the steps in order and holds their state; every
// front end (the wizard, the headless command, the tests) drives the same Flow.
//
// The package never imports a GUI toolkit and never puts a secret (client
// secret, gateway tokens, the patient's X-Token, an OTP) into an error or a log.
package abdm
