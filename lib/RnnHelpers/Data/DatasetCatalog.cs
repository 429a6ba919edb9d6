namespace RnnHelpers.Data;

/// <summary>Published checksums and sources of MNIST and Fashion-MNIST.</summary>
public static class DatasetCatalog
{
    /// <summary>MNIST (LeCun et al. 1998): 60,000 training and 10,000 test digits.</summary>
    public static readonly DatasetInfo Mnist = new(
        DatasetName.Mnist, "mnist", "MNIST",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
        new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
        new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
        new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"]);

    /// <summary>Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): the same format, ten kinds of clothing.</summary>
    public static readonly DatasetInfo FashionMnist = new(
        DatasetName.FashionMnist, "fashion-mnist", "Fashion-MNIST",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        new("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
        new("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
        new("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
        new("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]);

    /// <summary>The catalogue entry of <paramref name="name"/>; <see cref="ArgumentOutOfRangeException"/> for an undefined name.</summary>
    public static DatasetInfo Get(DatasetName name) => name switch
    {
        DatasetName.Mnist => Mnist,
        DatasetName.FashionMnist => FashionMnist,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown dataset."),
    };

    /// <summary>Parses the names used by notebooks and the CLI: "mnist", "fashion", "fashion-mnist".</summary>
    public static DatasetName Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mnist" => DatasetName.Mnist,
        "fashion" or "fashion-mnist" or "fashionmnist" => DatasetName.FashionMnist,
        _ => throw new ArgumentException($"Dataset '{text}' is not known; use 'mnist' or 'fashion'.", "Dataset"),
    };
}
