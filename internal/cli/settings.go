package cli

import (
	"fmt"
	"text/tabwriter"

	"abha-deactivate/internal/safetext"
	"abha-deactivate/storage/settings"
)

// settingsView is what `settings --json` prints: the settings in effect
// (never a secret) and which of them the facility's IT team has set.
type settingsView struct {
	File        string            `json:"file"`
	Settings    settings.Settings `json:"settings"`
	PolicyFrom  string            `json:"policySource,omitempty"`
	SetByPolicy []string          `json:"setByFacility"`
}

// runSettings shows the settings in effect and where each comes from: for
// facility IT checking a deployment (policy key or file, user settings).
func runSettings(args []string, std proc) int {
	fs := newFlagSet("settings", "Show the settings in effect on this computer and which the facility has set.", std.Err)
	asJSON := fs.Bool("json", false, "print JSON")
	rep := &reporter{std: std}
	if _, err := parseFlags(fs, args); err != nil {
		return rep.fail(err)
	}
	rt, err := openRuntime(std, "warning", settings.Overrides{})
	if err != nil {
		return rep.fail(err)
	}
	defer rt.closeLog()
	v := settingsView{File: rt.dirs.SettingsFile(), Settings: rt.settings, PolicyFrom: rt.policy.Source, SetByPolicy: []string{}}
	for _, f := range rt.policy.Locked() {
		v.SetByPolicy = append(v.SetByPolicy, string(f))
	}
	if *asJSON {
		if err := writeJSON(std.Out, v); err != nil {
			return rep.fail(err)
		}
		return exitOK
	}
	printSettings(std, v)
	return exitOK
}

// printSettings writes v as a table, marking the facility's fields.
func printSettings(std proc, v settingsView) {
	tw := tabwriter.NewWriter(std.Out, 0, 4, 2, ' ', 0)
	locked := map[string]bool{}
	for _, f := range v.SetByPolicy {
		locked[f] = true
	}
	s := v.Settings
	rows := [][2]string{{"environment", s.Environment}, {"apiVersion", string(s.APIVersion)}, {"gatewayUrl", s.GatewayURL},
		{"healthIdUrl", s.HealthIDURL}, {"clientId", s.ClientID}, {"hipId", s.HIPID}, {"proxyUrl", s.ProxyURL},
		{"caBundle", s.CABundle}, {"facilityName", s.FacilityName}, {"language", s.Language}, {"appearance", s.Appearance}}
	rows = append(rows, auditRows(s)...)
	for _, r := range rows {
		from := "user"
		if locked[r[0]] {
			from = "facility"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r[0], safetext.Text(r[1]), from)
	}
	tw.Flush()
	fmt.Fprintf(std.Out, "User settings file: %s\n", safetext.Text(v.File))
	if v.PolicyFrom != "" {
		fmt.Fprintf(std.Out, "Facility settings: %s\n", safetext.Text(v.PolicyFrom))
	}
}
