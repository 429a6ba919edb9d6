using Microsoft.Playwright;

namespace RnnHelpers.Tests;

/// <summary>The system's headless Chromium for browser tests, driven by Playwright (which never downloads a browser here).</summary>
public static class Chromium
{
    /// <summary>$WORKBOOK_CHROMIUM, else Debian's /usr/bin/chromium (or chromium-browser); null when none is installed.</summary>
    public static string? Path { get; } =
        new[] { Environment.GetEnvironmentVariable("WORKBOOK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public const string SkipReason = "No Chromium installed (apt-get install -y chromium; CI installs it): browser tests need one.";

    /// <summary>How long the browser may take to start and a page to load and draw.</summary>
    /// <remarks>A backstop: a page with the digit galleries loads in seconds on free cores, but a page load
    /// exceeded 90 s once while the machine's two cores ran training processes.</remarks>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(240);

    /// <summary>Starts headless Chromium with every network request failing (file:// pages still load).</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchOfflineAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync().WaitAsync(Deadline);
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Path,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9"],
                Timeout = (float)Deadline.TotalMilliseconds,
            }).WaitAsync(Deadline);
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}

/// <summary>A fact that is skipped, with the reason, where no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
            Skip = Chromium.SkipReason;
    }
}
