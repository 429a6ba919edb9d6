using RnnHelpers.Results;
using RnnHelpers.Training;

namespace RnnHelpers.Tests;

public class ResultsTests
{
    internal static RunRecord Run(string model, int seed, params double[] testAccuracy)
    {
        var history = testAccuracy.Select((a, i) => new EpochRecord(i + 1, 1.0 / (i + 1), a - 0.01, 0.5, a, 0.45, Math.Min(1, a + 0.01), a, a + 0.01, 3.0, 20_000, 0.2, 600)).ToList();
        long parameters = model switch { "simple-rnn" => 6858, "lstm" => 24714, _ => 18954 };
        return new RunRecord(RunRecord.CurrentSchema, "mnist", model, seed, history.Count, 64, 0.01, 64, "sgd", true, 28, false, null, null, null, 2,
            60_000, 10_000, parameters, 10_000, history, RunRecord.Summarise(history),
            new RunProvenance("0.1.0", "0.107.0", "Linux", "cpu", 2, null, DateTimeOffset.UnixEpoch, 30));
    }

    [Fact]
    public void A_run_round_trips_through_its_file()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        var run = Run("lstm", 3, 0.9, 0.95, 0.94);
        var path = store.Save(run);

        Assert.Equal("mnist-lstm-seed3-e3-t2.json", Path.GetFileName(path));
        var back = store.TryLoad(run.Key)!;
        Assert.Equal(run.History, back.History);
        Assert.Equal(run.Summary, back.Summary);
        Assert.Equal(2, back.Summary.BestEpoch);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left
    }

    [Fact]
    public void Subsets_and_options_are_part_of_the_key()
    {
        var full = Run("gru", 1, 0.9).Key;
        Assert.Equal("mnist-gru-seed1-e1.json", full.FileName);
        Assert.Equal("mnist-gru-seed1-e1-lr0.05-train2000-test500.json", (full with { LearningRate = 0.05, TrainLimit = 2000, TestLimit = 500 }).FileName);
    }

    [Fact]
    public void A_corrupt_result_file_is_reported_by_name_and_never_used()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        store.Save(Run("lstm", 1, 0.9));
        var corrupt = dir.File("mnist-gru-seed1-e1.json");
        File.WriteAllText(corrupt, "{ \"schemaVersion\": 1, \"dataset\": ");

        var e = Assert.Throws<ResultsFileException>(() => store.LoadAll());
        Assert.Equal(corrupt, e.FilePath);
        Assert.Contains("mnist-gru-seed1-e1.json", e.Message);
        Assert.Throws<ResultsFileException>(() => store.TryLoad(Run("gru", 1, 0.9).Key));
    }

    [Fact]
    public void A_file_whose_content_does_not_match_its_name_is_refused()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        var path = store.Save(Run("lstm", 1, 0.9));
        File.Move(path, dir.File("mnist-lstm-seed2-e1.json"));
        var e = Assert.Throws<ResultsFileException>(() => store.LoadAll());
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public void Concurrent_writers_never_leave_a_corrupt_file()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        Parallel.For(0, 40, i => store.Save(Run("lstm", 1, 0.5 + i / 100.0)));
        var back = store.LoadAll();
        Assert.Single(back);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Statistics_match_hand_computed_values()
    {
        // final accuracies 0.90, 0.92, 0.94: mean 0.92, sd 0.02, t(0.975, 2) = 4.302653
        var stats = RunStatistics.Compute([Run("lstm", 1, 0.95, 0.90), Run("lstm", 2, 0.91, 0.92), Run("lstm", 3, 0.93, 0.94),
                                           Run("gru", 1, 0.90, 0.89), Run("gru", 2, 0.90, 0.90), Run("gru", 3, 0.90, 0.94)]);
        var lstm = stats.Models.Single(m => m.Model == "lstm");
        Assert.Equal(0.92, lstm.FinalAccuracy.Mean, 12);
        Assert.Equal(0.02, lstm.FinalAccuracy.StandardDeviation, 12);
        Assert.Equal(0.92 - 4.302653 * 0.02 / Math.Sqrt(3), lstm.FinalAccuracy.Low, 5);
        Assert.Equal(1, lstm.RunsPeakingBeforeLastEpoch);

        var diff = stats.Differences.Single(d => d.ModelA == "lstm" && d.ModelB == "gru");
        Assert.Equal([1, 2, 3], diff.Seeds);
        Assert.Equal((0.01 + 0.02 + 0.00) / 3, diff.Difference.Mean, 12);
    }

    [Fact]
    public void Mixed_protocols_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RunStatistics.Compute([Run("lstm", 1, 0.9), Run("lstm", 2, 0.9, 0.91)]));
    }

    [Theory]
    [InlineData("mnist")]
    [InlineData("fashion-mnist")]
    public void Readme_results_match_the_committed_runs(string dataset)
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var runs = new ResultsStore(Path.Combine(Repo.Root, "results")).LoadAll(r => ResultsMarkdown.IsArticleProtocol(r, dataset));
        Assert.Equal(ResultsMarkdown.Build(runs).Trim(), ResultsMarkdown.Extract(readme, dataset));
    }
}
