using System.IO.Compression;
using RnnHelpers.Data;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace RnnHelpers.Tests;

/// <summary>Paths of the repository and a temporary folder per test.</summary>
public static class Repo
{
    public static string Root { get; } = RepositoryRoot.Find(AppContext.BaseDirectory);

    public static string DataDir => Path.Combine(Root, "data");
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnn-tests-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Writes small IDX files for the tests.</summary>
public static class IdxWriter
{
    public static byte[] Header(int magic, params int[] fields)
    {
        var bytes = new byte[4 + 4 * fields.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < fields.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), fields[i]);
        return bytes;
    }

    public static byte[] Images(int count, int rows = 28, int columns = 28, int seed = 1)
    {
        var payload = new byte[count * rows * columns];
        new Random(seed).NextBytes(payload);
        return [.. Header(IdxHeader.ImagesMagic, count, rows, columns), .. payload];
    }

    public static byte[] Labels(params byte[] labels) => [.. Header(IdxHeader.LabelsMagic, labels.Length), .. labels];

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(content);
        return output.ToArray();
    }
}

/// <summary>Real MNIST, acquired once for the tests that need it (the acquisition chain; CI prefetches it).</summary>
public sealed class MnistFixture
{
    public MnistFixture() => Paths = DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, Repo.DataDir);

    public DatasetPaths Paths { get; }

    public DigitData Load(DataOptions options) =>
        DigitData.LoadFiles(Paths.Info, Paths.TrainImages, Paths.TrainLabels, Paths.TestImages, Paths.TestLabels, options);
}
