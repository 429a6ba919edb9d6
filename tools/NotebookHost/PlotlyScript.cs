using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace NotebookHost;

/// <summary>
/// Finds the plotly.js that Plotly.NET ships, so charts render without a network. Plotly.NET's
/// notebook output loads plotly.js from a CDN by version; the same version is a resource of
/// Plotly.NET.dll (Plotly.NET.plotly-VERSION.min.js).
/// </summary>
public static partial class PlotlyScript
{
    /// <summary>True when an HTML output is a Plotly.NET chart (it calls Plotly.newPlot).</summary>
    public static bool IsChart(string html) => html.Contains("Plotly.newPlot(", StringComparison.Ordinal);

    /// <summary>The plotly.js version a chart's HTML asks for (e.g. "2.28.0"), or null.</summary>
    public static string? RequestedVersion(string html) => VersionPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>
    /// The text of plotly.js <paramref name="version"/> from a loaded Plotly.NET assembly or from
    /// a Plotly.NET.dll in the NuGet cache (read as a file, not loaded); null when neither has it.
    /// </summary>
    public static string? Find(string version)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Plotly.NET"))
            if (FromResource(assembly, version) is { } text)
                return text;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var plotlyNet = Path.Combine(packages, "plotly.net");
        if (Directory.Exists(plotlyNet))
            foreach (var dir in Directory.GetDirectories(plotlyNet).Order(StringComparer.Ordinal).Reverse())
                if (Path.Combine(dir, "lib", "netstandard2.0", "Plotly.NET.dll") is var dll && File.Exists(dll) && FromFile(dll, version) is { } text)
                    return text;
        return null;
    }

    /// <summary>An embedded resource read straight from the PE file, so no second Plotly.NET is loaded beside the kernel's.</summary>
    private static string? FromFile(string dll, string version)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || !metadata.GetString(resource.Name).EndsWith($"plotly-{version}.min.js", StringComparison.OrdinalIgnoreCase))
                continue;
            var block = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
            var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
            var length = reader.ReadInt32(); // each embedded resource is a 4-byte length, then the bytes
            return System.Text.Encoding.UTF8.GetString(reader.ReadBytes(length));
        }
        return null;
    }

    private static string? FromResource(Assembly assembly, string version)
    {
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith($"plotly-{version}.min.js", StringComparison.OrdinalIgnoreCase));
        if (name is null)
            return null;
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Script run before a chart's own: Plotly.NET's output asks require.js for plotly.js (and
    /// inserts require.js from a CDN when there is none). This stands in for require.js and hands
    /// over the plotly.js already on the page, and collects each plot's promise in
    /// window.plotlyRenders so a caller can wait until every chart is drawn.
    /// </summary>
    public const string RequireShim = """
        window.plotlyRenders = [];
        (function () {
          var draw = Plotly.newPlot;
          Plotly.newPlot = function () { var p = draw.apply(this, arguments); window.plotlyRenders.push(p); return p; };
          var load = function (deps, callback) { callback(window.Plotly); };
          window.requirejs = load;
          window.requirejs.config = function () { return load; };
        })();
        """;

    /// <summary>CSS that hides a chart's static image once Plotly has drawn the chart (Plotly marks its div js-plotly-plot).</summary>
    public const string StaticImageStyle = "<style>.js-plotly-plot .plotly-static{display:none}</style>";

    [GeneratedRegex(@"plotly-(\d+\.\d+\.\d+)\.min")]
    private static partial Regex VersionPattern();
}
