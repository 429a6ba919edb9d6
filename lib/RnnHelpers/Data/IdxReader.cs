using System.Buffers.Binary;
using System.IO.Compression;

namespace RnnHelpers.Data;

/// <summary>
/// Reads IDX image (magic 2051) and label (magic 2049) files, raw or gzip-compressed.
/// Every check names the file, the field and its offset; no buffer is sized from a header
/// before the header has been checked against the bytes actually present.
/// </summary>
public static class IdxReader
{
    /// <summary>Images in this workbook are 28 x 28.</summary>
    public const int ImageSide = 28;

    /// <summary>Class labels are 0..9.</summary>
    public const int ClassCount = 10;

    /// <summary>Reads an IDX image file (raw or gzip) of <paramref name="rows"/> × <paramref name="columns"/> images; <see cref="IdxFormatException"/> when its header or length is wrong.</summary>
    public static IdxImages ReadImages(string path, int rows = ImageSide, int columns = ImageSide)
    {
        var (header, payload) = Read(path, IdxHeader.ImagesMagic, rows, columns);
        return new IdxImages(header.Count, rows, columns, payload);
    }

    /// <summary>Reads an IDX label file (raw or gzip); <see cref="IdxFormatException"/> for a label outside 0..<paramref name="classCount"/> − 1 or a wrong header.</summary>
    public static byte[] ReadLabels(string path, int classCount = ClassCount)
    {
        var (header, payload) = Read(path, IdxHeader.LabelsMagic);
        for (int i = 0; i < payload.Length; i++)
            if (payload[i] >= classCount)
                throw new IdxFormatException(path, "label", header.HeaderLength + i,
                    $"item {i} has label {payload[i]}, expected 0..{classCount - 1}");
        return payload;
    }

    /// <summary>Reads and validates only the header (used by <c>data inspect</c>).</summary>
    public static IdxHeader ReadHeader(string path)
    {
        using var stream = OpenDecompressed(path, out bool gzipped);
        return ParseHeader(path, stream, gzipped, expectedMagic: null);
    }

