package settings

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// PolicyKey is the machine policy's key under HKEY_LOCAL_MACHINE, where
// Group Policy and the MSI write it. Its value names are Field.RegistryName.
const PolicyKey = `Software\Policies\abha-deactivate`

// LoadPolicy reads this computer's policy from HKLM\PolicyKey. No key is no
// policy; a damaged one is a *PolicyError.
func LoadPolicy(ctx context.Context) (Policy, error) {
	if err := ctx.Err(); err != nil {
		return Policy{}, fmt.Errorf("reading the facility's settings: %w", err)
	}
	return LoadPolicyRegistry(registry.LOCAL_MACHINE, PolicyKey)
}

// LoadPolicyRegistry reads a policy from the key path under root (always the
// 64-bit view). Values must be REG_SZ or REG_EXPAND_SZ (expanded).
func LoadPolicyRegistry(root registry.Key, path string) (Policy, error) {
	source := rootName(root) + `\` + path
	k, err := registry.OpenKey(root, path, registry.READ|registry.WOW64_64KEY)
	if errors.Is(err, registry.ErrNotExist) {
		return Policy{}, nil
	}
	if err != nil {
		return Policy{}, &PolicyError{Source: source, Err: fmt.Errorf("the key cannot be read: %w", err)}
	}
	defer func() { _ = k.Close() }()
	names, err := k.ReadValueNames(0)
	if err != nil {
		return Policy{}, &PolicyError{Source: source, Err: fmt.Errorf("the key's values cannot be listed: %w", err)}
	}
	entries := make([]policyEntry, 0, len(names))
	for _, name := range names {
		entries = append(entries, readPolicyValue(k, name))
	}
	return newPolicy(source, entries, Field.RegistryName)
}

// readPolicyValue reads one value as text, or says why it is not.
func readPolicyValue(k registry.Key, name string) policyEntry {
	e := policyEntry{name: name}
	n, typ, err := k.GetValue(name, nil)
	switch {
	case err != nil:
		e.bad = fmt.Errorf("cannot be read: %w", err)
		return e
	case n > MaxPolicySize:
		e.bad = fmt.Errorf("is larger than %d KiB", MaxPolicySize>>10)
		return e
	case typ != registry.SZ && typ != registry.EXPAND_SZ:
		e.bad = fmt.Errorf("is a %s value, not text (REG_SZ)", typeName(typ))
		return e
	}
	s, _, err := k.GetStringValue(name)
	if err == nil && typ == registry.EXPAND_SZ {
		s, err = registry.ExpandString(s)
	}
	if err != nil {
		e.bad = fmt.Errorf("cannot be read: %w", err)
		return e
	}
	e.value = s
	return e
}

func rootName(root registry.Key) string {
	switch root {
	case registry.LOCAL_MACHINE:
		return "HKLM"
	case registry.CURRENT_USER:
		return "HKCU"
	}
	return fmt.Sprintf("HKEY(%#x)", uint64(root))
}

func typeName(typ uint32) string {
	switch typ {
	case registry.DWORD:
		return "REG_DWORD"
	case registry.QWORD:
		return "REG_QWORD"
	case registry.BINARY:
		return "REG_BINARY"
	case registry.MULTI_SZ:
		return "REG_MULTI_SZ"
	case registry.NONE:
		return "REG_NONE"
	}
	return fmt.Sprintf("type %d", typ)
}
