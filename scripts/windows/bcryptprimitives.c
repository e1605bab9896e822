/*
 * A stand-in for Windows' bcryptprimitives.dll, used only by the test suite to run the
 * app's Windows build under Debian 12's Wine 8.0.
 *
 * Go 1.22+ programs on Windows take their random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has but Wine gained only in 8.13;
 * under Wine 8.0 a Go program stops before main with "bcryptprimitives.dll not found".
 * This DLL exports ProcessPrng and fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036), which Wine 8.0 has. It is never shipped and never installed on a
 * real Windows machine: scripts/lib/wine.sh builds it from this file with mingw-w64 and
 * copies it into each throw-away Wine prefix.
 */
#include <windows.h>

/* RtlGenRandom is exported under this name; it has no import library declaration of its own. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills data with len cryptographically random bytes. Like Windows' own, it
 * always succeeds for a valid buffer; RtlGenRandom takes a ULONG, so large requests are
 * filled in pieces. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		len -= chunk;
	}
	return TRUE;
}
