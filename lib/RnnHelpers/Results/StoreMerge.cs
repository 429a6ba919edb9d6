namespace RnnHelpers.Results;

/// <summary>
/// Compares run records by their numbers and merges results folders (e.g. the shards of a sweep) into one.
/// Two records with one key (one file name) are the same run when every field agrees except the timing,
/// memory and provenance fields (<see cref="RecordDifferences.IgnoredFields"/>), which differ between machines and reruns.
/// </summary>
public static class StoreMerge
{
    /// <summary>
    /// The first field in which two records differ, as <c>path: left vs right</c> (e.g.
    /// <c>history[2].testAccuracy: 0.91 vs 0.92</c>), or null when their numbers are identical.
    /// Fields are compared as stored (round-trip JSON), so equal means bit-identical (<see cref="RecordDifferences"/>).
    /// </summary>
    public static string? FirstDifference(RunRecord left, RunRecord right) =>
        RecordDifferences.Of(left, right).FirstOrDefault()?.ToString();

    /// <summary>
    /// Copies the run files of <paramref name="sources"/> into <paramref name="target"/> (created if needed).
    /// Every file is read and validated first; a run the target (or an earlier source) already holds is skipped
    /// when its numbers are identical and refused with <see cref="StoreConflictException"/> when they differ, in
    /// which case nothing is copied. Each file is written to a temporary name in the target and renamed.
    /// </summary>
    public static MergeReport Merge(IEnumerable<string> sources, string target)
    {
        var into = Path.GetFullPath(target);
        var sourceDirs = sources.Select(Path.GetFullPath).Distinct().ToList();
        if (sourceDirs.Count == 0)
            throw new ArgumentException("No source folders to merge.", nameof(sources));
        foreach (var source in sourceDirs)
        {
            if (PathsEqual(source, into))
                throw new ArgumentException($"{source}: a source folder cannot also be the target.", nameof(sources));
            if (!Directory.Exists(source))
                throw new ResultsFileException(source, "is not a folder");
        }

        var held = new Dictionary<string, (string Path, RunRecord Run)>(StringComparer.Ordinal);
        foreach (var path in RunFiles(into))
            held[Path.GetFileName(path)] = (path, ResultsStore.Load(path));

        var copies = new List<(string From, string Name)>();
        var identical = new List<string>();
        foreach (var source in sourceDirs)
            foreach (var path in RunFiles(source))
            {
                var name = Path.GetFileName(path);
                var run = ResultsStore.Load(path);
                if (held.TryGetValue(name, out var existing))
                {
                    if (FirstDifference(existing.Run, run) is { } difference)
                        throw new StoreConflictException(name, existing.Path, path, difference);
                    identical.Add(name);
                    continue;
                }
                held[name] = (path, run);
                copies.Add((path, name));
            }

        Directory.CreateDirectory(into);
        foreach (var (from, name) in copies)
            CopyAtomically(from, Path.Combine(into, name));
        return new MergeReport(into, copies.Select(c => c.Name).ToList(), identical);
    }

    /// <summary>
    /// Record-for-record comparison of two results folders: runs held by only one side, and runs whose numbers
    /// differ (first differing field). Empty when the stores hold the same runs with identical numbers.
    /// </summary>
    public static IReadOnlyList<StoreDifference> Compare(string left, string right)
    {
        foreach (var dir in new[] { left, right })
            if (!Directory.Exists(dir))
                throw new ResultsFileException(Path.GetFullPath(dir), "is not a folder");
        var a = RunFiles(left).ToDictionary(p => Path.GetFileName(p), ResultsStore.Load, StringComparer.Ordinal);
        var b = RunFiles(right).ToDictionary(p => Path.GetFileName(p), ResultsStore.Load, StringComparer.Ordinal);
        var differences = new List<StoreDifference>();
        foreach (var name in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            if (!b.TryGetValue(name, out var r))
                differences.Add(new StoreDifference(name, $"only in {Path.GetFullPath(left)}"));
            else if (!a.TryGetValue(name, out var l))
                differences.Add(new StoreDifference(name, $"only in {Path.GetFullPath(right)}"));
            else if (FirstDifference(l, r) is { } difference)
                differences.Add(new StoreDifference(name, difference));
        }
        return differences;
    }

    private static IEnumerable<string> RunFiles(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal) : [];

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    private static void CopyAtomically(string from, string to)
    {
        var temp = Path.Combine(Path.GetDirectoryName(to)!, $".{Path.GetFileName(to)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var input = File.OpenRead(from))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            // Not overwrite: the target was checked not to hold this run; a file appearing meanwhile is an error.
            File.Move(temp, to, overwrite: false);
        }
        catch (IOException e)
        {
            throw new ResultsFileException(to, $"cannot be written from {from}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
