using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Workbook;

/// <summary>
/// KaTeX for the HTML edition's equations, taken at export time from the npm package (with
/// <c>npm pack</c>, which checks the package's integrity) and kept in out/vendor/, so pages load it
/// from local files and never from the network.
/// </summary>
public static class KatexVendor
{
    /// <summary>The pinned KaTeX release.</summary>
    public const string Version = "0.16.22";

    /// <summary>How long <c>npm pack</c> may take before the export gives up.</summary>
    public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The folder holding katex.min.js, katex.min.css, auto-render.min.js and fonts/ (woff2).</summary>
    public static string CacheDir => Path.Combine(RepoLayout.Root, "out", "vendor", $"katex-{Version}");

    /// <summary>
    /// Returns <see cref="CacheDir"/>, filling it first if needed. Throws InvalidOperationException
    /// with the reason when npm is missing, fails or takes longer than <see cref="PackTimeout"/>.
    /// </summary>
    public static string Ensure()
    {
        if (File.Exists(Path.Combine(CacheDir, "katex.min.js")))
            return CacheDir;
        var work = Directory.CreateTempSubdirectory("katex-pack-").FullName;
        string? staged = null;
        try
        {
            var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "pack", $"katex@{Version}", "--silent" })
                start.ArgumentList.Add(a);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"npm is needed once to fetch KaTeX {Version} for the equations (apt-get install -y npm): {e.Message}");
            }
            using (process)
            {
                var err = process.StandardError.ReadToEndAsync();
                _ = process.StandardOutput.ReadToEndAsync();
                if (!process.WaitForExit(PackTimeout))
                {
                    process.Kill(entireProcessTree: true);
                    throw new InvalidOperationException($"npm pack katex@{Version} did not finish within {PackTimeout.TotalMinutes:0} minutes.");
                }
                if (process.ExitCode != 0)
                    throw new InvalidOperationException($"npm pack katex@{Version} failed ({process.ExitCode}): {err.Result.Trim()}");
            }
            var tarball = Directory.GetFiles(work, "katex-*.tgz").SingleOrDefault() ?? throw new InvalidOperationException("npm pack wrote no katex tarball.");
            // Staged beside the cache (same file system), then renamed into place whole.
            Directory.CreateDirectory(Path.GetDirectoryName(CacheDir)!);
            staged = Path.Combine(Path.GetDirectoryName(CacheDir)!, $".katex-{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(Path.Combine(staged, "fonts"));
            using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    // Only the files the pages use: browsers take the first font format they support, woff2.
                    string? target = entry.Name switch
                    {
                        "package/dist/katex.min.js" => "katex.min.js",
                        "package/dist/katex.min.css" => "katex.min.css",
                        "package/LICENSE" => "LICENSE",
                        _ when entry.Name.StartsWith("package/dist/fonts/") && entry.Name.EndsWith(".woff2") => Path.Combine("fonts", Path.GetFileName(entry.Name)),
                        _ => null,
                    };
                    if (target is not null && entry.DataStream is not null)
                        entry.ExtractToFile(Path.Combine(staged, target), overwrite: true);
                }
            }
            if (!File.Exists(Path.Combine(staged, "katex.min.js")) || !File.Exists(Path.Combine(staged, "katex.min.css")))
                throw new InvalidOperationException($"the katex@{Version} package has no dist/katex.min.js or dist/katex.min.css.");
            try
            {
                Directory.Move(staged, CacheDir); // an interrupted export never leaves half a copy
            }
            catch (IOException) when (File.Exists(Path.Combine(CacheDir, "katex.min.js")))
            {
                // Another export got there first.
            }
            return CacheDir;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
            if (staged is not null && Directory.Exists(staged))
                try { Directory.Delete(staged, recursive: true); } catch (IOException) { }
        }
    }
}
