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
/// notebook 08 reads); <c>study long-sequences [--results DIR] [--reduced]</c>: the long-sequence study's grid (notebook 07).
/// Both skip runs already stored and print their tables and verdicts.
/// </summary>
public static class StudyCommand
{
    /// <summary>The <c>study</c> verb.</summary>
    public static Command Create()
    {
        var dataset = SharedOptions.Dataset();
        var results = new Option<string>("--results") { Description = "Results folder the runs are read from and trained into.", DefaultValueFactory = _ => RepoLayout.Results };
        var list = new Option<bool>("--list") { Description = "Only list the planned runs and whether each is stored." };
        var sensitivity = new Command("sensitivity", "Learning rates, optimisers and parameter-matched widths for the three models (notebook 08's grid).") { dataset, results, list };
        sensitivity.SetAction((r, ct) => Task.FromResult(Sensitivity(SensitivityStudy.Standard(r.GetValue(dataset)!), r.GetValue(results)!, r.GetValue(list), ct)));
        return new Command("study", "Train and summarise a study's grid.") { sensitivity, LongSequences() };
    }

    private static Command LongSequences()
    {
        var results = new Option<string>("--results") { Description = "Results folder the runs and gradient-flow records are written to.", DefaultValueFactory = _ => RepoLayout.Results };
        var reduced = new Option<bool>("--reduced") { Description = "The cut-down grid of the notebooks' smoke profile (1 epoch, T 28 and 112, two seeds) instead of the study's." };
        var longSequences = new Command("long-sequences", "Accuracy against sequence length T (28 … 784 steps), the permuted task, the LSTM without its forget-gate bias, and the gradient flow at the longest T.")
        {
            results, reduced,
        };
        longSequences.SetAction((r, ct) =>
        {
            var study = r.GetValue(reduced) ? LongSequenceStudy.Reduced(1, 2000, 500) : LongSequenceStudy.Standard;
            var dir = r.GetValue(results)!;
            Console.WriteLine($"Budget: {study.Budget}; {study.Points().Count()} runs.");
            var clock = Stopwatch.StartNew();
            try
            {
                var runs = study.LoadOrTrain(dir, null, RepoLayout.Data, Console.WriteLine, ct);
                var flows = study.LoadOrMeasureGradientFlow(dir, null, RepoLayout.Data, Console.WriteLine);
                Console.WriteLine($"{runs.Count} runs ({clock.Elapsed.TotalSeconds:F0} s)");
                Console.WriteLine(LongSequenceFindings.AccuracyTable(runs).ToMarkdown());
                var verdict = LongSequenceFindings.Verdict(runs);
                Console.WriteLine(verdict.ToTable().ToMarkdown());
                Console.WriteLine(verdict.Rule);
                Console.WriteLine(verdict.Prose);
                Console.WriteLine();
                Console.WriteLine(LongSequenceFindings.PermutedSummary(runs));
                Console.WriteLine();
                Console.WriteLine(LongSequenceFindings.ForgetBiasTable(runs).ToMarkdown());
                Console.WriteLine(LongSequenceFindings.GradientTable(flows).ToMarkdown());
                Console.WriteLine(LongSequenceFindings.TimingTable(runs).ToMarkdown());
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ResultsFileException or DatasetException or TrainingDivergedException or CheckpointException)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(1);
            }
        });
        return longSequences;
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
