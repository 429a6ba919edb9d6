using System.CommandLine;
using System.Diagnostics;
using RnnHelpers;
using RnnHelpers.Data;
using RnnHelpers.Models;
using RnnHelpers.Results;
using RnnHelpers.Studies;
using RnnHelpers.Training;

namespace Workbook;

/// <summary>
/// <c>study sensitivity [--results DIR] [--list]</c>: trains the grid of <see cref="SensitivityStudy.Standard"/> (the one
/// notebook 08 reads) into the results store, skipping runs already stored, and prints its tables and verdicts.
/// </summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var dataset = SharedOptions.Dataset();
        var results = new Option<string>("--results") { Description = "Results folder the runs are read from and trained into.", DefaultValueFactory = _ => RepoLayout.Results };
        var list = new Option<bool>("--list") { Description = "Only list the planned runs and whether each is stored." };
        var sensitivity = new Command("sensitivity", "Learning rates, optimisers and parameter-matched widths for the three models (notebook 08's grid).") { dataset, results, list };
        sensitivity.SetAction((r, ct) => Task.FromResult(Sensitivity(SensitivityStudy.Standard(r.GetValue(dataset)!), r.GetValue(results)!, r.GetValue(list), ct)));
        return new Command("study", "Train and summarise a study's grid.") { sensitivity };
    }

    private static int Sensitivity(SensitivityStudy study, string resultsDir, bool listOnly, CancellationToken ct)
    {
        Console.WriteLine(study.Describe().ToMarkdown());
        if (listOnly)
        {
            var store = new ResultsStore(resultsDir);
            var folder = DatasetCatalog.Get(DatasetCatalog.Parse(study.Dataset)).FolderName;
            foreach (var key in study.Runs.Select(run => Experiment.KeyOf(run.Kind, folder, study.DataOptions, run.Options)).Distinct())
                Console.WriteLine($"{(store.Contains(key) ? "stored " : "missing")}  {key.FileName}");
            return 0;
        }
        var clock = Stopwatch.StartNew();
        int trained = 0;
        IReadOnlyList<StudyOutcome> outcomes;
        using (var data = study.LoadData(RepoLayout.Data))
        {
            try
            {
                outcomes = study.LoadOrTrain(data, resultsDir, null,
                    run => new SyncProgress<TrainingProgress>(p =>
                    {
                        if (p.Completed is { } e)
                            Console.WriteLine($"    epoch {e.Epoch}/{p.Epochs}: test accuracy {100 * e.TestAccuracy:F2}% (recomputed BN {100 * e.TestAccuracyRecomputedBn:F2}%), {e.Seconds:F1} s");
                    }),
                    (outcome, now) =>
                    {
                        if (now) trained++;
                        var run = outcome.Run;
                        string what = outcome.Record is { } rec
                            ? $"{(now ? "trained" : "found  ")}  {rec.Key.FileName}  final {Tables.Percent(rec.Summary.FinalTestAccuracy)}%"
                            : $"diverged {run.Kind.Id()} seed {run.Seed} {run.Setting.Id}: {outcome.Failure}";
                        Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {what}");
                    }, ct);
            }
            catch (Exception e) when (e is ResultsFileException or CheckpointException or DatasetException)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        }
        var analysis = SensitivityAnalysis.Of(study, outcomes);
        Console.WriteLine();
        Console.WriteLine(analysis.Provenance(trained) + $" {clock.Elapsed.TotalSeconds:F0} s.");
        foreach (var measure in SensitivityAnalysis.Measures)
        {
            Console.WriteLine();
            Console.WriteLine(analysis.Table(measure).ToMarkdown());
            Console.WriteLine(analysis.Verdict(measure));
        }
        return 0;
    }
}