    /// <summary>Reads images and labels and checks that both files hold the same number of items.</summary>
    public static (IdxImages Images, byte[] Labels) ReadPair(string imagesPath, string labelsPath)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new IdxFormatException(labelsPath, "item count", 4,
                $"holds {labels.Length} labels but {imagesPath} holds {images.Count} images");
        return (images, labels);
    }

    /// <summary>Opens a file, transparently decompressing gzip (detected by its magic bytes, not its name).</summary>
    public static Stream OpenDecompressed(string path, out bool gzipped)
    {
        FileStream file;
        try
        {
            if (Directory.Exists(path))
                throw new DatasetException(path, "is a directory, expected an IDX file");
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new DatasetException(path, "does not exist");
            // Also catches pipes and devices (length 0), which would otherwise block the read.
            if (info.Length == 0)
                throw new IdxFormatException(path, "magic", 0, "the file is empty (or not a regular file)");
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(path, $"cannot be read: {e.Message}", e);
        }

        Span<byte> magic = stackalloc byte[2];
        int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        gzipped = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        return gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static (IdxHeader Header, byte[] Payload) Read(string path, int expectedMagic, params int[] expectedDims)
    {
        using var stream = OpenDecompressed(path, out bool gzipped);
        var header = ParseHeader(path, stream, gzipped, expectedMagic);
        for (int d = 0; d < expectedDims.Length; d++)
            if (header.Dimensions[d] != expectedDims[d])
                throw new IdxFormatException(path, d == 0 ? "rows" : "columns", 8 + 4 * d,
                    $"is {header.Dimensions[d]}, expected {expectedDims[d]}");
        return (header, ReadPayload(path, stream, header));
    }

    private static IdxHeader ParseHeader(string path, Stream stream, bool gzipped, int? expectedMagic)
    {
        int magic = ReadInt32(path, stream, "magic", 0);
        int type = (magic >> 8) & 0xff, rank = magic & 0xff;
        if ((magic >> 16) != 0 || type != 0x08 || rank is < 1 or > 3)
            throw new IdxFormatException(path, "magic", 0,
                $"is 0x{magic:x8}, expected an unsigned-byte IDX magic (2049 for labels or 2051 for images)" +
                (LooksLike(path) is { } what ? $"; the file looks like {what}" : ""));
        if (expectedMagic is int want && magic != want)
            throw new IdxFormatException(path, "magic", 0,
                $"is {magic} ({Describe(magic)}), expected {want} ({Describe(want)})");

        int count = ReadInt32(path, stream, "item count", 4);
        if (count <= 0)
            throw new IdxFormatException(path, "item count", 4, $"is {count}, expected at least 1");

        var dims = new int[rank - 1];
        for (int d = 0; d < dims.Length; d++)
        {
            string field = d == 0 ? "rows" : "columns";
            dims[d] = ReadInt32(path, stream, field, 8 + 4 * d);
            if (dims[d] <= 0)
                throw new IdxFormatException(path, field, 8 + 4 * d, $"is {dims[d]}, expected at least 1");
        }
        return new IdxHeader(magic, count, dims, gzipped);
    }

    private static byte[] ReadPayload(string path, Stream stream, IdxHeader header)
    {
        long expected = header.PayloadLength;
        if (expected > Array.MaxLength)
            throw new IdxFormatException(path, "payload", header.HeaderLength, LengthProblem(header, expected, null) + "; more than one array can hold");
        if (!stream.CanSeek)
            return ReadBounded(path, stream, header, expected);

        // Raw file: the real length is known, so check the claim before allocating anything.
        long actual = stream.Length - header.HeaderLength;
        if (actual != expected)
            throw new IdxFormatException(path, "payload", header.HeaderLength, LengthProblem(header, expected, actual));
        var payload = new byte[expected];
        stream.ReadExactly(payload);
        return payload;
    }

    /// <summary>Compressed stream: grow with the bytes that really arrive, never with the header's claim.</summary>
    private static byte[] ReadBounded(string path, Stream stream, IdxHeader header, long expected)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        try
        {
            while (true)
            {
                int n = stream.Read(chunk, 0, chunk.Length);
                if (n == 0)
                    break;
                buffer.Write(chunk, 0, n);
                if (buffer.Length > expected)
                    throw new IdxFormatException(path, "payload", header.HeaderLength,
                        LengthProblem(header, expected, null) + ", but the file holds more (trailing bytes)");
            }
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, "gzip stream", header.HeaderLength + buffer.Length, $"is corrupt: {e.Message}", e);
        }
        if (buffer.Length != expected)
            throw new IdxFormatException(path, "payload", header.HeaderLength, LengthProblem(header, expected, buffer.Length));
        return buffer.ToArray();
    }

    private static string LengthProblem(IdxHeader header, long expected, long? actual)
    {
        string claim = $"the header claims {header.Count} items of {string.Join("x", header.Dimensions.DefaultIfEmpty(1))} bytes = {expected} bytes";
        return actual is long a ? $"{claim}, but the file holds {a}" : claim;
    }

    private static int ReadInt32(string path, Stream stream, string field, long offset)
    {
        Span<byte> bytes = stackalloc byte[4];
        int got;
        try
        {
            got = stream.ReadAtLeast(bytes, 4, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, "gzip stream", offset, $"is corrupt: {e.Message}", e);
        }
        if (got < 4)
            throw new IdxFormatException(path, field, offset,
                got == 0 && offset == 0 ? "the file is empty" : $"file ends after {offset + got} bytes, inside the header");
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    /// <summary>What a file that is not IDX looks like (its decompressed start, if gzip), or null.</summary>
    private static string? LooksLike(string path)
    {
        try
        {
            using var stream = OpenDecompressed(path, out _);
            var head = new byte[ContentSniffer.HeadLength];
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return ContentSniffer.Describe(head.AsSpan(0, n));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DatasetException)
        {
            return null;
        }
    }

    private static string Describe(int magic) => magic switch
    {
        IdxHeader.ImagesMagic => "images",
        IdxHeader.LabelsMagic => "labels",
        _ => $"rank {magic & 0xff}",
    };
}
