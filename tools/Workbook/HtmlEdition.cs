using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Workbook;

/// <summary>
/// The offline HTML edition: an index (the README, with its results) and one page per executed
/// notebook, linked in order. Markdown is rendered with Markdig; equations ($...$, $$...$$) are
/// typeset by KaTeX from local files; charts are the notebooks' own Plotly outputs, drawn by one
/// local copy of plotly.js (the version Plotly.NET embeds). Pages make no network request.
/// </summary>
public sealed class HtmlEdition(string outDir, string katexDir)
{
    /// <summary>The Markdig pipeline: CommonMark plus pipe tables, heading ids and math spans for KaTeX.</summary>
    public static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables().UseMathematics().UseAutoIdentifiers().UseEmphasisExtras().UseTaskLists().Build();

    private readonly string _out = Path.GetFullPath(outDir);

    /// <summary>
    /// Writes index.html, one NAME.html per notebook and assets/ into the output folder; returns the
    /// pages written. Throws InvalidDataException for a notebook that is not valid nbformat JSON.
    /// </summary>
    public IReadOnlyList<string> Build(string readmePath, IReadOnlyList<string> notebooks)
    {
        Directory.CreateDirectory(Path.Combine(_out, "assets", "img"));
        WriteAssets();
        var pages = notebooks.Select(n => new Page(Path.GetFullPath(n), Path.GetFileNameWithoutExtension(n) + ".html", Title(n))).ToList();
        var written = new List<string>();

        var readme = File.ReadAllText(readmePath);
        var notebookList = new StringBuilder("<section class=\"contents\"><h2>The notebooks</h2><ol>");
        foreach (var p in pages)
            notebookList.Append($"<li><a href=\"{p.File}\">{Esc(p.Title)}</a></li>");
        notebookList.Append("</ol></section>");
        var index = Path.Combine(_out, "index.html");
        WriteAtomically(index, Layout("Recurrent networks on MNIST, in C#", pages, current: null, hasCharts: false,
            notebookList + RenderMarkdown(readme, Path.GetDirectoryName(Path.GetFullPath(readmePath))!, pages)));
        written.Add(index);

        for (int i = 0; i < pages.Count; i++)
        {
            var (body, hasCharts) = RenderNotebook(pages[i], pages);
            var pager = new StringBuilder("<nav class=\"pager\">");
            pager.Append(i > 0 ? $"<a rel=\"prev\" href=\"{pages[i - 1].File}\">← {Esc(pages[i - 1].Title)}</a>" : "<a rel=\"prev\" href=\"index.html\">← Index</a>");
            if (i + 1 < pages.Count)
                pager.Append($"<a rel=\"next\" href=\"{pages[i + 1].File}\">{Esc(pages[i + 1].Title)} →</a>");
            pager.Append("</nav>");
            var path = Path.Combine(_out, pages[i].File);
            WriteAtomically(path, Layout(pages[i].Title, pages, pages[i], hasCharts, body + pager));
            written.Add(path);
        }
        return written;
    }

    private sealed record Page(string Source, string File, string Title);

