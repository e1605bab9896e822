package cli

import (
	"context"
	"fmt"
	"io"

	"abha-deactivate/storage/atomicfile"
	"abha-deactivate/storage/audit"
	"abha-deactivate/storage/audit/fhir"
	"abha-deactivate/storage/paths"
)

// runAuditExport exports the audit trail for a collector: `audit export
// --fhir` writes one FHIR R4 AuditEvent a line (NDJSON), oldest first.
func runAuditExport(args []string, std proc) int {
	fs := newFlagSet("audit export", "Export the audit trail for the facility's audit collector.\n"+
		"--fhir writes one FHIR R4 AuditEvent a line (NDJSON), oldest first: one for each outcome of a\n"+
		"deactivation or reactivation, then one for each attempt that has no recorded outcome (outcome unknown).\n"+
		"ABHA numbers stay masked.", std.Err)
	asFHIR := fs.Bool("fhir", false, "write FHIR R4 AuditEvent resources as NDJSON (the only format so far)")
	since := fs.String("since", "", "only records on or after this date (YYYY-MM-DD, local time) or RFC 3339 time")
	until := fs.String("until", "", "only records before this date (YYYY-MM-DD, local time) or RFC 3339 time")
	output := fs.String("output", "", "write to this file (replaced whole, when the export succeeds) instead of standard output")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	if !*asFHIR {
		return rep.fail(usagef("choose a format: --fhir"))
	}
	var opt fhir.Options
	var err error
	if opt.Since, err = parseDay(*since); err != nil {
		return rep.fail(usagef("--since: %v", err))
	}
	if opt.Until, err = parseDay(*until); err != nil {
		return rep.fail(usagef("--until: %v", err))
	}
	dirs, err := paths.Default()
	if err != nil {
		return rep.fail(err)
	}
	trail := audit.Open(dirs.AuditFile())
	ctx := context.Background()
	var stats fhir.Stats
	if *output == "" {
		stats, err = fhir.Export(ctx, trail, opt, std.Out)
	} else {
		stats, err = exportToFile(ctx, trail, opt, *output)
	}
	if err != nil {
		return rep.fail(err)
	}
	if stats.Skipped > 0 {
		fmt.Fprintf(std.Err, "Note: %d damaged line(s) in %s were skipped. Run \"abha-deactivate audit verify\".\n",
			stats.Skipped, dirs.AuditFile())
	}
	if stats.Events == 0 {
		fmt.Fprintf(std.Err, "No records to export (audit trail: %s).\n", dirs.AuditFile())
	}
	return exitOK
}

// exportToFile exports into a temporary file beside path, then puts it in
// path's place: a failed export leaves no half-written file.
func exportToFile(ctx context.Context, trail *audit.Log, opt fhir.Options, path string) (fhir.Stats, error) {
	var stats fhir.Stats
	err := atomicfile.WriteWith(path, 0o600, func(w io.Writer) error {
		var err error
		stats, err = fhir.Export(ctx, trail, opt, w)
		return err
	})
	if err != nil {
		return stats, fmt.Errorf("--output %s: %w", path, err)
	}
	return stats, nil
}
