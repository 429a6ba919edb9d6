namespace RnnHelpers.Results;

/// <summary>
/// The runs of a sweep, named by their store file names (<see cref="RunKey.FileName"/>), and its split into
/// shards. The partition depends only on the set of runs: they are sorted by name (ordinal) and dealt
/// round-robin, so shard <c>i</c> of <c>n</c> holds the runs at sorted positions <c>i, i+n, i+2n, ...</c>.
/// Every run falls in exactly one shard, shard sizes differ by at most one, and the order in which the
/// grid was enumerated does not matter.
/// </summary>
public sealed class RunGrid
{
    /// <summary>A grid of run file names (duplicates dropped, sorted ordinally).</summary>
    /// <exception cref="ArgumentException">A name is not a run file name.</exception>
    public RunGrid(IEnumerable<string> fileNames)
    {
        ArgumentNullException.ThrowIfNull(fileNames);
        var runs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in fileNames)
        {
            CheckName(name);
            runs.Add(name);
        }
        Runs = runs.ToList();
    }

    /// <summary>A grid from the keys a command enumerates (only their file names matter).</summary>
    public static RunGrid Of(IEnumerable<RunKey> keys) => new(keys.Select(k => k.FileName));

    /// <summary>The runs, sorted by file name (ordinal), each once.</summary>
    public IReadOnlyList<string> Runs { get; }

    /// <summary>Number of runs in the grid.</summary>
    public int Count => Runs.Count;

    /// <summary>The runs of one shard, in sorted order.</summary>
    public IReadOnlyList<string> ShardOf(Shard shard) => Runs.Where((_, i) => i % shard.Count == shard.Index).ToList();

    /// <summary>
    /// Reads a grid file: one run file name a line (as <c>train --list-runs</c> prints them); blank lines and
    /// lines starting with # are ignored. A missing file or a line that is not a run file name throws
    /// <see cref="ResultsFileException"/> naming the file and line.
    /// </summary>
    public static RunGrid ReadFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsFileException(path, $"cannot be read as a grid file: {e.Message}", e);
        }
        var names = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            try
            {
                CheckName(line);
            }
            catch (ArgumentException e)
            {
                throw new ResultsFileException(path, $"line {i + 1}: {e.Message}", e);
            }
            names.Add(line);
        }
        if (names.Count == 0)
            throw new ResultsFileException(path, "names no runs (expected one run file name a line, e.g. mnist-lstm-seed1-e10.json)");
        return new RunGrid(names);
    }

    /// <summary>
    /// Holds a results folder against the grid. Every run of the grid found there is read and validated
    /// (a corrupt or mismatched file throws <see cref="ResultsFileException"/> naming it).
    /// </summary>
    public GridCheck Check(string storeDirectory)
    {
        var store = new ResultsStore(storeDirectory);
        var present = new List<string>();
        var missing = new List<string>();
        foreach (var name in Runs)
        {
            var path = Path.Combine(store.Directory, name);
            if (File.Exists(path))
            {
                ResultsStore.Load(path);
                present.Add(name);
            }
            else
            {
                missing.Add(name);
            }
        }
        var inGrid = new HashSet<string>(Runs, StringComparer.Ordinal);
        var extra = Directory.Exists(store.Directory)
            ? Directory.GetFiles(store.Directory, "*.json").Select(Path.GetFileName).OfType<string>()
                .Where(n => !inGrid.Contains(n)).Order(StringComparer.Ordinal).ToList()
            : [];
        return new GridCheck(present, missing, extra);
    }

    private static void CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.EndsWith(".json", StringComparison.Ordinal) || name != name.Trim()
            || name.IndexOfAny(['/', '\\']) >= 0 || name.StartsWith('.'))
            throw new ArgumentException($"'{name}' is not a run file name (e.g. mnist-lstm-seed1-e10.json).", nameof(name));
    }
}
