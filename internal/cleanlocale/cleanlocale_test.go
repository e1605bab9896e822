package cleanlocale

import "testing"

func TestApply(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want map[string]string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, map[string]string{"LANG": "C"}},
		{map[string]string{"LANG": "C.utf8"}, map[string]string{"LANG": "C"}},
		{map[string]string{"LC_ALL": "POSIX.UTF-8", "LANG": "hi_IN.UTF-8"}, map[string]string{"LC_ALL": "C", "LANG": "hi_IN.UTF-8"}},
		{map[string]string{"LANG": "en_IN.UTF-8"}, map[string]string{"LANG": "en_IN.UTF-8"}},
		{map[string]string{"LC_MESSAGES": "hi_IN.UTF-8", "LANG": "C.UTF-8"}, map[string]string{"LC_MESSAGES": "hi_IN.UTF-8", "LANG": "C.UTF-8"}},
		{map[string]string{"LANG": "C"}, map[string]string{"LANG": "C"}},
		{map[string]string{}, map[string]string{}},
	}
	for _, c := range cases {
		env := map[string]string{}
		for k, v := range c.env {
			env[k] = v
		}
		Apply(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		for k, v := range c.want {
			if env[k] != v {
				t.Errorf("%v: %s=%q, want %q", c.env, k, env[k], v)
			}
		}
	}
}
