// Package cleanlocale keeps Fyne from reporting an error on every start of
// the program on machines whose locale is "C.UTF-8" (common on servers and
// in containers): Fyne's language setup, which runs while packages are
// initialised, takes "C" for a language name and logs "Error parsing user
// locale C". Importing this package for its side effect (the main package
// does) rewrites such a locale, for this process only, to plain "C", which
// Fyne reads as "no language preference", i.e. English.
//
// It must be initialised before fyne.io/fyne/v2/lang. Go initialises
// packages in import-path order among those whose imports are ready, and
// this package needs only os and strings, so it runs first.
package cleanlocale

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply rewrites the locale variable that decides the language of messages
// (the first set of LC_ALL, LC_MESSAGES, LANG) from "C.<charset>" or
// "POSIX.<charset>" to plain "C". Any other value is left alone.
func Apply(getenv func(string) string, setenv func(string, string) error) {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			_ = setenv(name, "C")
		}
		return
	}
}
