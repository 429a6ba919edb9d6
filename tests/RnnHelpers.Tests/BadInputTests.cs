using System.Buffers.Binary;
using RnnHelpers.Data;

namespace RnnHelpers.Tests;

/// <summary>Hand-made bad files beyond those of IdxReaderTests: each gives a typed error naming the file and the problem.</summary>
public class BadInputTests
{
    private static IdxFormatException ReadImagesFails(byte[] content, string name = "bad-images")
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File(name), content);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File(name)));
        Assert.Contains(dir.File(name), e.Message);
        return e;
    }

    [Theory]
    [InlineData(2, "magic")]
    [InlineData(5, "item count")]
    [InlineData(9, "rows")]
    [InlineData(14, "columns")]
    public void Truncated_inside_each_header_field(int length, string field)
    {
        var e = ReadImagesFails(IdxWriter.Images(1)[..length]);
        Assert.Equal(field, e.Field);
        Assert.Contains("inside the header", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void Column_counts_other_than_28(int columns)
    {
        var e = ReadImagesFails(IdxWriter.Header(IdxHeader.ImagesMagic, 1, 28, columns));
        Assert.Equal("columns", e.Field);
        Assert.Equal(12, e.Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Item_counts_below_one(int count)
    {
        var e = ReadImagesFails(IdxWriter.Header(IdxHeader.ImagesMagic, count, 28, 28));
        Assert.Equal("item count", e.Field);
        Assert.Contains($"is {count}", e.Message);
    }

    [Theory]
    [InlineData(0x00000903)] // signed-byte IDX, not what MNIST uses
    [InlineData(0x00000800)] // rank 0
    [InlineData(0x01000803)] // non-zero leading bytes
    [InlineData(0x7f454c46)] // an ELF file
    public void Magic_numbers_that_are_not_unsigned_byte_idx(int magic)
    {
        var content = IdxWriter.Images(1);
        BinaryPrimitives.WriteInt32BigEndian(content, magic);
        Assert.Equal("magic", ReadImagesFails(content).Field);
    }

    [Fact]
    public void A_label_file_read_as_images_and_vice_versa()
    {
        Assert.Contains("expected 2051", ReadImagesFails(IdxWriter.Labels(1, 2, 3)).Message);
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("i"), IdxWriter.Images(1));
        Assert.Contains("expected 2049", Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(dir.File("i"))).Message);
    }

    [Fact]
    public void Trailing_bytes_after_the_payload()
    {
        var e = ReadImagesFails([.. IdxWriter.Images(2), 0, 0, 0]);
        Assert.Equal("payload", e.Field);
    }

    [Fact]
    public void Trailing_bytes_inside_a_gzip_stream()
    {
        var e = ReadImagesFails(IdxWriter.Gzip([.. IdxWriter.Images(2), 7]), "bad.gz");
        Assert.Contains("trailing bytes", e.Message);
    }

    [Fact]
    public void A_gzip_stream_cut_short()
    {
        var gz = IdxWriter.Gzip(IdxWriter.Images(40));
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("cut.gz"), gz[..(gz.Length / 2)]);
        var e = Assert.ThrowsAny<DatasetException>(() => IdxReader.ReadImages(dir.File("cut.gz")));
        Assert.Contains(dir.File("cut.gz"), e.Message);
    }

    [Fact]
    public void A_missing_file()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(dir.File("nope")));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task A_named_pipe_is_refused_instead_of_blocking()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        var fifo = dir.File("pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        var read = Task.Run(() => Assert.ThrowsAny<DatasetException>(() => IdxReader.ReadImages(fifo)));
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) == read, "reading a pipe blocked");
        await read;
    }

    [Fact]
    public void A_file_another_process_holds_exclusively()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("held"), IdxWriter.Images(1));
        using var holder = new FileStream(dir.File("held"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(dir.File("held")));
        Assert.Contains("cannot be read", e.Message);
        Assert.Contains(dir.File("held"), e.Message);
    }

    [Fact]
    public void An_unreadable_file()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root") return; // root reads any file; the exclusive-hold test covers this path
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("locked"), IdxWriter.Images(1));
        File.SetUnixFileMode(dir.File("locked"), UnixFileMode.None);
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(dir.File("locked")));
        Assert.Contains("cannot be read", e.Message);
    }

    [Fact]
    public void A_valid_gzip_of_the_wrong_content_is_rejected_by_checksum()
    {
        using var dir = new TempDir();
        var candidate = dir.File("train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(candidate, IdxWriter.Gzip(IdxWriter.Labels(Enumerable.Repeat((byte)3, 60_000).ToArray())));
        var target = Directory.CreateDirectory(dir.File("target")).FullName;

        var e = Assert.Throws<ChecksumMismatchException>(() => DatasetAcquirer.InstallVerified(candidate, DatasetCatalog.Mnist.TrainLabels, target));
        Assert.Equal(DatasetCatalog.Mnist.TrainLabels.Sha256, e.Expected);
        Assert.Contains(candidate, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void A_candidate_that_decompresses_to_too_much_is_cut_off()
    {
        using var dir = new TempDir();
        var candidate = dir.File("t10k-labels-idx1-ubyte");
        File.WriteAllBytes(candidate, new byte[20_000]);
        var target = Directory.CreateDirectory(dir.File("target")).FullName;
        var e = Assert.Throws<DatasetException>(() => DatasetAcquirer.InstallVerified(candidate, DatasetCatalog.Mnist.TestLabels, target));
        Assert.Contains("more than the expected 10008 bytes", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }
}

public class DataInspectCliTests
{
    [Fact]
    public void Inspect_names_a_bad_file_and_its_problem_with_exit_code_2()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("bad"), IdxWriter.Header(IdxHeader.ImagesMagic, 5, 28, 28));
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(1), "data", "inspect", dir.File("bad"));
        Assert.Equal(2, exit);
        Assert.Contains(dir.File("bad"), output);
        Assert.Contains("payload", output);
    }

    public static readonly TheoryData<string, byte[], string> WrongKinds = new()
    {
        { "mnist_train.csv", "label,1x1,1x2,1x3\n5,0,0,0\n0,0,0,0\n"u8.ToArray(), "CSV export" },
        { "train-images-idx3-ubyte", "version https://git-lfs.github.com/spec/v1\noid sha256:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db\nsize 47040016\n"u8.ToArray(), "Git LFS pointer" },
        { "swapped-labels", [0x01, 0x08, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 1, 2, 3], "little-endian byte order" },
        { "page.gz", IdxWriter.Gzip("<!DOCTYPE html><html><body>Not found</body></html>"u8.ToArray()), "HTML" },
    };

    [Theory]
    [MemberData(nameof(WrongKinds))]
    public void Inspect_names_what_a_wrong_file_looks_like(string name, byte[] content, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File(name), content);
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(1), "data", "inspect", dir.File(name));
        Assert.Equal(2, exit);
        Assert.Contains(dir.File(name), output);
        Assert.Contains(expected, output);
    }

    [Fact]
    public void Inspect_prints_header_fields_count_and_checksum_of_a_good_file()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("labels.gz"), IdxWriter.Gzip(IdxWriter.Labels(1, 2, 3)));
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(1), "data", "inspect", dir.File("labels.gz"));
        Assert.Equal(0, exit);
        Assert.Contains("magic:      2049 (labels)", output);
        Assert.Contains("items:      3", output);
        Assert.Contains("compressed: gzip", output);
        Assert.Contains(RnnHelpers.Data.DatasetAcquirer.DecompressedSha256(dir.File("labels.gz")), output);
    }

    // A bench option out of range is refused before any data is read or any model built: a named value, exit code 2, no trace.
    [Theory]
    [InlineData("--epochs", "0", "Epochs")]
    [InlineData("--threads", "0", "Threads")]
    [InlineData("--threads", "-2", "Threads")]
    [InlineData("--pairs", "0", "--pairs")]
    public void Bench_refuses_an_out_of_range_option_before_any_work(string option, string value, string named)
    {
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(1), "bench", "--model", "simple-rnn", option, value, "--out", Path.GetTempPath());
        Assert.Equal(2, exit);
        Assert.Contains(named, output);
        Assert.Contains($"got {value}", output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("SGEMM", output);
    }
}
