using RnnHelpers.Results;

namespace RnnHelpers.Tests;

/// <summary>Sharded sweeps: the grid's partition, completeness checks and merging stores (hand-made records, no training).</summary>
public class SweepTests
{
    private static readonly string[] Models = ["simple-rnn", "lstm", "gru"];

    private static List<string> Names(int seeds, params string[] datasets) =>
        (from d in datasets.DefaultIfEmpty("mnist") from m in Models from s in Enumerable.Range(1, seeds) select $"{d}-{m}-seed{s}-e10.json").ToList();

    [Fact]
    public void Every_run_falls_in_exactly_one_shard_for_1_to_7_shards()
    {
        foreach (var size in new[] { 0, 1, 2, 5, 6, 7, 30, 61 })
        {
            var names = Names(20, "mnist", "fashion-mnist").Take(size).ToList();
            var grid = new RunGrid(names);
            for (int n = 1; n <= 7; n++)
            {
                var shards = Enumerable.Range(0, n).Select(i => grid.ShardOf(new Shard(i, n))).ToList();
                var all = shards.SelectMany(s => s).ToList();
                Assert.Equal(names.Count, all.Count);
                Assert.Equal(names.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
                Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1, $"{size} runs in {n} shards are unbalanced");
            }
        }
    }

    [Fact]
    public void The_partition_does_not_depend_on_the_order_of_the_grid()
    {
        var names = Names(5, "mnist", "fashion-mnist");
        var reference = new RunGrid(names);
        for (int seed = 0; seed < 10; seed++)
        {
            var shuffled = names.OrderBy(_ => Random.Shared.Next()).ToList();
            shuffled.Add(shuffled[seed]); // a run named twice is still one run
            var grid = new RunGrid(shuffled);
            for (int n = 1; n <= 7; n++)
                for (int i = 0; i < n; i++)
                    Assert.Equal(reference.ShardOf(new Shard(i, n)), grid.ShardOf(new Shard(i, n)));
        }
    }

    [Fact]
    public void A_grid_from_keys_shards_by_file_name()
    {
        var keys = Models.SelectMany(m => new[] { 1, 2 }.Select(s => ResultsTests.Run(m, s, 0.9).Key)).ToList();
        var grid = RunGrid.Of(keys);
        Assert.Equal(6, grid.Count);
        // Sorted: gru 1, gru 2, lstm 1, lstm 2, simple-rnn 1, simple-rnn 2; dealt round-robin.
        Assert.Equal(["mnist-gru-seed1-e1-t2.json", "mnist-simple-rnn-seed1-e1-t2.json"], grid.ShardOf(Shard.Parse("0/4")));
        Assert.Equal(["mnist-lstm-seed2-e1-t2.json"], grid.ShardOf(Shard.Parse("3/4")));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData(" 2 / 7 ", 2, 7)]
    public void A_shard_is_read_as_index_slash_count(string text, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("-1/4")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    [InlineData("")]
    public void A_bad_shard_is_refused_by_value(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Shard.Parse(text));
        Assert.Contains("shard", e.Message);
    }

