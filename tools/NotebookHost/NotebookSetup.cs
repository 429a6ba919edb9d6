using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NotebookHost;

/// <summary>
/// Keeps the setup cells every notebook repeats in step with the repository (idempotent; run by
/// <c>NotebookHost --tidy NOTEBOOK...</c> on new and existing notebooks alike):
/// each <c>#r "nuget: NAME, VERSION"</c> takes its version from Directory.Packages.props; the first
/// code cell checks that the library is built and says how to build it; the runner's
/// injected-parameters cell is dropped, and so is the kernel's installed-packages report (see CellRecorder).
/// </summary>
public static partial class NotebookSetup
{
    /// <summary>The library build the notebooks reference, relative to the notebooks folder.</summary>
    public const string LibraryReference = "../lib/RnnHelpers/bin/Debug/net10.0/RnnHelpers.dll";

    /// <summary>Marks the build check so that it is inserted once.</summary>
    public const string BuildCheckMarker = "// Setup check: the library must be built first.";

    /// <summary>The build check placed at the top of a notebook's first code cell.</summary>
    public static readonly string BuildCheck =
        BuildCheckMarker + "\n" +
        "// Without it, the #r cell below would fail with a compiler error about a missing DLL.\n" +
        $"if (!System.IO.File.Exists(\"{LibraryReference}\"))\n" +
        "    throw new System.IO.FileNotFoundException(\"The library is not built yet: run `dotnet build` at the repository root, then restart the kernel and run this notebook again.\");\n\n";

    /// <summary>Package versions pinned in a Directory.Packages.props file (PackageVersion Include/Version).</summary>
    public static IReadOnlyDictionary<string, string> PinnedVersions(string propsPath) =>
        XDocument.Load(propsPath).Descendants("PackageVersion")
            .Where(e => e.Attribute("Include") is not null && e.Attribute("Version") is not null)
            .ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every <c>#r "nuget: NAME, VERSION"</c> in a notebook's code cells, as (name, version).</summary>
    public static IEnumerable<(string Name, string Version)> NugetReferences(NotebookDocument notebook) =>
        notebook.Cells.OfType<JsonObject>().Where(NotebookDocument.IsCode)
            .SelectMany(c => NugetPattern().Matches(NotebookDocument.Source(c)))
            .Select(m => (m.Groups["name"].Value, m.Groups["version"].Value));

    /// <summary>Applies the rules above; returns a line per change (empty when the notebook already conforms).</summary>
    public static IReadOnlyList<string> Tidy(NotebookDocument notebook, IReadOnlyDictionary<string, string> pinned)
    {
        var changes = new List<string>();
        for (int i = notebook.Cells.Count - 1; i >= 0; i--)
            if (NotebookDocument.HasTag((JsonObject)notebook.Cells[i]!, "injected-parameters"))
            {
                notebook.Cells.RemoveAt(i);
                changes.Add("removed the injected-parameters cell");
            }

        var code = notebook.Cells.OfType<JsonObject>().Where(NotebookDocument.IsCode).ToList();
        foreach (var cell in code)
            if (cell["outputs"] is JsonArray outputs)
                for (int i = outputs.Count - 1; i >= 0; i--)
                    if (outputs[i]?["data"] is JsonObject data && CellRecorder.IsPackageReport(data))
                    {
                        outputs.RemoveAt(i);
                        changes.Add("removed the kernel's installed-packages report");
                    }
        if (code.Count > 0 && !NotebookDocument.Source(code[0]).Contains(BuildCheckMarker))
        {
            code[0]["source"] = BuildCheck + NotebookDocument.Source(code[0]);
            changes.Add("added the build check to the first code cell");
        }

        foreach (var cell in code)
        {
            var source = NotebookDocument.Source(cell);
            var updated = NugetPattern().Replace(source, m =>
            {
                var name = m.Groups["name"].Value;
                if (!pinned.TryGetValue(name, out var version) || version == m.Groups["version"].Value)
                    return m.Value;
                changes.Add($"{name} {m.Groups["version"].Value} -> {version}");
                return $"#r \"nuget: {name}, {version}\"";
            });
            if (updated != source)
                cell["source"] = updated;
        }
        return changes;
    }

    [GeneratedRegex(@"#r\s+""nuget:\s*(?<name>[A-Za-z0-9_.\-]+)\s*,\s*(?<version>[^""\s]+)\s*""")]
    private static partial Regex NugetPattern();
}
