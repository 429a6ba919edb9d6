using System.CommandLine;
using System.Diagnostics;
using RnnHelpers.Charts;
using RnnHelpers.Data;
using RnnHelpers.Results;

namespace Workbook;

/// <summary><c>results table</c> (README's generated tables), <c>results figure</c> (README's PNG), and <c>check</c>/<c>merge</c>/<c>diff</c> for sharded sweeps.</summary>
public static class ResultsCommands
{
    /// <summary>The <c>results</c> verb and its subcommands.</summary>
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "Results folder.", DefaultValueFactory = _ => RepoLayout.Results };
        var dataset = new Option<string>("--dataset") { Description = "mnist or fashion (fashion-mnist).", DefaultValueFactory = _ => "mnist" };
        var update = new Option<bool>("--update-readme") { Description = "Rewrite the generated block of README.md." };
        var table = new Command("table", "Print the results tables computed from the stored runs of the article's setting.") { results, dataset, update };
        table.SetAction(r => Table(r.GetValue(results)!, r.GetValue(dataset)!, r.GetValue(update)));

        var measure = new Option<string>("--measure") { Description = "moving (BN moving averages, the article's) or recomputed (BN population statistics recomputed after each epoch).", DefaultValueFactory = _ => "moving" };
        measure.AcceptOnlyFromAmong("moving", "recomputed");
        var output = new Option<string?>("--out") { Description = "PNG to write (default: docs/test-accuracy-per-epoch[-recomputed-bn].png)." };
        var chromium = new Option<string>("--chromium") { Description = "Headless browser used to render the chart.", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var figure = new Command("figure", "Render test accuracy per epoch (all stored runs of the article's setting) to a PNG with headless Chromium.") { results, dataset, measure, output, chromium };
        figure.SetAction((r, ct) =>
        {
            var m = r.GetValue(measure) == "recomputed" ? AccuracyMeasure.RecomputedBn : AccuracyMeasure.MovingAverages;
            var path = r.GetValue(output) ?? Path.Combine(RepoLayout.Root, "docs", m == AccuracyMeasure.RecomputedBn ? "test-accuracy-per-epoch-recomputed-bn.png" : "test-accuracy-per-epoch.png");
            return FigureAsync(r.GetValue(results)!, r.GetValue(dataset)!, m, path, r.GetValue(chromium)!, ct);
        });

        var command = new Command("results", "Tables and figures computed from the results folder; checking, merging and comparing stores of sharded sweeps.") { table, figure };
        foreach (var sweep in SweepCommands())
            command.Subcommands.Add(sweep);
        return command;
    }

    /// <summary><c>results check</c>, <c>results merge</c> and <c>results diff</c>: the stores of a sweep trained in shards (<c>train --shard i/n</c>).</summary>
    private static IEnumerable<Command> SweepCommands()
    {
        var grid = new Option<string>("--grid") { Description = "Grid file: the run file names, one a line, as `train ... --list-runs` prints them.", Required = true };
        var store = new Option<string>("--results") { Description = "Results folder to check.", DefaultValueFactory = _ => RepoLayout.Results };
        var check = new Command("check", "Check a results folder for completeness against a grid: lists the grid's runs it lacks; exit 1 if any.") { grid, store };
        check.SetAction(r => Check(r.GetValue(grid)!, r.GetValue(store)!));
        yield return check;

        var sources = new Argument<string[]>("sources") { Description = "Results folders to merge (e.g. the shards' folders).", Arity = ArgumentArity.OneOrMore };
        var into = new Option<string>("--into") { Description = "Results folder to merge into (created if needed).", Required = true };
        var merge = new Command("merge", "Copy the runs of several results folders into one. A run already there with identical numbers is skipped; " +
            "a different record under the same key (file name) is refused and nothing is copied.") { sources, into };
        merge.SetAction(r => Merge(r.GetValue(sources)!, r.GetValue(into)!));
        yield return merge;

        var left = new Argument<string>("left") { Description = "Results folder." };
        var right = new Argument<string>("right") { Description = "Results folder." };
        var diff = new Command("diff", "Compare two results folders record for record (timing, memory and provenance fields ignored); exit 1 on any difference.") { left, right };
        diff.SetAction(r => Diff(r.GetValue(left)!, r.GetValue(right)!));
        yield return diff;
    }

    private static int Check(string gridFile, string resultsDir)
    {
        try
        {
            var grid = RunGrid.ReadFile(gridFile);
            var check = grid.Check(resultsDir);
            foreach (var name in check.Missing)
                Console.WriteLine($"missing  {name}");
            Console.WriteLine($"{Path.GetFullPath(resultsDir)}: {check.Present.Count} of {grid.Count} runs of {gridFile} present, {check.Missing.Count} missing" +
                (check.Extra.Count > 0 ? $", {check.Extra.Count} other run files" : ""));
            return check.Complete ? 0 : 1;
        }
        catch (ResultsFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int Merge(IReadOnlyList<string> sources, string into)
    {
        try
        {
            var report = StoreMerge.Merge(sources, into);
            foreach (var name in report.Copied)
                Console.WriteLine($"copied     {name}");
            Console.WriteLine($"{report.Target}: {report.Copied.Count} runs copied from {sources.Count} folders, {report.Identical.Count} already held with identical numbers");
            return 0;
        }
        catch (StoreConflictException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (Exception e) when (e is ResultsFileException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int Diff(string left, string right)
    {
        try
        {
            var differences = StoreMerge.Compare(left, right);
            foreach (var difference in differences)
                Console.WriteLine(difference);
            var runs = Directory.GetFiles(left, "*.json").Length;
            Console.WriteLine(differences.Count == 0
                ? $"identical: {runs} runs, record for record (timing, memory and provenance fields ignored)"
                : $"{differences.Count} runs differ");
            return differences.Count == 0 ? 0 : 1;
        }
        catch (ResultsFileException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>The runs of the article setting for <paramref name="dataset"/> (mnist or fashion) in <paramref name="resultsDir"/>.</summary>
    public static IReadOnlyList<RunRecord> ArticleSettingRuns(string resultsDir, string dataset)
    {
        var folder = DatasetCatalog.Get(DatasetCatalog.Parse(dataset)).FolderName;
        return new ResultsStore(resultsDir).LoadAll(r => ResultsMarkdown.IsArticleSetting(r, folder));
    }

    private static int Table(string resultsDir, string dataset, bool updateReadme)
    {
        dataset = DatasetCatalog.Get(DatasetCatalog.Parse(dataset)).FolderName;
        var block = ResultsMarkdown.Build(ArticleSettingRuns(resultsDir, dataset));
        Console.WriteLine(block);
        if (updateReadme)
        {
            var readme = Path.Combine(RepoLayout.Root, "README.md");
            File.WriteAllText(readme, ResultsMarkdown.Replace(File.ReadAllText(readme), dataset, block));
            Console.Error.WriteLine($"updated {readme}");
        }
        return 0;
    }

    private static async Task<int> FigureAsync(string resultsDir, string dataset, AccuracyMeasure measure, string output, string chromium, CancellationToken ct)
    {
        var runs = ArticleSettingRuns(resultsDir, dataset);
        if (runs.Count == 0)
        {
            Console.Error.WriteLine($"No runs of the article's setting for {dataset} in {resultsDir}.");
            return 1;
        }
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"{chromium} not found; install Debian's chromium (apt-get install -y chromium).");
            return 2;
        }
        var chart = ComparisonCharts.AccuracyPerEpoch(runs, measure, $"Test accuracy per epoch on {dataset}, {measure.ShortName()}, {runs.Count} runs: each seed thin, median thick");
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "workbook-figure-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var html = Path.Combine(work, "chart.html");
            await File.WriteAllTextAsync(html, chart.ToStandaloneHtml(), ct);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            var png = Path.Combine(work, "chart.png");
            var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={Path.Combine(work, "profile")}",
                         "--window-size=940,540", "--virtual-time-budget=5000", $"--screenshot={png}", new Uri(html).AbsoluteUri,
                     })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            _ = process.StandardOutput.ReadToEndAsync(ct);
            var err = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(2), ct);
            if (process.ExitCode != 0 || !File.Exists(png))
            {
                Console.Error.WriteLine($"chromium exited with {process.ExitCode}: {await err}");
                return 1;
            }
            File.Move(png, output, overwrite: true);
            Console.WriteLine($"wrote {output}");
            return 0;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }
}
