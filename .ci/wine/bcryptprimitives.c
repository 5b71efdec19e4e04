/* bcryptprimitives.dll for Wine 8.0, which lacks it: Rust's standard library (1.78 and later)
 * imports `ProcessPrng` from it for random numbers (hash-map seeds), so without this no
 * Windows program of ours starts under that Wine. Windows itself has the real DLL; this one is
 * only ever put beside the test programs by .ci/windows.sh. It hands the call to
 * `RtlGenRandom` (advapi32's `SystemFunction036`), which Wine has. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a 32-bit length: larger requests go in pieces. */
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
