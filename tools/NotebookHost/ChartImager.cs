using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace NotebookHost;

/// <summary>
/// Adds a static PNG of every Plotly chart in a notebook's outputs, rendered by the system's
/// headless Chromium (driven by Playwright; Playwright never downloads a browser here). The PNG goes
/// into the output's data bundle as image/png, and into its text/html as an &lt;img&gt; that shows
/// wherever scripts do not run (repository web views, nbviewer, VS Code offline) and is hidden by
/// CSS once Plotly has drawn the interactive chart. Where no Chromium is installed, outputs stay HTML-only.
/// </summary>
public sealed class ChartImager : IAsyncDisposable
{
    /// <summary>How long a browser may take to start, and one chart to load, draw and be captured.</summary>
    public static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(60), ChartTimeout = TimeSpan.FromSeconds(60);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IPage _page;
    private readonly string _work;

    private ChartImager(IPlaywright playwright, IBrowser browser, IPage page, string work)
    {
        _playwright = playwright;
        _browser = browser;
        _page = page;
        _work = work;
    }

    /// <summary>
    /// The Chromium executable: $WORKBOOK_CHROMIUM if set, else Debian's /usr/bin/chromium (or
    /// chromium-browser); null when none exists.
    /// </summary>
    public static string? BrowserPath() =>
        new[] { Environment.GetEnvironmentVariable("WORKBOOK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Flags for a headless Chromium that makes no network request of any kind (file:// pages still load).</summary>
    public static readonly string[] OfflineArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9",
    ];

    /// <summary>Starts Chromium with <paramref name="plotlyJs"/> ready to load; throws PlaywrightException or TimeoutException if it cannot.</summary>
    public static async Task<ChartImager> StartAsync(string browserPath, string plotlyJs)
    {
        // Only the driver shipped in the package is used; never fetch a browser build.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var work = Directory.CreateTempSubdirectory("notebook-charts-").FullName;
        await File.WriteAllTextAsync(Path.Combine(work, "plotly.min.js"), plotlyJs);
        await File.WriteAllTextAsync(Path.Combine(work, "shim.js"), PlotlyScript.RequireShim);
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync().WaitAsync(LaunchTimeout);
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = browserPath,
                Args = OfflineArgs,
                Timeout = (float)LaunchTimeout.TotalMilliseconds,
            }).WaitAsync(LaunchTimeout);
            // Wide enough for every chart the library draws (they have fixed sizes up to ~1400 px).
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1800, Height = 1400 }, DeviceScaleFactor = 1 });
            return new ChartImager(playwright, browser, page, work);
        }
        catch
        {
            playwright?.Dispose();
            TryDelete(work);
            throw;
        }
    }

    /// <summary>
    /// Renders the chart of one Plotly.NET HTML output to PNG bytes at its layout size (CSS pixels).
    /// Throws TimeoutException when it is not drawn within <see cref="ChartTimeout"/>.
    /// </summary>
    public async Task<byte[]> RenderAsync(string chartHtml)
    {
        var file = Path.Combine(_work, "chart.html");
        await File.WriteAllTextAsync(file,
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + PlotlyScript.StaticImageStyle +
            "<style>body{margin:0;background:#fff}</style><script src=\"plotly.min.js\"></script><script src=\"shim.js\"></script></head><body>" +
            chartHtml + "</body></html>");
        var timeout = (float)ChartTimeout.TotalMilliseconds;
        await _page.GotoAsync(new Uri(file).AbsoluteUri, new() { Timeout = timeout, WaitUntil = WaitUntilState.Load });
        var drawn = await _page.EvaluateAsync<int>("() => Promise.all(window.plotlyRenders).then(r => r.length)").WaitAsync(ChartTimeout);
        if (drawn == 0)
            throw new InvalidOperationException("the chart's script drew nothing");
        // The chart's div spans the page; Plotly's .svg-container has the layout's width and height.
        return await _page.Locator(".js-plotly-plot .svg-container").First.ScreenshotAsync(new()
        {
            Timeout = timeout,
            Type = ScreenshotType.Png,
            Animations = ScreenshotAnimations.Disabled,
        });
    }

    /// <summary>
    /// Adds images to every chart output of <paramref name="notebook"/> that has none yet; returns
    /// how many were added. Logs, and leaves the output HTML-only, when one chart cannot be drawn.
    /// </summary>
    public static async Task<int> AddImagesAsync(NotebookDocument notebook, TextWriter log)
    {
        var charts = ChartOutputs(notebook).Where(d => d["image/png"] is null).ToList();
        if (charts.Count == 0)
            return 0;
        if (BrowserPath() is not { } browser)
        {
            log.WriteLine("No Chromium found (/usr/bin/chromium or $WORKBOOK_CHROMIUM): chart outputs are stored as HTML only, without static images.");
            return 0;
        }
        var version = PlotlyScript.RequestedVersion(Html(charts[0])) ?? "2.28.0";
        if (PlotlyScript.Find(version) is not { } plotlyJs)
        {
            log.WriteLine($"plotly.js {version} not found in the Plotly.NET package: chart outputs are stored as HTML only.");
            return 0;
        }
        ChartImager imager;
        try
        {
            imager = await StartAsync(browser, plotlyJs);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            log.WriteLine($"Chromium ({browser}) did not start: {e.Message.Split('\n')[0]}; chart outputs are stored as HTML only.");
            return 0;
        }
        await using (imager)
        {
            int added = 0;
            foreach (var data in charts)
            {
                try
                {
                    var png = await imager.RenderAsync(Html(data));
                    AttachImage(data, png);
                    added++;
                }
                catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException)
                {
                    log.WriteLine($"  a chart could not be rendered to an image: {e.Message.Split('\n')[0]}");
                }
            }
            return added;
        }
    }

    /// <summary>The data bundles of all outputs whose text/html is a Plotly chart.</summary>
    public static IEnumerable<JsonObject> ChartOutputs(NotebookDocument notebook) =>
        notebook.Cells.OfType<JsonObject>()
            .SelectMany(c => c["outputs"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(o => o["data"] as JsonObject)
            .Where(d => d?["text/html"] is not null && PlotlyScript.IsChart(Html(d)))
            .Select(d => d!);

    /// <summary>
    /// Puts the PNG into the bundle twice: as image/png for frontends that choose it, and inside the
    /// text/html (which most frontends prefer) as the fallback a script-less viewer shows.
    /// </summary>
    public static void AttachImage(JsonObject data, byte[] png)
    {
        var base64 = Convert.ToBase64String(png);
        var (width, height) = PngSize(png);
        data["image/png"] = base64;
        var img = $"<img class=\"plotly-static\" width=\"{width}\" height=\"{height}\" alt=\"chart (static image; the interactive chart needs JavaScript)\" src=\"data:image/png;base64,{base64}\">";
        var html = Html(data);
        const string placeholder = "<!-- Plotly chart will be drawn inside this DIV -->";
        html = html.Contains(placeholder) ? html.Replace(placeholder, placeholder + img) : img + html;
        data["text/html"] = PlotlyScript.StaticImageStyle + html;
    }

    private static string Html(JsonObject data) => data["text/html"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    /// <summary>Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian).</summary>
    private static (int Width, int Height) PngSize(byte[] png) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing can hang if the browser is wedged; the process is ending anyway, so bound it.
        try { await _browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception e) when (e is PlaywrightException or TimeoutException) { }
        _playwright.Dispose();
        TryDelete(_work);
    }
}
