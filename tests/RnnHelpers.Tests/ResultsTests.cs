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
        Assert.Equal("mnist-gru-seed1-e1-t2.json", full.FileName);
        Assert.Equal("mnist-gru-seed1-e1-lr0.05-train2000-test500-t2.json", (full with { LearningRate = 0.05, TrainLimit = 2000, TestLimit = 500 }).FileName);
        Assert.Equal("mnist-gru-seed1-e1-h32-adam-nofb-steps784-perm-t1.json",
            (full with { HiddenUnits = 32, Optimizer = "adam", UnitForgetBias = false, TimeSteps = 784, Permuted = true, Threads = 1 }).FileName);
        Assert.NotEqual(full, full with { Threads = 1 });
        Assert.Equal(full.Setting, (full with { Threads = 1, Seed = 9 }).Setting);
    }

    [Fact]
    public void A_corrupt_result_file_is_reported_by_name_and_never_used()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        store.Save(Run("lstm", 1, 0.9));
        var corrupt = dir.File("mnist-gru-seed1-e1-t2.json");
        File.WriteAllText(corrupt, "{ \"schemaVersion\": 1, \"dataset\": ");

        var e = Assert.Throws<ResultsFileException>(() => store.LoadAll());
        Assert.Equal(corrupt, e.FilePath);
        Assert.Contains("mnist-gru-seed1-e1-t2.json", e.Message);
        Assert.Throws<ResultsFileException>(() => store.TryLoad(Run("gru", 1, 0.9).Key));
    }

    [Fact]
    public void A_file_whose_content_does_not_match_its_name_is_refused()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        var path = store.Save(Run("lstm", 1, 0.9));
        File.Move(path, dir.File("mnist-lstm-seed2-e1-t2.json"));
        var e = Assert.Throws<ResultsFileException>(() => store.LoadAll());
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public void Concurrent_writers_never_leave_a_corrupt_file()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        Parallel.For(0, 40, i => store.Save(Run("lstm", 1, 0.5 + i / 100.0), replace: true));
        var back = store.LoadAll();
        Assert.Single(back);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_stored_run_is_never_overwritten_unless_asked()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        var path = store.Save(Run("lstm", 1, 0.9));
        var before = File.ReadAllText(path);
        var e = Assert.Throws<ResultsFileException>(() => store.Save(Run("lstm", 1, 0.8)));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("never overwritten", e.Message);
        Assert.Equal(before, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_schema_1_file_still_loads_with_the_defaults_it_was_trained_with()
    {
        using var dir = new TempDir();
        var json = """
        { "schemaVersion": 1, "dataset": "mnist", "model": "gru", "seed": 4, "epochs": 1, "batchSize": 64, "learningRate": 0.01, "hiddenUnits": 64,
          "trainLimit": null, "testLimit": null, "perClass": null, "trainCount": 60000, "testCount": 10000, "parameters": 18954,
          "history": [ { "epoch": 1, "trainLoss": 0.5, "trainAccuracy": 0.8, "testLoss": 0.4, "testAccuracy": 0.9, "seconds": 3, "samplesPerSecond": 20000, "evalSeconds": 0.2, "rssMegabytes": 600 } ],
          "summary": { "finalTestAccuracy": 0.9, "bestTestAccuracy": 0.9, "bestEpoch": 1, "finalTestLoss": 0.4, "meanEpochSeconds": 3 },
          "provenance": { "libraryVersion": "0.1.0", "torchSharpVersion": "0.107.0", "operatingSystem": "Linux", "cpu": "cpu", "threads": 2, "gitCommit": null, "startedAt": "2026-01-01T00:00:00+00:00", "wallSeconds": 30 } }
        """;
        File.WriteAllText(dir.File("mnist-gru-seed4-e1.json"), json);
        var run = Assert.Single(new ResultsStore(dir.Path).LoadAll());
        Assert.Equal("mnist-gru-seed4-e1-t2.json", run.Key.FileName);
        Assert.Equal(28, run.Key.TimeSteps);
        Assert.Equal("sgd", run.Key.Optimizer);
        Assert.False(run.HasRecomputedBn);
        Assert.Null(RunMeasures.Of(run, AccuracyMeasure.RecomputedBn));
        Assert.Equal(0.9, RunMeasures.Of(run, AccuracyMeasure.MovingAverages)!.Final);
    }

    [Fact]
    public void Mixed_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RunStatistics.Compute([Run("lstm", 1, 0.9), Run("lstm", 2, 0.9, 0.91)]));
    }

    [Theory]
    [InlineData("mnist")]
    [InlineData("fashion-mnist")]
    public void Readme_results_match_the_committed_runs(string dataset)
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var runs = new ResultsStore(Path.Combine(Repo.Root, "results")).LoadAll(r => ResultsMarkdown.IsArticleSetting(r, dataset));
        Assert.Equal(ResultsMarkdown.Build(runs).Trim(), ResultsMarkdown.Extract(readme, dataset));
    }

    [Fact]
    public void A_generated_block_is_replaced_whole_and_the_text_around_it_is_kept()
    {
        var block = new GeneratedBlock("<!-- x:start -->", "<!-- x:end -->", "test page");
        const string page = "# Title\n\n<!-- x:start -->\nold\n<!-- x:end -->\n\nafter\n";
        Assert.True(block.IsIn(page));
        Assert.Equal("# Title\n\n<!-- x:start -->\nnew\n<!-- x:end -->\n\nafter\n", block.Replace(page, "new\n\n"));
        Assert.Equal("old", block.Extract(page));
        Assert.Equal("<!-- x:start -->\nnew\n<!-- x:end -->\n", block.Wrap("new\n"));
        Assert.False(block.IsIn("<!-- x:end --> <!-- x:start -->"));
        var error = Assert.Throws<InvalidDataException>(() => block.Replace("no markers", "new"));
        Assert.Contains("test page", error.Message);
        Assert.Contains("<!-- x:start -->", error.Message);
    }

    [Fact]
    public void The_repository_root_is_found_from_the_test_binary_and_from_any_folder_inside()
    {
        Assert.True(File.Exists(Path.Combine(Repo.Root, "global.json")));
        Assert.Equal(Repo.Root, RepositoryRoot.Find(Path.Combine(Repo.Root, "lib", "RnnHelpers")));
        Assert.Null(RepositoryRoot.TryFind(Path.GetTempPath()));
        Assert.Throws<InvalidOperationException>(() => RepositoryRoot.Find(Path.GetTempPath()));
    }
}
