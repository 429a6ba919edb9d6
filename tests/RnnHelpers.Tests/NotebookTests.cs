using System.Diagnostics;
using System.Text.Json.Nodes;

namespace RnnHelpers.Tests;

/// <summary>Runs the workbook CLI as a user would: <c>dotnet Workbook.dll ...</c>.</summary>
public static class Cli
{
    public static string WorkbookDll => Path.Combine(Repo.Root, "tools", "Workbook", "bin", "Debug", "net10.0", "Workbook.dll");

    public static (int ExitCode, string Output) Run(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        start.ArgumentList.Add(WorkbookDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Workbook {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static IEnumerable<JsonObject> Outputs(string notebook) =>
        JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray()
            .SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .OfType<JsonObject>();

    /// <summary>Every output's text as a reader would see it: stream text, error values and each MIME bundle's content.</summary>
    public static string AllText(string notebook) => string.Join("\n", Outputs(notebook).SelectMany(o =>
        new[] { Text(o["text"]), Text(o["evalue"]) }.Concat(o["data"] is JsonObject data ? data.Select(kv => Text(kv.Value)) : [])));

    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };
}

/// <summary>Executes every notebook once in the smoke profile.</summary>
public sealed class SmokeRunFixture : IDisposable
{
    public SmokeRunFixture()
    {
        Out = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rnn-smoke-" + Guid.NewGuid().ToString("N"))).FullName;
        // A backstop, not a budget: the run takes ~7 min on two free cores (with chart images), and
        // well over 15 when the machine is shared with training runs.
        (ExitCode, Output) = Cli.Run(TimeSpan.FromMinutes(30), "run", "--profile", "smoke", "--out", Out, "--cell-timeout", "600");
    }

    public string Out { get; }
    public int ExitCode { get; }
    public string Output { get; }

    public string Executed(string name) => Path.Combine(Out, name + ".ipynb");

    public void Dispose()
    {
        try { Directory.Delete(Out, recursive: true); } catch (IOException) { }
    }
}

public class NotebookTests(SmokeRunFixture smoke) : IClassFixture<SmokeRunFixture>
{
    public static TheoryData<string> All => CommittedNotebookTests.Notebooks;

    [Fact]
    public void Every_notebook_passes_in_the_smoke_profile()
    {
        Assert.True(smoke.ExitCode == 0, smoke.Output);
        Assert.Contains($"{Directory.GetFiles(CommittedNotebookTests.NotebookDir, "*.ipynb").Length} passed, 0 failed", smoke.Output);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void A_smoke_executed_notebook_carries_a_static_image_beside_every_chart(string name)
    {
        var charts = CommittedNotebookTests.ChartBundles(smoke.Executed(name));
        if (Chromium.Path is null)
        {
            Assert.Contains("No Chromium installed", smoke.Output); // the runner says so once
            return;
        }
        Assert.All(charts, d =>
        {
            Assert.NotNull(d["image/png"]);
            Assert.Contains("class=\"plotly-static\"", Cli.Text(d["text/html"]));
        });
    }

    // The kernel's report of the #r "nuget:" cell is setup noise, and its Plotly.NET line reads as a chart to checks.
    [Theory]
    [MemberData(nameof(All))]
    public void A_smoke_executed_notebook_keeps_no_installed_packages_report(string name) =>
        Assert.DoesNotContain(Cli.Outputs(smoke.Executed(name)), o => Cli.Text(o["data"]?["text/html"]) is var html && (html.Contains("Installed Packages") || html.Contains("Installing Packages")));

    [Theory]
    [MemberData(nameof(All))]
    public void A_notebook_has_no_error_output_and_every_code_cell_ran(string name)
    {
        var path = smoke.Executed(name);
        Assert.True(File.Exists(path), smoke.Output);
        Assert.DoesNotContain(Cli.Outputs(path), o => (string?)o["output_type"] == "error");
        var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().OfType<JsonObject>().Where(c => (string?)c["cell_type"] == "code").ToList();
        Assert.All(cells, c => Assert.NotNull(c["execution_count"]));
        Assert.Contains(cells, c => (string?)c["id"] == "injected-parameters");
    }

    [Theory]
    [InlineData("02-simple-rnn", "6,858")]
    [InlineData("03-lstm", "24,714")]
    [InlineData("04-gru", "18,954")]
    public void A_training_notebook_shows_its_parameter_count_a_chart_and_one_progress_display(string name, string parameters)
    {
        var text = Cli.AllText(smoke.Executed(name));
        Assert.Contains($"Total params</b></td><td style=\"text-align:right\"><b>{parameters}</b>", text);
        Assert.Contains("Plotly chart will be drawn", text);
        Assert.Contains("Test accuracy per class", text);
        var progress = Cli.Outputs(smoke.Executed(name)).Count(o => o["data"]?["text/html"] is { } html && Cli.Text(html).Contains("<progress"));
        Assert.Equal(1, progress);
        Assert.DoesNotContain("Starting", text);
    }

    [Fact]
    public void The_dataset_notebook_counts_from_the_data()
    {
        var text = Cli.AllText(smoke.Executed("01-mnist-dataset"));
        Assert.Contains("2,000 training images and 500 test images", text);
        Assert.Contains("images per class", text);
        Assert.Contains("Plotly chart will be drawn", text);
    }

    [Fact]
    public void The_sensitivity_notebook_shows_the_grid_the_rules_the_chart_and_a_computed_verdict()
    {
        var text = Cli.AllText(smoke.Executed("08-sensitivity"));
        Assert.Contains("The grid:", text);
        Assert.Contains("sign-flip", text);
        Assert.Contains("Plotly chart will be drawn", text);
        Assert.Contains("ranking by median", text);
        Assert.Contains("Paired differences by seed", text);
        Assert.Contains("the article", text);
        Assert.Contains("ranking holds in", text);
        Assert.Contains("Leader by median", text);
        // The smoke profile caps the budget: 1 epoch on 2,000 training and 500 test images.
        Assert.Contains("1 epoch on the first 2,000 training images, evaluated on the first 500 test images", text);
    }

    [Fact]
    public void The_comparison_notebook_shows_the_table_and_the_verdicts()
    {
        var text = Cli.AllText(smoke.Executed("05-comparison"));
        Assert.Contains("Per model, test accuracy with batch normalisation&#39;s moving averages", text);
        Assert.Contains("Per model, test accuracy with batch-normalisation statistics recomputed", text);
        Assert.Contains("prediction interval for one more run", text);
        Assert.Contains("sign-flip", text);
        Assert.Contains("The article&#39;s claims, checked", text);
        Assert.Contains("Plotly chart will be drawn", text);
        Assert.Contains("24,714", text);
        Assert.Contains("runs of this setting", text);
    }

    [Fact]
    public void The_swings_notebook_shows_both_measurements_the_drift_and_a_computed_conclusion()
    {
        var text = Cli.AllText(smoke.Executed("06-why-accuracy-swings"));
        Assert.Contains("measurements, one every", text);
        Assert.Contains("moving averages (the article&#39;s)", text);
        Assert.Contains("log2(moving variance / population variance)", text);
        Assert.Contains("h_T after training", text);
        // The smoke profile trains one epoch, so no stored run of its setting has two epochs to compare.
        Assert.Contains("No stored runs hold both measures yet.", text);
    }

    [Fact]
    public void The_long_sequence_notebook_shows_gradient_flow_accuracy_against_length_and_a_computed_verdict()
    {
        var text = Cli.AllText(smoke.Executed("07-long-sequences"));
        Assert.Contains("Budget:", text);
        Assert.Contains("Gradient reaching the first step, relative to the last", text);
        Assert.Contains("Test accuracy %: median [smallest, largest] over seeds", text);
        Assert.Contains("<b>Rule.</b>", text);
        Assert.Contains("By this rule the simple RNN", text);
        Assert.Contains("LSTM: forget-gate bias 1 against 0", text);
        Assert.Contains("permuted against", text);
        Assert.Equal(3, Cli.Outputs(smoke.Executed("07-long-sequences")).Count(o => Cli.Text(o["data"]?["text/html"]).Contains("Plotly chart will be drawn")));
    }
}

public class RunnerTests
{
    private static string Notebook(TempDir dir, string name, params string[] codeCells)
    {
        var cells = new JsonArray(new JsonObject
        {
            ["cell_type"] = "code", ["id"] = "params", ["execution_count"] = null, ["outputs"] = new JsonArray(),
            ["metadata"] = new JsonObject { ["tags"] = new JsonArray("parameters") },
            ["source"] = "var Epochs = 10; var Seed = 1; int? TrainLimit = null; int? TestLimit = null; var Dataset = \"mnist\"; var ResultsDir = \"r\";",
        });
        int i = 0;
        foreach (var code in codeCells)
            cells.Add(new JsonObject { ["cell_type"] = "code", ["id"] = $"c{i++}", ["execution_count"] = null, ["outputs"] = new JsonArray(), ["metadata"] = new JsonObject(), ["source"] = code });
        var nb = new JsonObject { ["cells"] = cells, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 };
        var path = dir.File(name + ".ipynb");
        File.WriteAllText(path, nb.ToJsonString());
        return path;
    }

    [Fact]
    public void A_failing_cell_gives_a_non_zero_exit_and_names_the_cell()
    {
        using var dir = new TempDir();
        var nb = Notebook(dir, "fails", "Console.WriteLine(\"before\");", "throw new InvalidOperationException(\"boom in cell\");", "Console.WriteLine(\"never\");");
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(3), "run", nb, "--profile", "smoke", "--out", dir.File("out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("cell 4 failed", output); // cells: parameters, injected parameters, then c0 (3), c1 (4)
        Assert.Contains("boom in cell", output);
        Assert.Contains("0 passed, 1 failed", output);
        var executed = dir.File(Path.Combine("out", "fails.ipynb"));
        Assert.Contains(Cli.Outputs(executed), o => (string?)o["output_type"] == "error");
        Assert.DoesNotContain("never", Cli.AllText(executed));
    }

    [Fact]
    public void A_hanging_cell_is_stopped_by_the_timeout()
    {
        using var dir = new TempDir();
        var nb = Notebook(dir, "hangs", "while (true) { System.Threading.Thread.Sleep(100); }");
        var clock = Stopwatch.StartNew();
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(3), "run", nb, "--profile", "smoke", "--out", dir.File("out"), "--cell-timeout", "5");

        Assert.NotEqual(0, exit);
        Assert.Contains("cell 3 failed", output);
        Assert.Contains("did not finish within 5 s", output);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_cell_that_kills_its_kernel_is_that_notebooks_failure()
    {
        using var dir = new TempDir();
        var nb = Notebook(dir, "crashes", "Environment.FailFast(\"deliberate crash\");");
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(3), "run", nb, "--profile", "smoke", "--out", dir.File("out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("FAIL", output);
        Assert.Contains("kernel process ended with exit code", output);
    }
}
