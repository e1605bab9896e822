package abdm

// This file holds what the user is told of each kind of error: a short
// message and the next thing to do.

type advice struct{ message, next string }

// The English text doubles as the translation key of the wizard.
var kindAdvice = map[Kind]advice{
	KindUnknown: {"ABDM refused the request.",
		"Note the code shown and try again. If it happens again, contact your IT support."},
	KindWrongOTP: {"The OTP does not match.",
		"Ask the patient to read the OTP again and re-enter it."},
	KindOTPExpired: {"The OTP has expired.",
		"Request a new OTP and enter the new one."},
	KindTxnInvalid: {"This OTP can no longer be used.",
		"Request a new OTP."},
	KindRateLimited: {"Too many OTP requests for this patient.",
		"Wait for the time shown, then request a new OTP."},
	KindTooManyAttempts: {"Too many wrong OTP attempts.",
		"Stop for now. The patient can try again later (usually after 30 minutes or more)."},
	KindNoLinkedMobile: {"No mobile number is linked to this patient's Aadhaar, so the OTP cannot be sent.",
		"The patient can link a mobile number to their Aadhaar (at an Aadhaar centre) and then try again, or deactivate the ABHA themselves in the ABHA app."},
	KindAccountInactive: {"This ABHA is not active (already deactivated or disabled).",
		"Check the ABHA with the patient. If they want to use it again, reactivate it (Reactivate an ABHA)."},
	KindNotFound: {"No ABHA was found for this number or address.",
		"Check the ABHA number or address with the patient (it is on their ABHA card) and try again."},
	KindGatewayCredentials: {"ABDM did not accept this facility's client ID or client secret.",
		"Check the client ID and client secret, then connect again. Do not retry many times: ABDM locks the client after repeated failures."},
	KindForbidden: {"This facility's ABDM client is not allowed to use this service.",
		"Ask your IT team to check the client's roles with ABDM."},
	KindPatientToken: {"The patient's sign-in has expired.",
		"Ask the patient to sign in again (a new OTP)."},
	KindServiceUnavailable: {"The ABDM service is not available right now.",
		"Wait a few minutes and try again."},
	KindBadReply: {"ABDM sent a reply this tool could not read.",
		"Try again. If it keeps happening, contact your IT support."},
	KindNetwork: {"Could not reach ABDM.",
		"Check the internet connection (and proxy settings, if your facility uses one), then try again."},
	KindTLS: {"The secure connection to ABDM could not be verified.",
		"Check the computer's date and time. If your facility inspects web traffic, ask IT to add its certificate under Settings > Extra CA certificates."},
	KindProxy: {"The proxy server did not let the connection through to ABDM.",
		"Check the proxy address in Settings (or the computer's proxy settings) and whether the proxy needs a sign-in. Ask IT if unsure."},
	KindOutcomeUnknown: {"The deactivation request was sent, but no answer came back. It may or may not have been done.",
		"Do not send it again. Use Check status to find out whether the ABHA is now deactivated."},
	KindInvalidInput: {"ABDM refused the request as incomplete or invalid.",
		"Check what was entered and try again."},
	KindClock: {"ABDM refused the time stamp of the request.",
		"Check this computer's date, time and time zone (set them to update automatically), then try again."},
	KindMethodNotAllowed: {"This way of sending the OTP is not allowed for this ABHA.",
		"Choose the other way (the mobile linked to the Aadhaar, or the mobile linked to the ABHA) and try again."},
	KindAadhaarService: {"The Aadhaar service (UIDAI) did not complete the request.",
		"Try again in a few minutes, or send the OTP to the mobile linked to the ABHA instead."},
	KindBenefitLinked: {"This ABHA is linked to a government benefit programme, so ABDM does not allow it to be deactivated.",
		"Nothing to retry here. The patient can ask the benefit programme or NHA's helpline (1800-11-4477) about it."},
	KindClientDefect: {"ABDM refused the request this app sent as malformed.",
		"This is a defect in the app: note the code shown and report it to your IT support."},
	KindFeatureRestricted: {"ABDM says this feature is restricted: NHA has not enabled it for this facility's client ID.",
		"This is not a wrong OTP or a network problem, and trying again will not help. The facility must ask NHA to enable the feature for its client ID."},
	KindKeyChanged: {"ABDM's encryption key has changed, and ABDM refused the request again when it was sent with the new key. ABDM's key may have changed once more.",
		"Press Go to Connect and connect again, then repeat this step. If it happens again, contact your IT support."},
	KindRedirect: {"ABDM answered with a redirect to another address; nothing was followed.",
		"The ABDM address in use may be out of date, or a proxy may be changing the traffic. Ask your IT team to check the ABDM addresses and the proxy."},
}

// Message is a short, plain-language description of the problem.
func (k Kind) Message() string { return kindAdvice[k].message }

// NextAction says what the user should do next.
func (k Kind) NextAction() string { return kindAdvice[k].next }
