using System.Reflection;
using System.Runtime.InteropServices;

namespace RnnHelpers.Results;

/// <summary>Collects a run's provenance: versions, OS, CPU, threads and the git commit when known.</summary>
public static class Provenance
{
    /// <summary>
    /// The provenance of a run made now in this process: <paramref name="threads"/> as the run resolved it
    /// (<see cref="Training.TrainingOptions.ResolvedThreads"/>), the commit of the repository around the current folder,
    /// and <paramref name="wallSeconds"/>, the run's wall time in seconds.
    /// </summary>
    public static RunProvenance Capture(int threads, DateTimeOffset startedAt, double wallSeconds) => new(
        Version(typeof(Provenance).Assembly),
        Version(typeof(TorchSharp.torch).Assembly),
        RuntimeInformation.OSDescription,
        CpuModel(),
        threads,
        GitCommit(Environment.CurrentDirectory),
        startedAt,
        wallSeconds);

    /// <summary>The CPU's model name from /proc/cpuinfo (else the architecture), with the logical core count.</summary>
    public static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
                return $"{line[(line.IndexOf(':') + 1)..].Trim()} ({Environment.ProcessorCount} logical cores)";
        }
        return $"{RuntimeInformation.ProcessArchitecture} ({Environment.ProcessorCount} logical cores)";
    }

    /// <summary>
    /// The commit checked out in the repository containing <paramref name="directory"/> (its root as
    /// <see cref="RepositoryRoot"/> finds it), read from .git without running git; null outside the repository or when
    /// .git cannot be read. A linked worktree's <c>.git</c> is a file (<c>gitdir: …</c>): its HEAD is in that folder, its
    /// branches in the common folder the worktree's <c>commondir</c> names.
    /// </summary>
    public static string? GitCommit(string directory)
    {
        try
        {
            if (RepositoryRoot.TryFind(directory) is not { } root)
                return null;
            var git = Path.Combine(root, ".git");
            if (File.Exists(git) && File.ReadAllText(git).Trim() is var pointer && pointer.StartsWith("gitdir: ", StringComparison.Ordinal))
                git = Path.GetFullPath(pointer[8..].Trim(), root);
            else if (!Directory.Exists(git))
                return null;
            var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref: ", StringComparison.Ordinal))
                return head;
            var reference = head[5..];
            var commonFile = Path.Combine(git, "commondir");
            var common = File.Exists(commonFile) ? Path.GetFullPath(File.ReadAllText(commonFile).Trim(), git) : git;
            foreach (var folder in new[] { git, common }.Distinct())
            {
                var loose = Path.Combine(folder, reference);
                if (File.Exists(loose))
                    return File.ReadAllText(loose).Trim();
            }
            var packed = Path.Combine(common, "packed-refs");
            return File.Exists(packed)
                ? File.ReadLines(packed).Where(l => l.EndsWith(" " + reference, StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).FirstOrDefault()
                : null;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