    private (string Html, bool HasCharts) RenderNotebook(Page page, IReadOnlyList<Page> pages)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(page.Source)) as JsonObject ?? throw new InvalidDataException($"{page.Source}: not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{page.Source}: not valid JSON: {e.Message}", e);
        }
        var folder = Path.GetDirectoryName(page.Source)!;
        var html = new StringBuilder();
        bool charts = false;
        foreach (var cell in root["cells"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var source = Text(cell["source"]);
            switch ((string?)cell["cell_type"])
            {
                case "markdown":
                    html.Append("<section class=\"markdown\">").Append(RenderMarkdown(source, folder, pages)).Append("</section>");
                    break;
                case "code":
                    html.Append("<section class=\"cell\"><pre class=\"source\"><code class=\"language-csharp\">").Append(Esc(source)).Append("</code></pre>");
                    foreach (var output in cell["outputs"]?.AsArray().OfType<JsonObject>() ?? [])
                        html.Append(RenderOutput(output, ref charts));
                    html.Append("</section>");
                    break;
            }
        }
        return (html.ToString(), charts);
    }

    private static string RenderOutput(JsonObject output, ref bool charts)
    {
        switch ((string?)output["output_type"])
        {
            case "stream":
                return $"<pre class=\"output stream {Esc((string?)output["name"] ?? "")}\">{Esc(Text(output["text"]))}</pre>";
            case "error":
                return $"<pre class=\"output error\">{Esc((string?)output["ename"] ?? "")}: {Esc((string?)output["evalue"] ?? "")}</pre>";
        }
        if (output["data"] is not JsonObject data)
            return "";
        if (data["text/html"] is { } html)
        {
            var text = Text(html);
            charts |= text.Contains("Plotly.newPlot(", StringComparison.Ordinal);
            return $"<div class=\"output html\">{text}</div>";
        }
        if (data["image/svg+xml"] is { } svg)
            return $"<div class=\"output\">{Text(svg)}</div>";
        if (data["image/png"] is { } png)
            return $"<div class=\"output\"><img alt=\"output\" src=\"data:image/png;base64,{Text(png).Replace("\n", "")}\"></div>";
        if (data["text/plain"] is { } plain)
            return $"<pre class=\"output\">{Esc(Text(plain))}</pre>";
        return "";
    }

    /// <summary>Markdown to HTML, with relative links made to work from the edition's folder.</summary>
    private string RenderMarkdown(string markdown, string baseDir, IReadOnlyList<Page> pages)
    {
        var document = Markdig.Markdown.Parse(markdown, Markdown);
        // $$...$$ inside a paragraph is display math; Markdig renders it like $...$, so mark it.
        foreach (var math in document.Descendants<Markdig.Extensions.Mathematics.MathInline>())
            if (math.DelimiterCount >= 2)
                math.GetAttributes().AddClass("display");
        foreach (var link in document.Descendants<LinkInline>())
            if (link.Url is { } url)
                link.Url = Relink(url, link.IsImage, baseDir, pages);
        using var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Markdown.Setup(renderer);
        renderer.Render(document);
        return writer.ToString();
    }

    private string Relink(string url, bool isImage, string baseDir, IReadOnlyList<Page> pages)
    {
        if (url.Length == 0 || url.StartsWith('#') || Uri.TryCreate(url, UriKind.Absolute, out _))
            return url;
        var hash = url.IndexOf('#');
        var (pathPart, fragment) = hash < 0 ? (url, "") : (url[..hash], url[hash..]);
        var target = Path.GetFullPath(Path.Combine(baseDir, Uri.UnescapeDataString(pathPart)));
        if (pages.FirstOrDefault(p => p.Source == target) is { } page)
            return page.File + fragment;
        if (isImage && File.Exists(target))
        {
            var copy = Path.Combine(_out, "assets", "img", Path.GetFileName(target));
            File.Copy(target, copy, overwrite: true);
            return "assets/img/" + Uri.EscapeDataString(Path.GetFileName(target));
        }
        // Anything else (source files, results) is linked where it lies in the repository.
        return string.Join('/', Path.GetRelativePath(_out, target).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString)) + fragment;
    }

    private static string Layout(string title, IReadOnlyList<Page> pages, Page? current, bool hasCharts, string body)
    {
        var nav = new StringBuilder("<nav class=\"site\"><a href=\"index.html\"").Append(current is null ? " aria-current=\"page\"" : "").Append(">Index</a>");
        foreach (var p in pages)
            nav.Append($"<a href=\"{p.File}\"{(p == current ? " aria-current=\"page\"" : "")}>{Esc(p.Title)}</a>");
        nav.Append("</nav>");
        var charts = hasCharts
            ? "<script src=\"assets/plotly.min.js\"></script><script src=\"assets/plotly-shim.js\"></script>"
            : "";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Esc(title)}</title>
            <link rel="stylesheet" href="assets/katex/katex.min.css">
            <link rel="stylesheet" href="assets/edition.css">
            {charts}
            <script defer src="assets/katex/katex.min.js"></script>
            <script defer src="assets/math.js"></script>
            </head>
            <body>
            {nav}
            <main>
            {body}
            </main>
            </body>
            </html>

            """;
    }

    private void WriteAssets()
    {
        var assets = Path.Combine(_out, "assets");
        WriteAtomically(Path.Combine(assets, "plotly.min.js"), PlotlyJs());
        WriteAtomically(Path.Combine(assets, "plotly-shim.js"), PlotlyShim);
        WriteAtomically(Path.Combine(assets, "math.js"), MathScript);
        WriteAtomically(Path.Combine(assets, "edition.css"), Css);
        var katex = Path.Combine(assets, "katex");
        Directory.CreateDirectory(Path.Combine(katex, "fonts"));
        foreach (var file in Directory.GetFiles(katexDir, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(katex, Path.GetRelativePath(katexDir, file)), overwrite: true);
    }

    /// <summary>plotly.js as Plotly.NET embeds it (the version its chart outputs ask for).</summary>
    private static string PlotlyJs()
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Contains("plotly-", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".min.js"))
                   ?? throw new InvalidOperationException("Plotly.NET.dll embeds no plotly.js");
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Stands in for require.js, which Plotly.NET's chart outputs call to load plotly.js from a CDN
    /// (and insert from a CDN when it is missing): it hands over the local plotly.js instead.
    /// </summary>
    private const string PlotlyShim = """
        (function () {
          var load = function (deps, callback) { callback(window.Plotly); };
          window.requirejs = load;
          window.requirejs.config = function () { return load; };
        })();
        """;

    /// <summary>Typesets Markdig's math spans; an equation KaTeX cannot parse is a console error (the test looks for those).</summary>
    private const string MathScript = """
        document.querySelectorAll('.math').forEach(function (el) {
          var raw = el.textContent.trim();
          var display = el.tagName === 'DIV' || el.classList.contains('display');
          var tex = raw.replace(/^\\[(\[]/, '').replace(/\\[)\]]$/, '');
          try {
            katex.render(tex, el, { displayMode: display, throwOnError: true });
          } catch (e) {
            console.error('equation not rendered: ' + tex + ': ' + e.message);
          }
        });
        """;

    private const string Css = """
        body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; }
        nav.site { display: flex; flex-wrap: wrap; gap: .4em 1.2em; padding: .7em 1.5em; background: #f6f8fa; border-bottom: 1px solid #d0d7de; }
        nav.site a { color: #0969da; text-decoration: none; }
        nav.site a[aria-current] { font-weight: 600; color: #1f2328; }
        main { max-width: 1100px; margin: 0 auto; padding: 1em 1.5em 3em; }
        pre { background: #f6f8fa; padding: .7em 1em; overflow-x: auto; font-size: 13.5px; border-radius: 6px; }
        pre.output { background: #fff; border-left: 3px solid #d0d7de; }
        pre.error { border-left-color: #cf222e; color: #cf222e; }
        .output.html { overflow-x: auto; margin: .5em 0; }
        table { border-collapse: collapse; margin: .6em 0; }
        th, td { border: 1px solid #d0d7de; padding: .25em .6em; }
        nav.pager { display: flex; justify-content: space-between; margin-top: 3em; }
        .js-plotly-plot .plotly-static { display: none; }
        div.math { overflow-x: auto; }
        """;

    private static string Title(string notebook)
    {
        try
        {
            var first = JsonNode.Parse(File.ReadAllText(notebook))?["cells"]?.AsArray().OfType<JsonObject>()
                .FirstOrDefault(c => (string?)c["cell_type"] == "markdown");
            var heading = Text(first?["source"]).Split('\n').FirstOrDefault(l => l.StartsWith("# "));
            if (heading is not null)
                return heading[2..].Trim();
        }
        catch (System.Text.Json.JsonException)
        {
            // Reported when the page is rendered.
        }
        return Path.GetFileNameWithoutExtension(notebook);
    }

    private static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }
}
