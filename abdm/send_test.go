package abdm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"abha-deactivate/abdm/wire"
)

// sendSecret is the client secret of sendClient: it must never show in an error.
const sendSecret = "send-test-secret-1234"

// sendClient is a v3 client whose every call goes to base.
func sendClient(t *testing.T, base string) *Client {
	t.Helper()
	c, err := New(Endpoints{Generation: V3, Gateway: base, HealthID: base},
		Credentials{ClientID: "client", ClientSecret: sendSecret}, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewRequestSetsBodyAndHeaders(t *testing.T) {
	c := sendClient(t, "http://127.0.0.1:1")
	cl := call{op: "look", method: http.MethodPost, url: "http://127.0.0.1:1/p", body: map[string]string{"a": "b"},
		auth: true, xToken: "patient-token"}
	req, err := c.newRequest(context.Background(), cl, "gateway-token")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	want := map[string]string{"Accept": "application/json", "User-Agent": "abha-deactivate",
		"Content-Type": "application/json", wire.HeaderAuthorization: "Bearer gateway-token",
		wire.HeaderV3XToken: "Bearer patient-token"}
	for k, v := range want {
		if got := req.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if string(body) != `{"a":"b"}` || req.Method != http.MethodPost || req.Header.Get(wire.HeaderRequestID) == "" {
		t.Errorf("request %s with body %s and headers %v", req.Method, body, req.Header)
	}

	bare, err := c.newRequest(context.Background(), call{op: "get", method: http.MethodGet, url: "http://127.0.0.1:1/p"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if bare.Header.Get("Content-Type") != "" || bare.Header.Get(wire.HeaderAuthorization) != "" || bare.Body != nil {
		t.Errorf("a call without body or auth sent %v", bare.Header)
	}
}

func TestNewRequestErrorsNameTheStep(t *testing.T) {
	c := sendClient(t, "http://127.0.0.1:1")
	_, err := c.newRequest(context.Background(), call{op: "look", method: http.MethodPost, url: "http://127.0.0.1:1/",
		body: func() {}}, "")
	if err == nil || !strings.Contains(err.Error(), "look: encode request") {
		t.Errorf("unencodable body: %v", err)
	}
	_, err = c.newRequest(context.Background(), call{op: "look", method: "BAD METHOD", url: "http://127.0.0.1:1/"}, "")
	if err == nil || !strings.Contains(err.Error(), "look: build request") {
		t.Errorf("bad method: %v", err)
	}
}

// hangUp is a server that reads each request whole and closes the
// connection without a reply.
func hangUp(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRoundTripTracesTheWrite(t *testing.T) {
	srv := hangUp(t)
	c := sendClient(t, srv.URL)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cases := []struct {
		name         string
		url          string
		irreversible bool
		want         Kind
	}{
		{"written, irreversible", srv.URL, true, KindOutcomeUnknown},
		{"written, reversible", srv.URL, false, KindNetwork},
		{"never written, irreversible", closed.URL, true, KindNetwork},
	}
	for _, tc := range cases {
		cl := call{op: "deactivate", method: http.MethodPost, url: tc.url, body: map[string]string{"otp": "1"},
			irreversible: tc.irreversible}
		req, err := c.newRequest(context.Background(), cl, "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.roundTrip(context.Background(), cl, req)
		if resp != nil {
			_ = resp.Body.Close()
		}
		if got := KindOf(err); err == nil || got != tc.want {
			t.Errorf("%s: %v (kind %s), want kind %s", tc.name, err, got, tc.want)
		}
	}
}

// failAfter reads data, then fails with err.
type failAfter struct {
	data string
	err  error
}

func (r *failAfter) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadLimited(t *testing.T) {
	cut := errors.New("connection reset")
	cases := []struct {
		name   string
		r      io.Reader
		data   string
		tooBig bool
		err    error
	}{
		{"within the limit", strings.NewReader("abcd"), "abcd", false, nil},
		{"one byte over", strings.NewReader("abcde"), "", true, nil},
		{"cut off", &failAfter{data: "ab", err: cut}, "ab", false, cut},
	}
	for _, tc := range cases {
		b := readLimited(tc.r, 4)
		if string(b.data) != tc.data || b.tooBig != tc.tooBig || !errors.Is(b.err, tc.err) {
			t.Errorf("%s: %q tooBig=%v err=%v, want %q %v %v", tc.name, b.data, b.tooBig, b.err, tc.data, tc.tooBig, tc.err)
		}
	}
}

func TestAcceptJudgesA2xxBody(t *testing.T) {
	c := sendClient(t, "http://127.0.0.1:1")
	cut := errors.New("unexpected EOF")
	cases := []struct {
		name         string
		irreversible bool
		b            replyBody
		want         reply
		kind         Kind // KindUnknown: no error
		text         string
	}{
		{"whole", false, replyBody{data: []byte("{}")}, reply{status: 200, body: []byte("{}")}, KindUnknown, ""},
		{"too big", false, replyBody{tooBig: true}, reply{}, KindBadReply, "larger than"},
		{"cut off", false, replyBody{data: []byte("{"), err: cut}, reply{}, KindBadReply, "cut off"},
		{"irreversible, too big", true, replyBody{tooBig: true}, reply{status: 200, incomplete: true}, KindUnknown, ""},
		{"irreversible, cut off", true, replyBody{data: []byte("{"), err: cut},
			reply{status: 200, body: []byte("{"), incomplete: true}, KindUnknown, ""},
	}
	for _, tc := range cases {
		got, err := c.accept(call{op: "x", irreversible: tc.irreversible}, 200, tc.b, quietLogger())
		if got.status != tc.want.status || string(got.body) != string(tc.want.body) || got.incomplete != tc.want.incomplete {
			t.Errorf("%s: reply %+v, want %+v", tc.name, got, tc.want)
		}
		switch {
		case tc.kind == KindUnknown && err != nil:
			t.Errorf("%s: %v, want no error", tc.name, err)
		case tc.kind != KindUnknown && (!IsKind(err, tc.kind) || !strings.Contains(err.Error(), tc.text)):
			t.Errorf("%s: %v, want %s naming %q", tc.name, err, tc.kind, tc.text)
		}
	}
}

func TestRefusalTurnsAReplyIntoAnError(t *testing.T) {
	c := sendClient(t, "http://127.0.0.1:1")
	header := http.Header{"Retry-After": {"7"}}
	cases := []struct {
		name         string
		status       int
		body         string
		irreversible bool
		kind         Kind
	}{
		{"coded", 422, `{"code":"ABDM-1204","message":"UIDAI failed"}`, false, KindAadhaarService},
		{"field-keyed", 400, `{"txnId":"Invalid Transaction Id"}`, false, KindTxnInvalid},
		{"bare 500", 500, ``, false, KindServiceUnavailable},
		{"bare 500, irreversible", 500, ``, true, KindOutcomeUnknown},
		{"bare 502, irreversible", 502, ``, true, KindOutcomeUnknown},
		{"bare 504, irreversible", 504, ``, true, KindOutcomeUnknown},
		{"bare 503, irreversible", 503, ``, true, KindServiceUnavailable},
		{"coded 500, irreversible", 500, `{"code":"ABDM-9999","message":"x"}`, true, KindServiceUnavailable},
		{"rate limited", 429, ``, false, KindRateLimited},
	}
	for _, tc := range cases {
		resp := &http.Response{StatusCode: tc.status, Header: header}
		e := c.refusal(call{op: "x", irreversible: tc.irreversible}, resp, []byte(tc.body))
		if e.Kind != tc.kind || e.Status != tc.status || e.Op != "x" {
			t.Errorf("%s: %+v, want kind %s", tc.name, e, tc.kind)
		}
		if tc.kind == KindRateLimited && e.RetryAfter != 7*time.Second {
			t.Errorf("%s: RetryAfter %s, want 7s from the header", tc.name, e.RetryAfter)
		}
	}
	e := c.refusal(call{op: "x"}, &http.Response{StatusCode: 400, Header: http.Header{}},
		[]byte(`{"code":"HIS-400","message":"bad secret `+sendSecret+`"}`))
	if strings.Contains(e.Error(), sendSecret) || !strings.Contains(e.ABDMText, "[redacted]") {
		t.Errorf("the secret is not scrubbed: %q", e.Error())
	}
}
