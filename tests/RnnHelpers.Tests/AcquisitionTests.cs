using System.Formats.Tar;
using RnnHelpers.Data;

namespace RnnHelpers.Tests;

public class AcquisitionTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static AcquisitionOptions OnlyFolder(string folder) =>
        new() { UseMirrors = false, UsePackages = false, SourceDirectory = folder };

    [Fact]
    public void Acquires_from_a_local_folder_of_gzip_files_and_verifies_them()
    {
        using var source = new TempDir();
        using var target = new TempDir();
        foreach (var path in new[] { mnist.Paths.TrainImages, mnist.Paths.TrainLabels, mnist.Paths.TestImages, mnist.Paths.TestLabels })
            File.WriteAllBytes(source.File(Path.GetFileName(path) + ".gz"), IdxWriter.Gzip(File.ReadAllBytes(path)));

        var paths = DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, OnlyFolder(source.Path));

        foreach (var file in DatasetCatalog.Mnist.Files)
            Assert.Equal(file.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(paths.Directory, file.Name)));
        Assert.Equal(4, Directory.GetFileSystemEntries(paths.Directory).Length); // nothing else left behind
    }

    [Fact]
    public void A_corrupted_source_is_rejected_and_leaves_nothing_behind()
    {
        using var source = new TempDir();
        using var target = new TempDir();
        foreach (var path in new[] { mnist.Paths.TrainLabels, mnist.Paths.TestImages, mnist.Paths.TestLabels, mnist.Paths.TrainImages })
            File.Copy(path, source.File(Path.GetFileName(path)));
        var corrupt = File.ReadAllBytes(source.File("train-images-idx3-ubyte"));
        corrupt[1000] ^= 0xff;
        File.WriteAllBytes(source.File("train-images-idx3-ubyte"), corrupt);

        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, OnlyFolder(source.Path)));

        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains(AcquisitionOptions.SourceDirectoryVariable, e.Message); // tells how to place files by hand
        var folder = Path.Combine(target.Path, "mnist");
        Assert.DoesNotContain(Directory.GetFileSystemEntries(folder), f => Path.GetFileName(f).StartsWith("train-images"));
        Assert.Empty(Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(folder));
    }

    [Fact]
    public void A_verified_file_is_kept_and_a_damaged_one_replaced()
    {
        using var source = new TempDir();
        using var target = new TempDir();
        var folder = Directory.CreateDirectory(Path.Combine(target.Path, "mnist")).FullName;
        foreach (var path in new[] { mnist.Paths.TrainImages, mnist.Paths.TrainLabels, mnist.Paths.TestImages, mnist.Paths.TestLabels })
            File.Copy(path, Path.Combine(folder, Path.GetFileName(path)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), new byte[10_008]);  // right size, wrong content
        File.Copy(mnist.Paths.TestLabels, source.File("t10k-labels-idx1-ubyte"));

        DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, OnlyFolder(source.Path));

        Assert.Equal(DatasetCatalog.Mnist.TestLabels.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(folder, "t10k-labels-idx1-ubyte")));
    }

    [Fact]
    public void Every_source_failing_gives_one_error_listing_what_was_tried()
    {
        using var target = new TempDir();
        var e = Assert.Throws<DatasetUnavailableException>(() =>
            DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, OnlyFolder(Path.Combine(target.Path, "nowhere"))));
        Assert.Contains("source folder", e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("place the files by hand", e.Message);
    }

    [Fact]
    public void Offline_mirrors_fail_within_seconds()
    {
        using var target = new TempDir();
        var options = new AcquisitionOptions
        {
            UsePackages = false, SourceDirectory = null,
            Sources = [new HttpMirrorSource("https://127.0.0.1:9/", new HttpClient(), TimeSpan.FromSeconds(2))],
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, target.Path, options));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("127.0.0.1", e.Message);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("package/../../escape.txt")]
    [InlineData("/tmp/absolute-escape.txt")]
    public void Tar_entries_escaping_the_folder_are_refused(string entryName)
    {
        using var dir = new TempDir();
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream([1, 2, 3]) };
            writer.WriteEntry(entry);
        }
        tar.Position = 0;
        var root = Path.Combine(dir.Path, "out");
        var e = Assert.Throws<UnsafeArchiveEntryException>(() => SafeTar.Extract("pkg.tgz", tar, root));
        Assert.Equal(entryName, e.EntryName);
        Assert.False(File.Exists(Path.Combine(dir.Path, "escape.txt")));
        Assert.False(File.Exists("/tmp/absolute-escape.txt"));
    }
}

public class FashionMnistTests
{
    [Fact]
    public void Fashion_mnist_from_debians_package_verifies_and_loads_with_its_class_names()
    {
        var debian = new AcquisitionOptions().DebianFashionMnistDirectory;
        if (!Directory.Exists(debian))
        {
            // .ci/run installs the package; elsewhere it is optional.
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{debian} is missing on CI; .ci/run should install dataset-fashion-mnist");
            return;
        }
        using var target = new TempDir();
        var options = new AcquisitionOptions { UseMirrors = false, SourceDirectory = null };
        using var data = DigitData.Load(DatasetName.FashionMnist, target.Path, new DataOptions { TrainLimit = 100, TestLimit = 50 }, options);

        Assert.Equal(100, data.TrainCount);
        Assert.Equal("Ankle boot", data.ClassNames[9]);
        foreach (var file in DatasetCatalog.FashionMnist.Files)
            Assert.Equal(file.Sha256, DatasetAcquirer.DecompressedSha256(Path.Combine(target.Path, "fashion-mnist", file.Name)));
    }
}
