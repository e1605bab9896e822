package settings

import "golang.org/x/sys/windows/registry"

func machinePolicy() (Policy, error) { return LoadPolicyRegistry(registry.LOCAL_MACHINE, PolicyKey) }
