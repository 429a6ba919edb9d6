using System.CommandLine;
using System.Diagnostics;
using RnnHelpers.Data;

namespace Workbook;

/// <summary><c>run [NOTEBOOK...] [--profile smoke|full] [--out DIR]</c>: executes notebooks headlessly.</summary>
public static class RunCommand
{
    /// <summary>The <c>run</c> verb: executes notebooks under a profile.</summary>
    public static Command Create()
    {
        var notebooks = new Argument<string[]>("NOTEBOOK") { Arity = ArgumentArity.ZeroOrMore, Description = "Notebooks to run (default: every notebooks/*.ipynb, in order)." };
        var profile = new Option<string>("--profile") { Description = "smoke: 1 epoch on small subsets; full: the article's setting (all data, 10 epochs).", DefaultValueFactory = _ => "full" };
        profile.AcceptOnlyFromAmong(Profiles.Names);
        var output = new Option<string>("--out") { Description = "Folder for the executed copies.", DefaultValueFactory = _ => Path.Combine(RepoLayout.Root, "out", "notebooks") };
        var inPlace = new Option<bool>("--in-place") { Description = "Write outputs into the source notebooks instead of --out." };
        var cellTimeout = new Option<int>("--cell-timeout") { Description = "Seconds a cell may run before it is stopped.", DefaultValueFactory = _ => 1800 };
        var prepareOnly = new Option<bool>("--prepare-only") { Description = "Only write copies with the profile's parameters injected (for dotnet-repl or VS Code); run nothing." };
        var command = new Command("run", "Execute notebooks, one kernel process each; non-zero exit if any fails.")
        {
            notebooks, profile, output, inPlace, cellTimeout, prepareOnly,
        };
        command.SetAction((result, ct) => RunAsync(
            result.GetValue(notebooks) ?? [], result.GetValue(profile)!, result.GetValue(output)!, result.GetValue(inPlace), result.GetValue(cellTimeout), result.GetValue(prepareOnly), ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] notebooks, string profile, string outDir, bool inPlace, int cellTimeoutSeconds, bool prepareOnly, CancellationToken ct)
    {
        if (cellTimeoutSeconds < 1)
        {
            Console.Error.WriteLine($"--cell-timeout must be at least 1 second; got {cellTimeoutSeconds}.");
            return 2;
        }
        if (inPlace && prepareOnly)
        {
            Console.Error.WriteLine("--prepare-only writes copies; it cannot be combined with --in-place.");
            return 2;
        }
        if (!File.Exists(RepoLayout.NotebookHost) || !File.Exists(RepoLayout.NotebookLibrary))
        {
            Console.Error.WriteLine($"Build first: {RepoLayout.NotebookHost} or {RepoLayout.NotebookLibrary} is missing (run `dotnet build` at the repository root).");
            return 2;
        }
        var list = notebooks.Length > 0 ? notebooks.Select(Path.GetFullPath).ToArray() : Directory.GetFiles(RepoLayout.Notebooks, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
        if (list.Length == 0)
        {
            Console.Error.WriteLine("No notebooks to run.");
            return 2;
        }

        Console.WriteLine("Preparing data (MNIST)…");
        DatasetAcquirer.EnsureAvailable(DatasetName.Mnist, RepoLayout.Data, progress: DataCommands.ConsoleProgress());

        // The kernel host adds a static image to each chart with the system's Chromium; say once when there is none.
        var chromium = new[] { Environment.GetEnvironmentVariable("WORKBOOK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        if (!prepareOnly && !chromium.Any(p => !string.IsNullOrEmpty(p) && File.Exists(p)))
            Console.WriteLine("No Chromium installed (apt-get install -y chromium): charts are stored as HTML only, without static images.");

        outDir = Path.GetFullPath(outDir);
        var resultsDir = profile == "smoke" ? Path.Combine(outDir, "results") : null;
        var runner = new NotebookRunner(Profiles.Injection(profile, resultsDir), outDir, inPlace, TimeSpan.FromSeconds(cellTimeoutSeconds), prepareOnly);
        Console.WriteLine($"{(prepareOnly ? "Preparing" : "Running")} {list.Length} notebook(s), profile {profile}, output {(inPlace ? "in place" : outDir)}");
        var total = Stopwatch.StartNew();
        int passed = 0, failed = 0;
        foreach (var notebook in list)
        {
            var outcome = await runner.RunAsync(notebook, ct);
            if (outcome.Passed) passed++; else failed++;
            Console.WriteLine($"{(outcome.Passed ? "PASS" : "FAIL")}  {Path.GetFileName(notebook),-28} {outcome.Elapsed.TotalSeconds,7:F1} s" +
                              (outcome.Passed ? "" : $"  {outcome.Error}"));
        }
        Console.WriteLine($"{passed} passed, {failed} failed ({total.Elapsed.TotalSeconds:F1} s)");
        return failed == 0 ? 0 : 1;
    }
}
