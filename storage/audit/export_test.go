package audit

// Names for the tests in package audit_test (sampletrail_test.go, bench_test.go).
var (
	CSVHeader = csvHeader
	Intent    = intent
	AllPages  = allPages
	WantPages = wantPages
)
