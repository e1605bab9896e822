package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvHeader names the columns of WriteCSV, after the JSON field names.
var csvHeader = []string{
	"time", "event", "action", "id", "osUser", "environment", "api", "clientId", "hipId", "abhaNumber", "txnId",
	"reasons", "otherText", "loginMethod", "otpMethod", "outcome", "code", "message", "durationMs",
}

// WriteCSV writes recs as CSV with a header row. Reasons are joined as
// "101 Label; 104 Label". Cells that a spreadsheet would run as a formula
// (starting with = + - @) are prefixed with an apostrophe.
func WriteCSV(w io.Writer, recs []Record) error {
	cw := NewCSVWriter(w)
	for _, r := range recs {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// CSVWriter writes records as CSV one at a time, as WriteCSV does, for an
// export streamed from Scan.
type CSVWriter struct {
	cw     *csv.Writer
	header bool // written
}

// NewCSVWriter returns a CSVWriter on w; the header row comes first.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{cw: csv.NewWriter(w)} }

// Write writes r as one row (after the header, the first time).
func (c *CSVWriter) Write(r Record) error {
	if !c.header {
		c.header = true
		if err := c.cw.Write(csvHeader); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	dur := ""
	if r.DurationMS != 0 {
		dur = strconv.FormatInt(r.DurationMS, 10)
	}
	row := []string{
		r.Time.UTC().Format(time.RFC3339), r.Event, r.ActionOf(), r.ID, r.OSUser, r.Environment, r.API, r.ClientID, r.HIPID,
		r.ABHANumber, r.TxnID, JoinReasons(r.Reasons), r.OtherText, r.LoginMethod, r.OTPMethod,
		r.Outcome, r.Code, r.Message, dur,
	}
	for i := range row {
		row[i] = defuseFormula(row[i])
	}
	if err := c.cw.Write(row); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// Flush writes out what is buffered (the header alone if no record was
// written) and reports any error of the writes so far.
func (c *CSVWriter) Flush() error {
	if !c.header {
		c.header = true
		if err := c.cw.Write(csvHeader); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// JoinReasons formats reasons as "101 Label; 104 Label".
func JoinReasons(rs []Reason) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, strings.TrimSpace(r.Code+" "+r.Label))
	}
	return strings.Join(parts, "; ")
}

func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportCSV writes to w, as CSV, the records of the trail that f selects,
// newest first (the last line first), exactly as Scan would give them to a
// CSVWriter with each record made Safe: what `audit --csv` prints. It reads
// the file once, on every core, in constant memory (see csvexport.go); with
// a Limit it goes through Scan. Damaged lines are skipped and counted.
func (l *Log) ExportCSV(ctx context.Context, w io.Writer, f Filter) (ReadStats, error) {
	if f.Limit <= 0 {
		return exportCSV(ctx, l.path, w, f)
	}
	cw := NewCSVWriter(w)
	var writeErr error
	stats, err := l.Scan(ctx, f, func(r Record) error {
		if writeErr = cw.Write(r.Safe()); writeErr != nil {
			return ErrStop
		}
		return nil
	})
	if err != nil {
		return stats, err
	}
	if writeErr == nil {
		writeErr = cw.Flush()
	}
	return stats, writeErr
}
