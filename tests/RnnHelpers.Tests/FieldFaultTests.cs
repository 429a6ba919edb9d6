using System.Diagnostics;
using RnnHelpers.Data;

namespace RnnHelpers.Tests;

/// <summary>MNIST's four files gzipped once, as mirrors serve them (&lt;name&gt;.gz).</summary>
public sealed class GzippedMnistFixture
{
    public GzippedMnistFixture()
    {
        Raw = new MnistFixture().Paths;
        Served = DatasetCatalog.Mnist.Files.ToDictionary(f => f.Name + ".gz", f => IdxWriter.Gzip(File.ReadAllBytes(Path.Combine(Raw.Directory, f.Name))));
    }

    public DatasetPaths Raw { get; }
    public IReadOnlyDictionary<string, byte[]> Served { get; }
}

/// <summary>Acquisition faults seen in the field: mirrors that fail after answering, stall or are slow, a failing npm.</summary>
public class MirrorFaultTests(GzippedMnistFixture mnist) : IClassFixture<GzippedMnistFixture>
{
    private static AcquisitionOptions Mirrors(params FaultyMirror[] mirrors) => new()
    {
        UsePackages = false, SourceDirectory = null,
        Mirrors = mirrors.Select(m => m.Url).ToList(),
        MirrorHeadersTimeout = TimeSpan.FromSeconds(5),
        MirrorIdleTimeout = TimeSpan.FromSeconds(1),
        ProgressInterval = TimeSpan.FromMilliseconds(300),
    };

    private static void AssertOnlyVerifiedFiles(string folder)
    {
        foreach (var file in DatasetCatalog.Mnist.Files)
            Assert.Equal(file.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(folder, file.Name)));
        Assert.Equal(4, Directory.GetFileSystemEntries(folder).Length); // no staging folder, no partial file
    }

    [Fact]
    public void Three_mirrors_html_page_half_file_and_good_give_a_verified_dataset()
    {
        using var html = new FaultyMirror(MirrorFault.HtmlPage, mnist.Served);
        using var half = new FaultyMirror(MirrorFault.HalfThenClose, mnist.Served);
        using var good = new FaultyMirror(MirrorFault.None, mnist.Served);
        using var target = new TempDir();
        var stages = new List<string>();

        var paths = DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, Mirrors(html, half, good),
            new SyncProgress(p => { lock (stages) stages.Add($"{p.Source}: {p.Stage}"); }));

        AssertOnlyVerifiedFiles(paths.Directory);
        Assert.Equal(4, good.Requests);
        Assert.Equal(1, html.Requests); // marked down after its first failure
        Assert.Equal(1, half.Requests);
        Assert.Contains(stages, s => s.Contains(html.Url) && s.Contains("HTML"));
        Assert.Contains(stages, s => s.Contains(half.Url) && s.Contains("closed the connection"));
    }

    [Theory]
    [InlineData(MirrorFault.HtmlPage, "HTML")]
    [InlineData(MirrorFault.HalfThenClose, "closed the connection after")]
    public void A_mirror_failing_after_its_answer_is_named_and_leaves_nothing_behind(MirrorFault fault, string expected)
    {
        using var bad = new FaultyMirror(fault, mnist.Served);
        using var target = new TempDir();
        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, Mirrors(bad)));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("already exists", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(target.Path, "mnist")));
    }

    [Fact]
    public void A_mirror_that_stalls_after_its_headers_is_given_up_once_and_the_next_one_used()
    {
        using var stall = new FaultyMirror(MirrorFault.StallAfterHeaders, mnist.Served);
        using var good = new FaultyMirror(MirrorFault.None, mnist.Served);
        using var target = new TempDir();
        var stages = new List<string>();
        var clock = Stopwatch.StartNew();

        var paths = DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, Mirrors(stall, good),
            new SyncProgress(p => { lock (stages) stages.Add(p.Stage); }));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        AssertOnlyVerifiedFiles(paths.Directory);
        Assert.Equal(1, stall.Requests); // not asked again for the next three files
        Assert.Contains(stages, s => s.StartsWith("waiting: no data for", StringComparison.Ordinal));
        Assert.Contains(stages, s => s.Contains("stalled: no data for 1 s"));
    }

    [Fact]
    public void A_mirror_that_never_idles_but_never_finishes_is_stopped_by_its_deadline()
    {
        using var trickle = new FaultyMirror(MirrorFault.Trickle, mnist.Served);
        using var target = new TempDir();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path,
            Mirrors(trickle) with { SourceDeadline = TimeSpan.FromSeconds(2) }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains("deadline of 2 s", e.Message);
        Assert.Equal(1, trickle.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(target.Path, "mnist")));
    }

    [Theory]
    [InlineData("exit 1", "exited with 1")]
    [InlineData("sleep 30", "did not finish within 1 s")]
    public void A_failing_npm_is_run_once_per_fetch_not_once_per_file(string behaviour, string expected)
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var dir = new TempDir();
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        var calls = dir.File("calls");
        var npm = Path.Combine(bin, "npm");
        File.WriteAllText(npm, $"#!/bin/sh\necho called >> '{calls}'\necho 'npm error network unreachable' >&2\n{behaviour}\n");
        File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", bin + Path.PathSeparator + path);
        try
        {
            var options = new AcquisitionOptions
            {
                UseMirrors = false, UsePackages = true, SourceDirectory = null,
                PackageTimeout = TimeSpan.FromSeconds(1), ProgressInterval = TimeSpan.FromMilliseconds(300),
            };
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<DatasetUnavailableException>(() => DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, dir.File("data"), options));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
            Assert.Contains(expected, e.Message);
            Assert.Single(File.ReadAllLines(calls));
            Assert.Empty(Directory.GetFileSystemEntries(dir.File(Path.Combine("data", "mnist"))));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}

