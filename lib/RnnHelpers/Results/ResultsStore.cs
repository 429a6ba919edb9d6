using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnHelpers.Results;

/// <summary>
/// A folder of run files (one JSON per run), written atomically. A stored run is reference data: saving a run whose
/// file exists already is refused (<see cref="ResultsFileException"/>) unless the caller asks to replace it.
/// </summary>
public sealed class ResultsStore
{
    /// <summary>How run files are written and read: camelCase names, indented, NaN and infinity as named literals, doubles round-trip exactly.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>A store in <paramref name="directory"/> (made absolute; created on the first save).</summary>
    public ResultsStore(string directory) => Directory = Path.GetFullPath(directory);

    /// <summary>The store's folder, absolute.</summary>
    public string Directory { get; }

    /// <summary>Where the run of <paramref name="key"/> is (or would be) stored.</summary>
    public string PathOf(RunKey key) => Path.Combine(Directory, key.FileName);

    /// <summary>True when a file for <paramref name="key"/> exists (it is not read).</summary>
    public bool Contains(RunKey key) => File.Exists(PathOf(key));

    /// <summary>
    /// Writes the run under its key: to a unique temporary file first, then renamed into place. Throws
    /// <see cref="ResultsFileException"/> when the run is stored already and <paramref name="replace"/> is false.
    /// </summary>
    public string Save(RunRecord run, bool replace = false)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(run.Key);
        if (!replace && File.Exists(path))
            throw new ResultsFileException(path, "exists already; stored runs are never overwritten (delete the file to train it again)");
        var temp = Path.Combine(Directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, run, Json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: replace);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
        return path;
    }

    /// <summary>The stored run for a key, or null when there is none. A corrupt file throws <see cref="ResultsFileException"/>.</summary>
    public RunRecord? TryLoad(RunKey key) => File.Exists(PathOf(key)) ? Load(PathOf(key)) : null;

    /// <summary>Every run in the folder, optionally filtered; a corrupt file throws <see cref="ResultsFileException"/>.</summary>
    public IReadOnlyList<RunRecord> LoadAll(Func<RunRecord, bool>? where = null)
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return System.IO.Directory.GetFiles(Directory, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .Where(r => where?.Invoke(r) ?? true)
            .ToList();
    }

    /// <summary>Reads and checks one run file.</summary>
    /// <exception cref="ResultsFileException">The file cannot be read, is not a run, has an unknown schema, is incomplete, or its name does not match its key.</exception>
    public static RunRecord Load(string path)
    {
        RunRecord? run;
        try
        {
            using var stream = File.OpenRead(path);
            run = JsonSerializer.Deserialize<RunRecord>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new ResultsFileException(path, $"is not a valid run file: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ResultsFileException(path, $"cannot be read: {e.Message}", e);
        }
        if (run is null)
            throw new ResultsFileException(path, "is empty (null)");
        if (run.SchemaVersion is < 1 or > RunRecord.CurrentSchema)
            throw new ResultsFileException(path, $"has schema version {run.SchemaVersion}; this library reads versions 1 to {RunRecord.CurrentSchema}");
        if (run.History is null || run.History.Count == 0 || run.History.Count != run.Epochs || run.Summary is null || run.Provenance is null)
            throw new ResultsFileException(path, $"is incomplete: {run.History?.Count ?? 0} epochs recorded of {run.Epochs}");
        if (run.SchemaVersion == 1)
        {
            // Schema 1 predates the sequence view, optimiser, forget-gate option and thread count in the key: every
            // such run used the defaults, and its thread count is in its provenance. Its file name lacked the count.
            run = run with { Optimizer = "sgd", UnitForgetBias = true, TimeSteps = RunKey.DefaultTimeSteps, Permuted = false, Threads = run.Provenance.Threads };
            if (Path.GetFileName(path) != run.Key.LegacyFileName && Path.GetFileName(path) != run.Key.FileName)
                throw new ResultsFileException(path, $"holds the run {run.Key.LegacyFileName}; the file name does not match its content");
            return run;
        }
        if (Path.GetFileName(path) != run.Key.FileName)
            throw new ResultsFileException(path, $"holds the run {run.Key.FileName}; the file name does not match its content");
        return run;
    }
}