    [Fact]
    public void A_grid_file_lists_run_names_and_a_bad_line_is_named()
    {
        using var dir = new TempDir();
        var path = dir.File("grid.txt");
        File.WriteAllLines(path, ["# three runs", "mnist-gru-seed1-e1-t2.json", "", "mnist-lstm-seed1-e1-t2.json", "mnist-gru-seed1-e1-t2.json"]);
        Assert.Equal(["mnist-gru-seed1-e1-t2.json", "mnist-lstm-seed1-e1-t2.json"], RunGrid.ReadFile(path).Runs);

        File.WriteAllLines(path, ["mnist-gru-seed1-e1-t2.json", "results/mnist-lstm-seed1-e1-t2.json"]);
        var e = Assert.Throws<ResultsFileException>(() => RunGrid.ReadFile(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("line 2", e.Message);
        Assert.Throws<ResultsFileException>(() => RunGrid.ReadFile(dir.File("absent.txt")));
    }

    [Fact]
    public void Check_reports_missing_runs_and_runs_outside_the_grid()
    {
        using var dir = new TempDir();
        var store = new ResultsStore(dir.Path);
        store.Save(ResultsTests.Run("lstm", 1, 0.9));
        store.Save(ResultsTests.Run("gru", 2, 0.9));
        store.Save(ResultsTests.Run("gru", 9, 0.9));
        var grid = RunGrid.Of(Models.SelectMany(m => new[] { 1, 2 }.Select(s => ResultsTests.Run(m, s, 0.9).Key)));

        var check = grid.Check(dir.Path);
        Assert.False(check.Complete);
        Assert.Equal(["mnist-gru-seed2-e1-t2.json", "mnist-lstm-seed1-e1-t2.json"], check.Present);
        Assert.Equal(["mnist-gru-seed1-e1-t2.json", "mnist-lstm-seed2-e1-t2.json", "mnist-simple-rnn-seed1-e1-t2.json", "mnist-simple-rnn-seed2-e1-t2.json"], check.Missing);
        Assert.Equal(["mnist-gru-seed9-e1-t2.json"], check.Extra);
        Assert.Equal(6, grid.Check(dir.File("absent")).Missing.Count);

        File.WriteAllText(dir.File("mnist-lstm-seed1-e1-t2.json"), "{ broken");
        var e = Assert.Throws<ResultsFileException>(() => grid.Check(dir.Path));
        Assert.Equal(dir.File("mnist-lstm-seed1-e1-t2.json"), e.FilePath);
    }

    [Fact]
    public void Records_that_differ_only_in_timing_memory_or_provenance_are_the_same_run()
    {
        var run = ResultsTests.Run("lstm", 1, 0.9, 0.95);
        var rerun = run with
        {
            History = run.History.Select(e => e with { Seconds = 9, SamplesPerSecond = 1, EvalSeconds = 2, RssMegabytes = 4000 }).ToList(),
            Summary = run.Summary with { MeanEpochSeconds = 9 },
            Provenance = run.Provenance with { Cpu = "other", Threads = 64, GitCommit = "abc", StartedAt = DateTimeOffset.Now, WallSeconds = 1 },
        };
        Assert.Null(StoreMerge.FirstDifference(run, rerun));

        var other = run with { History = [run.History[0], run.History[1] with { TestAccuracy = 0.9501 }] };
        Assert.Equal("history[1].testAccuracy: 0.95 vs 0.9501", StoreMerge.FirstDifference(run, other));
        Assert.Equal("parameters: 24714 vs 1", StoreMerge.FirstDifference(run, run with { Parameters = 1 }));
    }

    [Fact]
    public void Merge_copies_new_runs_and_skips_identical_ones()
    {
        using var dir = new TempDir();
        var (a, b, into) = (new ResultsStore(dir.File("shard-0")), new ResultsStore(dir.File("shard-1")), dir.File("merged"));
        a.Save(ResultsTests.Run("lstm", 1, 0.9));
        a.Save(ResultsTests.Run("gru", 1, 0.8));
        var rerun = ResultsTests.Run("gru", 1, 0.8);
        b.Save(rerun with { Provenance = rerun.Provenance with { WallSeconds = 99 } });
        b.Save(ResultsTests.Run("simple-rnn", 1, 0.7));

        var report = StoreMerge.Merge([a.Directory, b.Directory], into);
        Assert.Equal(["mnist-gru-seed1-e1-t2.json", "mnist-lstm-seed1-e1-t2.json", "mnist-simple-rnn-seed1-e1-t2.json"], report.Copied);
        Assert.Equal(["mnist-gru-seed1-e1-t2.json"], report.Identical);
        Assert.Equal(report.Copied, Directory.GetFiles(into).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllText(a.PathOf(rerun.Key)), File.ReadAllText(Path.Combine(into, rerun.Key.FileName))); // copied as is, first source wins

        var again = StoreMerge.Merge([a.Directory, b.Directory], into);
        Assert.Empty(again.Copied);
        Assert.DoesNotContain(StoreMerge.Compare(a.Directory, into), d => !d.Problem.StartsWith("only in"));
    }

    [Fact]
    public void Merge_refuses_two_different_records_with_one_key_and_copies_nothing()
    {
        using var dir = new TempDir();
        var (a, b, into) = (new ResultsStore(dir.File("shard-0")), new ResultsStore(dir.File("shard-1")), dir.File("merged"));
        a.Save(ResultsTests.Run("lstm", 1, 0.9, 0.95));
        b.Save(ResultsTests.Run("gru", 1, 0.8));
        b.Save(ResultsTests.Run("lstm", 1, 0.9, 0.96));

        var e = Assert.Throws<StoreConflictException>(() => StoreMerge.Merge([a.Directory, b.Directory], into));
        Assert.Equal("mnist-lstm-seed1-e2-t2.json", e.FileName);
        Assert.Equal(b.PathOf(ResultsTests.Run("lstm", 1, 0.9, 0.96).Key), e.IncomingPath);
        Assert.StartsWith("history[1].trainAccuracy: ", e.Difference); // the first differing field of epoch 2
        Assert.Contains("mnist-lstm-seed1-e2-t2.json", e.Message);
        Assert.False(Directory.Exists(into) && Directory.EnumerateFileSystemEntries(into).Any());

        // A conflict with what the target already holds is refused too.
        StoreMerge.Merge([a.Directory], into);
        Assert.Throws<StoreConflictException>(() => StoreMerge.Merge([b.Directory], into));
        Assert.Equal(["mnist-lstm-seed1-e2-t2.json"], Directory.GetFiles(into).Select(Path.GetFileName));
        Assert.Throws<ArgumentException>(() => StoreMerge.Merge([into], into));
        Assert.Throws<ResultsFileException>(() => StoreMerge.Merge([dir.File("absent")], into));
    }

    [Fact]
    public void Compare_names_runs_held_by_one_side_and_the_first_differing_field()
    {
        using var dir = new TempDir();
        var (a, b) = (new ResultsStore(dir.File("a")), new ResultsStore(dir.File("b")));
        a.Save(ResultsTests.Run("lstm", 1, 0.9));
        b.Save(ResultsTests.Run("lstm", 1, 0.9));
        a.Save(ResultsTests.Run("gru", 1, 0.8));
        b.Save(ResultsTests.Run("gru", 1, 0.81));
        b.Save(ResultsTests.Run("simple-rnn", 1, 0.7));

        var differences = StoreMerge.Compare(a.Directory, b.Directory);
        Assert.Equal(2, differences.Count);
        Assert.Equal("mnist-gru-seed1-e1-t2.json", differences[0].FileName);
        Assert.StartsWith("history[0].trainAccuracy: ", differences[0].Problem);
        Assert.Equal("mnist-simple-rnn-seed1-e1-t2.json", differences[1].FileName);
        Assert.StartsWith("only in", differences[1].Problem);
    }
}
