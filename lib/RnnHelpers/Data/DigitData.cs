using TorchSharp;
using RnnHelpers.Native;
using static TorchSharp.torch;

namespace RnnHelpers.Data;

/// <summary>
/// A loaded dataset: images as float32 scaled by 1/255, shaped [N, time steps, features] ([N,28,28] by default, rows
/// as time steps; see <see cref="DataOptions.TimeSteps"/>), and labels as int64 [N], for both splits.
/// </summary>
public sealed class DigitData : IDisposable
{
    private DigitData(DatasetInfo info, DataOptions options, Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels)
    {
        Info = info;
        Options = options;
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>Which dataset this is.</summary>
    public DatasetInfo Info { get; }
    /// <summary>The options it was loaded with.</summary>
    public DataOptions Options { get; }
    /// <summary>Training images, float32 [N, time steps, features] in [0, 1].</summary>
    public Tensor TrainImages { get; }
    /// <summary>Training labels, int64 [N], class indices 0..9.</summary>
    public Tensor TrainLabels { get; }
    /// <summary>Test images, float32 [N, time steps, features] in [0, 1].</summary>
    public Tensor TestImages { get; }
    /// <summary>Test labels, int64 [N], class indices 0..9.</summary>
    public Tensor TestLabels { get; }

    /// <summary>Training images loaded.</summary>
    public int TrainCount => (int)TrainImages.shape[0];
    /// <summary>Test images loaded.</summary>
    public int TestCount => (int)TestImages.shape[0];

    /// <summary>Time steps per sequence (28 rows by default).</summary>
    public int TimeSteps => (int)TrainImages.shape[1];

    /// <summary>Features per time step (784 / time steps: 28 pixels by default).</summary>
    public int Features => (int)TrainImages.shape[2];

    /// <summary>Names of the classes, by index.</summary>
    public IReadOnlyList<string> ClassNames => Info.ClassNames;

    /// <summary>Acquires the dataset if needed (see <see cref="DatasetAcquirer"/>), then loads it.</summary>
    public static DigitData Load(DatasetName dataset, string dataDir, DataOptions? options = null,
        AcquisitionOptions? acquisition = null, IProgress<AcquisitionProgress>? progress = null)
    {
        var paths = DatasetAcquirer.EnsureAvailable(dataset, dataDir, acquisition, progress);
        return LoadFiles(paths.Info, paths.TrainImages, paths.TrainLabels, paths.TestImages, paths.TestLabels, options);
    }

    /// <summary>Loads four IDX files (raw or gzip) that are already in place.</summary>
    public static DigitData LoadFiles(DatasetInfo info, string trainImages, string trainLabels, string testImages, string testLabels, DataOptions? options = null)
    {
        options ??= new DataOptions();
        options.Validate();
        TorchRuntime.EnsureInitialized();
        var (trX, trY) = ToTensors(IdxReader.ReadPair(trainImages, trainLabels), options.PerClass, options.TrainLimit, options);
        var (teX, teY) = ToTensors(IdxReader.ReadPair(testImages, testLabels), options.PerClass, options.TestLimit, options);
        return new DigitData(info, options, trX, trY, teX, teY);
    }

    /// <summary>The split's images, [N, time steps, features].</summary>
    public Tensor Images(Split split) => split == Split.Train ? TrainImages : TestImages;
    /// <summary>The split's labels, [N].</summary>
    public Tensor Labels(Split split) => split == Split.Train ? TrainLabels : TestLabels;

    /// <summary>One image as a 28 x 28 array of values in [0,1], for plotting (in the original pixel order, also when permuted).</summary>
    public float[,] Image(Split split, int index)
    {
        var images = Images(split);
        if (index < 0 || index >= images.shape[0])
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{split} split holds {images.shape[0]} images.");
        var stored = images[index].reshape(-1).data<float>().ToArray();
        var flat = stored;
        if (Options.Permuted)
        {
            flat = new float[stored.Length];
            var permutation = PixelPermutation.Order;
            for (int i = 0; i < stored.Length; i++) flat[permutation[i]] = stored[i];
        }
        int side = (int)Math.Sqrt(flat.Length);
        var result = new float[side, side];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>The class index of one image.</summary>
    public int Label(Split split, int index) => (int)Labels(split)[index].item<long>();

    /// <summary>Number of images of each class in a split.</summary>
    public int[] ClassCounts(Split split)
    {
        var counts = new int[Info.ClassNames.Count];
        foreach (var label in Labels(split).data<long>())
            counts[label]++;
        return counts;
    }

    /// <summary>Index of the first image of each class in a split (-1 if a class is absent).</summary>
    public int[] FirstIndexOfEachClass(Split split, int perClass = 1)
    {
        var found = new List<int>[Info.ClassNames.Count];
        for (int c = 0; c < found.Length; c++) found[c] = new List<int>();
        var labels = Labels(split).data<long>().ToArray();
        for (int i = 0; i < labels.Length; i++)
            if (found[labels[i]].Count < perClass)
                found[labels[i]].Add(i);
        return found.SelectMany(f => f.Count == perClass ? f : f.Concat(Enumerable.Repeat(-1, perClass - f.Count))).ToArray();
    }

    private static (Tensor Images, Tensor Labels) ToTensors((IdxImages Images, byte[] Labels) data, int? perClass, int? limit, DataOptions options)
    {
        var (images, labels) = data;
        int pixels = images.Rows * images.Columns;
        IEnumerable<int> keep = Enumerable.Range(0, labels.Length);
        if (perClass is int k)
        {
            var seen = new int[IdxReader.ClassCount];
            keep = keep.Where(i => seen[labels[i]]++ < k);
        }
        if (limit is int n)
            keep = keep.Take(n);
        var indices = keep.ToArray();

        var bytes = new byte[indices.Length * pixels];
        var labelValues = new long[indices.Length];
        var permutation = options.Permuted ? PixelPermutation.Order : null;
        for (int j = 0; j < indices.Length; j++)
        {
            if (permutation is null)
                Buffer.BlockCopy(images.Pixels, indices[j] * pixels, bytes, j * pixels, pixels);
            else
                for (int p = 0; p < pixels; p++) bytes[j * pixels + p] = images.Pixels[indices[j] * pixels + permutation[p]];
            labelValues[j] = labels[indices[j]];
        }
        if (pixels % options.TimeSteps != 0)
            throw new ArgumentException($"TimeSteps {options.TimeSteps} does not divide the {pixels} pixels of an image.", nameof(options));
        long[] shape = options.TimeSteps == images.Rows && !options.Permuted
            ? [indices.Length, images.Rows, images.Columns]
            : [indices.Length, options.TimeSteps, pixels / options.TimeSteps];
        using var raw = tensor(bytes, shape, ScalarType.Byte);
        using var scale = 255f.ToScalar(); // held until the call returns (see KerasBatchNormalization's fields)
        var x = raw.to_type(ScalarType.Float32).div_(scale);
        return (x, tensor(labelValues, ScalarType.Int64));
    }

    /// <summary>Frees the four tensors.</summary>
    public void Dispose()
    {
        TrainImages.Dispose();
        TrainLabels.Dispose();
        TestImages.Dispose();
        TestLabels.Dispose();
    }
}
