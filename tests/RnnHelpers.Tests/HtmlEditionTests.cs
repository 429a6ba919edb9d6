using Microsoft.Playwright;

namespace RnnHelpers.Tests;

/// <summary>
/// The reader's view in a real browser with the network disabled: the HTML edition built from the
/// committed notebooks, and a committed chart output seen by a viewer that runs no scripts.
/// Skipped, with the reason, where no Chromium is installed.
/// </summary>
public class HtmlEditionTests
{
    [ChromiumFact]
    public async Task The_html_edition_renders_every_chart_and_equation_offline_without_console_errors()
    {
        using var dir = new TempDir();
        var site = dir.File("site");
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(5), "export", "--html", site);
        Assert.True(exit == 0, output);
        var notebooks = Directory.GetFiles(CommittedNotebookTests.NotebookDir, "*.ipynb");
        var pages = Directory.GetFiles(site, "*.html");
        Assert.Equal(notebooks.Length + 1, pages.Length);
        Assert.Single(Directory.GetFiles(site, "plotly*.min.js", SearchOption.AllDirectories)); // included once, as a file
        Assert.All(pages, p => Assert.True(new FileInfo(p).Length < 2_000_000, $"{p} inlines plotly.js"));

        var (playwright, browser) = await Chromium.LaunchOfflineAsync();
        using (playwright)
        await using (browser)
        {
            int totalCharts = 0, totalMath = 0;
            foreach (var page in pages.Order(StringComparer.Ordinal))
            {
                var tab = await browser.NewPageAsync();
                var problems = new List<string>();
                tab.Console += (_, m) => { if (m.Type == "error") problems.Add("console error: " + m.Text); };
                tab.PageError += (_, e) => problems.Add("page error: " + e);
                tab.Request += (_, r) => { if (!r.Url.StartsWith("file://") && !r.Url.StartsWith("data:")) problems.Add("network request: " + r.Url); };
                await tab.GotoAsync(new Uri(page).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load, Timeout = (float)Chromium.Deadline.TotalMilliseconds });

                // One Plotly output is one chart div (id'd, "Plotly chart will be drawn inside"); each drawn chart has an svg.main-svg.
                var expectedCharts = await tab.EvaluateAsync<int>("() => document.querySelectorAll('.output.html div[id] + script').length");
                if (expectedCharts > 0)
                    await tab.WaitForFunctionAsync($"() => document.querySelectorAll('.js-plotly-plot').length >= {expectedCharts}", null,
                        new() { Timeout = (float)Chromium.Deadline.TotalMilliseconds });
                var drawn = await tab.EvaluateAsync<int>("() => [...document.querySelectorAll('.js-plotly-plot')].filter(d => d.querySelector('svg.main-svg')).length");
                Assert.True(drawn == expectedCharts, $"{Path.GetFileName(page)}: {drawn} of {expectedCharts} charts drawn");

                var math = await tab.EvaluateAsync<int>("() => document.querySelectorAll('.math').length");
                var typeset = await tab.EvaluateAsync<int>("() => document.querySelectorAll('.math .katex').length");
                Assert.True(typeset == math, $"{Path.GetFileName(page)}: {typeset} of {math} equations typeset");
                Assert.True(problems.Count == 0, $"{Path.GetFileName(page)}: {string.Join("; ", problems)}");
                totalCharts += drawn;
                totalMath += math;
                await tab.CloseAsync();
            }
            Assert.True(totalCharts > 0, "no chart in the edition");
            Assert.True(totalMath > 0, "no equation in the edition");
        }
    }

    [ChromiumFact]
    public async Task The_committed_dataset_notebook_shows_its_digit_grid_to_a_viewer_without_scripts()
    {
        var notebook = Directory.GetFiles(CommittedNotebookTests.NotebookDir, "01-*.ipynb").Single();
        var grid = CommittedNotebookTests.ChartBundles(notebook)
            .FirstOrDefault(d => Cli.Text(d["text/html"]).Contains("images of each class"));
        Assert.NotNull(grid);

        var (playwright, browser) = await Chromium.LaunchOfflineAsync();
        using (playwright)
        await using (browser)
        {
            // What nbviewer or a repository's web view does: the output's HTML, scripts stripped or not run.
            var tab = await browser.NewPageAsync(new() { JavaScriptEnabled = false });
            await tab.SetContentAsync("<!DOCTYPE html><html><body>" + Cli.Text(grid!["text/html"]) + "</body></html>",
                new() { Timeout = (float)Chromium.Deadline.TotalMilliseconds });
            var image = tab.Locator("img.plotly-static");
            Assert.Equal(1, await image.CountAsync());
            Assert.True(await image.IsVisibleAsync());
            var box = await image.BoundingBoxAsync();
            Assert.True(box is { Width: >= 500, Height: >= 200 }, $"image box {box?.Width}x{box?.Height}");
            var natural = await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0");
            Assert.True(natural >= 500, $"decoded width {natural}");
        }
    }
}
