using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RnnHelpers.Tests;

/// <summary>Checks on the notebooks as committed (no kernel is run): images, setup, portability, links.</summary>
public partial class CommittedNotebookTests
{
    public static string NotebookDir => Path.Combine(Repo.Root, "notebooks");

    /// <summary>Every notebooks/*.ipynb by name (new notebooks are covered without listing them).</summary>
    public static TheoryData<string> Notebooks
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var path in Directory.GetFiles(NotebookDir, "*.ipynb").Order(StringComparer.Ordinal))
                data.Add(Path.GetFileNameWithoutExtension(path));
            return data;
        }
    }

    private static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookDir, name + ".ipynb")))!.AsObject();

    private static IEnumerable<JsonObject> Cells(JsonObject notebook) => notebook["cells"]!.AsArray().OfType<JsonObject>();

    /// <summary>The data bundles of outputs whose HTML is a Plotly chart.</summary>
    public static List<JsonObject> ChartBundles(string notebookPath) =>
        Cli.Outputs(notebookPath).Select(o => o["data"] as JsonObject)
            .Where(d => d?["text/html"] is { } html && Cli.Text(html).Contains("Plotly.newPlot("))
            .Select(d => d!).ToList();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void No_committed_notebook_keeps_the_kernels_installed_packages_report(string name) =>
        Assert.DoesNotContain(Cli.Outputs(Path.Combine(NotebookDir, name + ".ipynb")),
            o => Cli.Text(o["data"]?["text/html"]) is var html && (html.Contains("Installed Packages") || html.Contains("Installing Packages"))); // NotebookHost --tidy removes it

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_chart_output_has_a_static_image_beside_it(string name)
    {
        var charts = ChartBundles(Path.Combine(NotebookDir, name + ".ipynb"));
        int withImage = charts.Count(d =>
            d["image/png"] is { } png && Convert.FromBase64String(Cli.Text(png)).AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })
            && Cli.Text(d["text/html"]).Contains("class=\"plotly-static\""));
        Assert.True(withImage == charts.Count, $"{name}: {withImage} of {charts.Count} chart outputs carry a static image (rerun the notebook, or NotebookHost --add-images)");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void A_committed_notebook_holds_no_absolute_path_of_the_machine_that_ran_it(string name)
    {
        var text = File.ReadAllText(Path.Combine(NotebookDir, name + ".ipynb"));
        text = Base64Image().Replace(text, ""); // image bytes may spell anything
        var hits = AbsolutePath().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.True(hits.Count == 0, $"{name}: absolute paths {string.Join(", ", hits)} (print paths relative to the repository)");
        Assert.DoesNotContain(Repo.Root, text);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void A_committed_notebook_keeps_its_parameters_cell_and_not_the_injected_one(string name)
    {
        var cells = Cells(Load(name)).ToList();
        Assert.Single(cells, c => HasTag(c, "parameters"));
        Assert.DoesNotContain(cells, c => HasTag(c, "injected-parameters") || (string?)c["id"] == "injected-parameters");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void A_notebooks_package_versions_are_those_of_Directory_Packages_props(string name)
    {
        var pinned = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);
        var references = Cells(Load(name)).Where(c => (string?)c["cell_type"] == "code")
            .SelectMany(c => NugetReference().Matches(Cli.Text(c["source"]))).ToList();
        Assert.All(references, m =>
        {
            var package = m.Groups["name"].Value;
            Assert.True(pinned.TryGetValue(package, out var version), $"{name}: {package} is not pinned in Directory.Packages.props");
            Assert.True(version == m.Groups["version"].Value,
                $"{name}: {package} {m.Groups["version"].Value}, Directory.Packages.props pins {version} (NotebookHost --tidy {name}.ipynb fixes it)");
        });
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void A_notebook_opened_before_the_build_says_how_to_build_in_its_first_code_cell(string name)
    {
        var cells = Cells(Load(name)).Where(c => (string?)c["cell_type"] == "code").ToList();
        var first = Cli.Text(cells[0]["source"]);
        var reference = Regex.Match(string.Concat(cells.Select(c => Cli.Text(c["source"]))), "#r \"(\\.\\./lib/[^\"]+\\.dll)\"");
        if (!reference.Success)
            return; // a notebook that does not load the library needs no build
        Assert.Contains($"File.Exists(\"{reference.Groups[1].Value}\")", first);
        Assert.Contains("dotnet build", first);
        Assert.DoesNotMatch(new Regex(@"^\s*#r\s", RegexOptions.Multiline), first); // a #r of a missing DLL fails the cell before the check runs
    }

    [Theory]
    [InlineData("02-simple-rnn", "SimpleRnnCell.cs")]
    [InlineData("03-lstm", "LstmCell.cs")]
    [InlineData("04-gru", "GruCell.cs")]
    public void An_architecture_notebook_and_its_cell_link_to_each_other(string name, string cellFile)
    {
        var source = Path.Combine("lib", "RnnHelpers", "Models", "Recurrence", cellFile);
        var markdown = string.Concat(Cells(Load(name)).Where(c => (string?)c["cell_type"] == "markdown").Select(c => Cli.Text(c["source"])));
        Assert.Contains($"(../{source.Replace('\\', '/')})", markdown);
        Assert.True(File.Exists(Path.Combine(Repo.Root, source)));
        var summary = Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, source)), "<summary>(.*?)</summary>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains($"notebooks/{name}.ipynb", summary);
    }

    private static bool HasTag(JsonObject cell, string tag) => cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == tag);

    [GeneratedRegex(@"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+|""image/png"":\s*""[A-Za-z0-9+/=\\n]+""")]
    private static partial Regex Base64Image();

    /// <summary>Unix paths under the usual roots of a checkout or home, and Windows drive paths.</summary>
    [GeneratedRegex(@"(?<![\w.~])/(?:home|root|work|tmp|Users|mnt|srv|opt|var|private)/[\w.\-]+|\b[A-Za-z]:\\\\[\w.\-]+")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"#r\s+""nuget:\s*(?<name>[A-Za-z0-9_.\-]+)\s*,\s*(?<version>[^""\s]+)\s*""")]
    private static partial Regex NugetReference();
}
