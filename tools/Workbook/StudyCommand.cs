using System.CommandLine;
using System.Diagnostics;
using RnnHelpers.Data;
using RnnHelpers.Results;
using RnnHelpers.Studies;
using RnnHelpers.Training;

namespace Workbook;

/// <summary><c>study long-sequences</c>: trains the long-sequence study's grid (the runs notebook 07 reads), skipping stored runs.</summary>
public static class StudyCommand
{
    public static Command Create()
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
        return new Command("study", "Train a study's grid into the results store.") { longSequences };
    }
}
