using System.Text.Json.Nodes;

namespace RnnHelpers.Tests;

/// <summary>Values the runner writes into a notebook's code: every character escaped, and checked after writing.</summary>
public class PreparedNotebookTests
{
    [Fact]
    public void An_output_path_with_quotes_backslashes_and_any_character_is_injected_as_a_valid_literal()
    {
        using var dir = new TempDir();
        var outDir = Path.Combine(dir.Path, "out \"quoted\" back\\slash {braces} ü\ttab");
        var (exit, output) = Cli.Run(TimeSpan.FromMinutes(2), "run", "--prepare-only", "--profile", "smoke", "--out", outDir,
            Path.Combine(Repo.Root, "notebooks", "01-mnist-dataset.ipynb"));
        Assert.True(exit == 0, output);
        Assert.Contains("PASS", output);

        var cell = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "01-mnist-dataset.ipynb")))!["cells"]!.AsArray()
            .Single(c => (string?)c!["id"] == "injected-parameters")!;
        var source = Cli.Text(cell["source"]);
        var results = Path.Combine(outDir, "results");
        var expected = "\"" + results.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("ü", "\\u00fc").Replace("\t", "\\u0009") + "\"";
        Assert.Equal($"Epochs = 1; TrainLimit = 2000; TestLimit = 500; ResultsDir = {expected};", source);
    }
}
