package receipt

import "strings"

// PickLanguage is the language of a receipt: choice when it is "en" or
// "hi", else the system's language (the first of LC_ALL, LC_MESSAGES and
// LANG that is set) when it is Hindi, else English. getenv reads the
// environment (os.Getenv).
func PickLanguage(choice string, getenv func(string) string) string {
	switch c := strings.ToLower(strings.TrimSpace(choice)); c {
	case English, Hindi:
		return c
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), Hindi) {
				return Hindi
			}
			return English
		}
	}
	return English
}
