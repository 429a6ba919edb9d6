namespace RnnHelpers.Training;

/// <summary>Resident memory of this process, read from /proc (Linux) or the runtime elsewhere.</summary>
public static class ProcessMemory
{
    /// <summary>Current resident set size in MB.</summary>
    public static double RssMegabytes() => ReadStatus("VmRSS:") ?? Environment.WorkingSet / 1048576.0;

    /// <summary>Peak resident set size so far in MB (VmHWM).</summary>
    public static double PeakRssMegabytes() => ReadStatus("VmHWM:") ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

    private static double? ReadStatus(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return null;
        foreach (var line in File.ReadLines(status))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return double.Parse(line[field.Length..].Trim().Split(' ')[0]) / 1024.0;
        return null;
    }
}
