using RnnHelpers.Data;

namespace RnnHelpers.Tests;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_labels_raw_or_gzip(bool gzip)
    {
        using var dir = new TempDir();
        var images = IdxWriter.Images(3);
        var labels = IdxWriter.Labels(7, 0, 9);
        File.WriteAllBytes(dir.File("i"), gzip ? IdxWriter.Gzip(images) : images);
        File.WriteAllBytes(dir.File("l"), gzip ? IdxWriter.Gzip(labels) : labels);

        var (readImages, readLabels) = IdxReader.ReadPair(dir.File("i"), dir.File("l"));

        Assert.Equal(3, readImages.Count);
        Assert.Equal(images[16..], readImages.Pixels);
        Assert.Equal(new byte[] { 7, 0, 9 }, readLabels);
        Assert.Equal(gzip, IdxReader.ReadHeader(dir.File("i")).Gzipped);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_lying_header_is_refused_before_allocating_for_its_claim(bool gzip)
    {
        using var dir = new TempDir();
        // Claims 2,000,000 images (1.5 GB) but holds 2.
        var content = IdxWriter.Header(IdxHeader.ImagesMagic, 2_000_000, 28, 28).Concat(new byte[2 * 784]).ToArray();
        File.WriteAllBytes(dir.File("i"), gzip ? IdxWriter.Gzip(content) : content);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File("i")));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("payload", e.Field);
        Assert.Contains("2000000 items", e.Message);
        Assert.Contains(dir.File("i"), e.Message);
        Assert.True(allocated < 10_000_000, $"allocated {allocated} bytes for a file of {content.Length}");
    }

    [Fact]
    public void Wrong_magic_names_the_field_and_what_was_expected()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("l"), IdxWriter.Labels(1, 2));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File("l")));
        Assert.Equal("magic", e.Field);
        Assert.Equal(0, e.Offset);
        Assert.Contains("expected 2051", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(27)]
    [InlineData(int.MaxValue)]
    public void Image_rows_other_than_28_are_refused(int rows)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("i"), IdxWriter.Header(IdxHeader.ImagesMagic, 1, rows, 28));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File("i")));
        Assert.Equal("rows", e.Field);
        Assert.Equal(8, e.Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(11)]
    public void A_file_ending_inside_the_header_is_refused(int length)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("i"), IdxWriter.Images(1)[..length]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File("i")));
        Assert.Contains(length == 0 ? "empty" : "inside the header", e.Message);
    }

    [Fact]
    public void A_truncated_payload_is_refused()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("i"), IdxWriter.Images(2)[..^1]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File("i")));
        Assert.Equal("payload", e.Field);
        Assert.Contains("holds 1567", e.Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(255)]
    public void Labels_outside_0_to_9_are_refused(byte label)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("l"), IdxWriter.Labels(1, label, 2));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(dir.File("l")));
        Assert.Equal("label", e.Field);
        Assert.Equal(9, e.Offset);
        Assert.Contains($"label {label}", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("i"), IdxWriter.Images(3));
        File.WriteAllBytes(dir.File("l"), IdxWriter.Labels(1, 2));
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadPair(dir.File("i"), dir.File("l")));
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("3 images", e.Message);
    }

    [Fact]
    public void A_broken_gzip_stream_is_a_format_error()
    {
        using var dir = new TempDir();
        var gz = IdxWriter.Gzip(IdxWriter.Images(50));
        for (int i = 20; i < gz.Length - 10; i += 7) gz[i] ^= 0x5a;
        File.WriteAllBytes(dir.File("i.gz"), gz);
        var e = Assert.ThrowsAny<DatasetException>(() => IdxReader.ReadImages(dir.File("i.gz")));
        Assert.Contains(dir.File("i.gz"), e.Message);
    }

    [Fact]
    public void A_directory_is_not_a_file()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(dir.Path));
        Assert.Contains("is a directory", e.Message);
    }

    [Theory]
    [InlineData("label,pixel0,pixel1\n7,0,0\n", "CSV export")]
    [InlineData("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 10008\n", "Git LFS pointer")]
    public void A_text_file_is_named_for_what_it_is(string text, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("labels"), text);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(dir.File("labels")));
        Assert.Equal("magic", e.Field);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_byte_swapped_header_is_named_little_endian()
    {
        using var dir = new TempDir();
        var bytes = IdxWriter.Images(2);
        for (int field = 0; field < 16; field += 4)
            Array.Reverse(bytes, field, 4);
        File.WriteAllBytes(dir.File("images"), bytes);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(dir.File("images")));
        Assert.Contains("little-endian byte order", e.Message);
        Assert.Contains(dir.File("images"), e.Message);
    }
}
