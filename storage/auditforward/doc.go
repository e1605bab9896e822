// Package auditforward sends the audit trail, record by record, to the
// facility's syslog collector (for example rsyslog) over TLS, and compares
// the trail with a collector's copy.
//
// Wire format. Each record is one RFC 5424 message in an RFC 5425
// octet-counted frame ("LEN SP MSG"):
//
//	<85>1 2026-12-03T17:00:00.123456Z HOST abha-deactivate PID outcome [abha@32473 id="…" prev="…" hash="…"] {"id":…}
//
// Its parts:
//
//   - PRI: facility authpriv (10), the facility for security and
//     authorisation messages, which syslog daemons keep in a file only
//     administrators read; severity notice (5), or warning (4) for an
//     outcome that is rejected, unknown, not sent or damaged (a line that is not a record).
//   - TIMESTAMP: the record's own time (UTC, microseconds), not the time of
//     sending, so that a record sent late still says when it happened.
//   - HOSTNAME: this computer's name; APP-NAME: abha-deactivate; PROCID:
//     the sending process; MSGID: the record's event (intent or outcome).
//   - STRUCTURED-DATA: one element whose SD-ID is abha@32473. 32473 is the
//     private enterprise number RFC 5612 reserves for documentation and
//     examples: this project has no IANA number of its own; a facility that
//     wants one registers it and nothing else changes. Parameters: id (the
//     record's id), event, prev (the record's chain link, the SHA-256 of the
//     line before it) and hash (the SHA-256 of this line, as the chain
//     computes it). '"', '\' and ']' are escaped with '\'.
//   - MSG: the record's JSON line exactly as stored in the trail, without
//     a BOM: rsyslog keeps a BOM in %msg% and %rawmsg%, so a collector's
//     file would no longer hold plain JSON lines.
//
// The stored line is already masked (audit.Log.Append masks the ABHA
// number and keeps no secret, token or OTP), so nothing more private leaves
// this computer than what the trail holds.
//
// Acknowledgement. Syslog has no application-level acknowledgement. A
// batch counts as acknowledged when, after writing it, the sender closes
// its side of the TLS connection (close_notify, CloseWrite) and then reads
// the collector's end of the connection (its close_notify, or an orderly
// EOF) within AckTimeout: TCP delivers in order and TLS authenticates every
// byte, so a collector that has read the close_notify has read every frame
// before it. rsyslog closes its side only when it has read up to the
// client's close_notify. Only then does the cursor (the trail's file name
// + ".forwarded") move past the batch. Anything else — no connection, a
// refused certificate, a reset, a timeout — leaves the batch pending, to be
// sent again whole: a record is sent once per acknowledged connection, and
// a collector may see a record twice only if a connection broke after the
// collector read it but before the close was seen here. The limit of this
// definition: a collector that closes a connection on its own (stopped,
// restarted) in the instant between the last frame leaving here and its
// reading it, without resetting the connection, cannot be told from one
// that acknowledges. RFC 5425 has no acknowledgement to close that gap
// (RELP has); `audit verify --against` is the check that finds such a loss.
//
// The trail is the queue: records are read from the cursor's offset, in
// file order, and only whole lines are sent.
package auditforward