/// <summary>Files a user copied into data/mnist/ by hand, as data/README.md says.</summary>
public class HandPlacedFileTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly AcquisitionOptions NoSources = new() { UseMirrors = false, UsePackages = false, SourceDirectory = null };

    private string[] RawPaths => [mnist.Paths.TrainImages, mnist.Paths.TrainLabels, mnist.Paths.TestImages, mnist.Paths.TestLabels];

    [Fact]
    public void Gzipped_files_copied_into_the_dataset_folder_are_accepted()
    {
        using var target = new TempDir();
        var folder = Directory.CreateDirectory(Path.Combine(target.Path, "mnist")).FullName;
        foreach (var path in RawPaths)
            File.WriteAllBytes(Path.Combine(folder, Path.GetFileName(path) + ".gz"), IdxWriter.Gzip(File.ReadAllBytes(path)));

        var paths = DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, NoSources);

        foreach (var file in DatasetCatalog.Mnist.Files)
            Assert.Equal(file.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(paths.Directory, file.Name)));
        Assert.Equal(8, Directory.GetFileSystemEntries(folder).Length); // the user's .gz copies stay, nothing else is left
    }

    [Fact]
    public void Files_named_with_a_dot_by_unzip_tools_are_accepted_by_checksum()
    {
        using var target = new TempDir();
        var folder = Directory.CreateDirectory(Path.Combine(target.Path, "mnist")).FullName;
        foreach (var path in RawPaths)
            File.Copy(path, Path.Combine(folder, Path.GetFileName(path).Replace("-idx", ".idx")));
        // One gzipped under the published name without .gz: decompressed in place.
        File.Delete(Path.Combine(folder, "t10k-labels.idx1-ubyte"));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxWriter.Gzip(File.ReadAllBytes(mnist.Paths.TestLabels)));

        var paths = DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, NoSources);

        foreach (var file in DatasetCatalog.Mnist.Files)
            Assert.Equal(file.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(paths.Directory, file.Name)));
        Assert.Equal(DatasetCatalog.Mnist.TestLabels.Size, new FileInfo(Path.Combine(folder, "t10k-labels-idx1-ubyte")).Length);
    }

    [Fact]
    public void A_wrong_file_placed_by_hand_is_named_as_rejected_and_the_error_lists_the_accepted_names()
    {
        using var target = new TempDir();
        var folder = Directory.CreateDirectory(Path.Combine(target.Path, "mnist")).FullName;
        File.WriteAllText(Path.Combine(folder, "train-images-idx3-ubyte.gz"), "label,pixel1,pixel2\n5,0,0\n");

        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, NoSources));

        Assert.Contains(Path.Combine(folder, "train-images-idx3-ubyte.gz"), e.Message);
        Assert.Contains("rejected", e.Message);
        Assert.Contains("train-images.idx3-ubyte", e.Message);
        Assert.True(File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz")), "a user's file was deleted");
        Assert.Empty(Directory.GetDirectories(folder));
        Assert.Empty(Directory.GetFiles(folder, "*.partial"));
    }
}

/// <summary>Reports on the caller's thread.</summary>
public sealed class SyncProgress(Action<AcquisitionProgress> report) : IProgress<AcquisitionProgress>
{
    public void Report(AcquisitionProgress value) => report(value);
}
