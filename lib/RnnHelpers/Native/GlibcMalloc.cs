using System.Runtime.InteropServices;

namespace RnnHelpers.Native;

/// <summary>
/// glibc's allocator settings for a process that times libtorch's own modules. By default glibc returns freed memory to
/// the system and moves its mmap threshold as blocks come and go; under libtorch's LSTM (oneDNN's RNN primitive and its
/// scratch buffers) that made a process settle, in some runs, into mapping and faulting its buffers back in every batch:
/// ten times the page faults and two to three times the epoch time, by the luck of the run. Keeping freed memory and a
/// fixed threshold keeps libtorch in its fast mode, so the benchmark's peer is measured at its best. The numbers a model
/// computes do not depend on where its buffers live. Source: glibc's <c>mallopt(3)</c>.
/// </summary>
internal static partial class GlibcMalloc
{
    // mallopt(3) parameter numbers, from glibc's malloc.h.
    private const int TrimThreshold = -1, MmapThreshold = -3;

    // The largest mmap threshold mallopt accepts on 64-bit glibc (HEAP_MAX_SIZE / 2): larger blocks are still mapped.
    private const int LargestMmapThreshold = 32 * 1024 * 1024;

    /// <summary>
    /// Sets glibc to keep freed memory (trim threshold 2³¹ − 1 bytes) and to map only blocks above 32 MiB, for the whole
    /// process. Returns whether both settings took: false off Linux, with another C library, or if glibc refused one.
    /// Peak RSS can grow by the memory libtorch frees and would otherwise have returned.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return mallopt(MmapThreshold, LargestMmapThreshold) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>glibc's version (e.g. "2.36"), or null off Linux or with another C library.</summary>
    public static string? Version()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(gnu_get_libc_version());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static partial nint gnu_get_libc_version();
}
