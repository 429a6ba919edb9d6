using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Workbook;

/// <summary>
/// Executes notebooks one kernel process each (tools/NotebookHost), working directory the
/// notebook's folder, and writes executed copies.
/// </summary>
public sealed class NotebookRunner(ParameterInjection injection, string outputDir, bool inPlace, TimeSpan cellTimeout, bool prepareOnly = false)
{
    /// <summary>Runs one notebook in its own NotebookHost process and reports how it went.</summary>
    public async Task<NotebookOutcome> RunAsync(string notebook, CancellationToken ct)
    {
        notebook = Path.GetFullPath(notebook);
        var output = inPlace ? notebook : Path.Combine(Path.GetFullPath(outputDir), Path.GetFileName(notebook));
        var clock = Stopwatch.StartNew();
        if (!File.Exists(notebook))
            return new NotebookOutcome(notebook, false, clock.Elapsed, "file not found", output);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { RepoLayout.NotebookHost, notebook, output, "--inject", injection.Code, "--cell-timeout", cellTimeout.TotalSeconds.ToString("0") })
            start.ArgumentList.Add(arg);
        if (prepareOnly)
            start.ArgumentList.Add("--prepare-only");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the kernel process");
        var stderr = new List<string>();
        var readErr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(ct) is { } line)
                lock (stderr) stderr.Add(line);
        }, ct);
        var readOut = process.StandardOutput.ReadToEndAsync(ct);

        // Backstop: the host stops a hung cell itself; this catches a host that cannot.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(cellTimeout * (CodeCells(notebook) + 2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new NotebookOutcome(notebook, false, clock.Elapsed, "the kernel process did not finish in time and was killed", output);
        }
        await Task.WhenAll(readErr, readOut).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { });

        string[] lines;
        lock (stderr) lines = [.. stderr];
        if (process.ExitCode == 0)
        {
            // What was written is checked, not assumed: the injected cell must give back the profile's values. An in-place
            // run drops that cell before saving (committed notebooks keep only their parameters cell); there the kernel
            // has already compiled and run it, so a cell that did not compile would have failed the run.
            var problem = inPlace ? null : CheckInjectedCell(output);
            return new NotebookOutcome(notebook, problem is null, clock.Elapsed, problem, output);
        }
        var failure = lines.LastOrDefault(l => l.Contains(": cell ") && l.Contains("failed")) ?? lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        string error = process.ExitCode switch
        {
            1 or 3 => failure ?? $"exit code {process.ExitCode}",
            2 => failure ?? "bad notebook or arguments",
            _ => $"the kernel process ended with exit code {process.ExitCode}" + (failure is null ? "" : $": {failure}"),
        };
        return new NotebookOutcome(notebook, false, clock.Elapsed, error, output);
    }

    /// <summary>Null if the written notebook's injected-parameters cell parses to exactly the injection; otherwise what is wrong.</summary>
    private string? CheckInjectedCell(string written)
    {
        try
        {
            var cell = JsonNode.Parse(File.ReadAllText(written))?["cells"]?.AsArray()
                .FirstOrDefault(c => (string?)c?["id"] == "injected-parameters");
            if (cell is null)
                return $"{written}: has no injected-parameters cell";
            var source = cell["source"] switch
            {
                JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
                JsonValue text => (string?)text ?? "",
                _ => "",
            };
            injection.Verify(source);
            return null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or IOException)
        {
            return $"{written}: the injected parameters are not valid: {e.Message}";
        }
    }

    private static int CodeCells(string notebook)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(notebook))?["cells"]?.AsArray().Count(c => (string?)c?["cell_type"] == "code") ?? 1;
        }
        catch (System.Text.Json.JsonException)
        {
            return 1;
        }
    }
}
