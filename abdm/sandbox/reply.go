package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"

	"abha-deactivate/abdm/wire"
)

// reply is a response decided by a handler and written later, outside any
// lock (or thrown away, for faults that process the request first).
type reply struct {
	status int
	ctype  string
	body   []byte
	header map[string]string // extra headers, such as Retry-After
}

// write sends the reply.
func (rp reply) write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range rp.header {
		h.Set(k, v)
	}
	if rp.ctype != "" {
		h.Set("Content-Type", rp.ctype)
	}
	if len(rp.body) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(rp.body)))
	}
	status := rp.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if len(rp.body) > 0 {
		_, _ = w.Write(rp.body) // a write error means the client left
	}
}

// jsonReply encodes v as the body.
func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return internalError("could not encode the reply")
	}
	return reply{status: status, ctype: "application/json", body: b}
}

// emptyReply has no body at all, as ABDM's 401 and 204 replies.
func emptyReply(status int) reply {
	return reply{status: status}
}

// hidError is a HealthID error with one detail carrying the specific cause.
func hidError(status int, outer, outerMsg string, detail wire.ErrorDetail) reply {
	return jsonReply(status, wire.HealthIDError{Code: outer, Message: outerMsg, Details: []wire.ErrorDetail{detail}})
}

// badRequest is a 400 HIS-400 about one request field.
func badRequest(msg, attrKey, attrValue string) reply {
	d := wire.ErrorDetail{Code: wire.CodeBadRequest, Message: msg}
	if attrKey != "" {
		d.Attribute = &wire.ErrorAttribute{Key: attrKey, Value: attrValue}
	}
	return hidError(http.StatusBadRequest, wire.CodeBadRequest, "Bad request", d)
}

// unprocessable is a 422 HIS-422 whose detail carries the specific HIS code.
func unprocessable(code, msg string) reply {
	return hidError(http.StatusUnprocessableEntity, wire.CodeUnprocessable, "Unprocessable",
		wire.ErrorDetail{Code: code, Message: msg})
}

// internalError is a 500 HIS-500.
func internalError(msg string) reply {
	return hidError(http.StatusInternalServerError, wire.CodeInternal, "Internal server error",
		wire.ErrorDetail{Code: wire.CodeInternal, Message: msg})
}

// Codes of the sandbox's replies to unknown paths and wrong methods.
const (
	codeNotFound         = "HIS-404"
	codeMethodNotAllowed = "HIS-405"
)

// notFound answers a path the sandbox does not serve.
func notFound(path string) reply {
	return hidError(http.StatusNotFound, codeNotFound, "Not found",
		wire.ErrorDetail{Code: codeNotFound, Message: "No API at " + path})
}

// methodNotAllowed answers a known path called with the wrong method, in
// the shape of its generation.
func (s *Server) methodNotAllowed(ep endpoint) reply {
	msg := "Use " + ep.method + " for this API"
	var rp reply
	if ep.route.v3() {
		rp = s.v3Flat(http.StatusMethodNotAllowed, wire.CodeV3Generic, msg)
	} else {
		rp = hidError(http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed",
			wire.ErrorDetail{Code: codeMethodNotAllowed, Message: msg})
	}
	rp.header = map[string]string{"Allow": ep.method}
	return rp
}

// bodyTooLarge answers a request whose body is over maxBody, in the shape of
// the route's service.
func (s *Server) bodyTooLarge(route Route) reply {
	const msg = "Request body is too large"
	if route.v3() && route != RouteV3Session {
		return s.v3Flat(http.StatusRequestEntityTooLarge, wire.CodeV3Generic, msg)
	}
	if route == RouteSession || route == RouteV3Session {
		rp := sessionError(http.StatusBadRequest, msg)
		rp.status = http.StatusRequestEntityTooLarge
		return rp
	}
	rp := badRequest(msg, "", "")
	rp.status = http.StatusRequestEntityTooLarge
	return rp
}
