using RnnHelpers.Statistics;
using System.Globalization;
using RnnHelpers.Models;
using RnnHelpers.Results;

namespace RnnHelpers.Studies;

/// <summary>
/// The sensitivity study's outcomes, analysed setting by setting. The rules, stated before they are applied:
/// <list type="number">
/// <item>Measure: final-epoch test accuracy, read both with batch normalisation's moving averages (the article's) and
/// with recomputed population statistics; each measure is analysed on its own.</item>
/// <item>Per setting, the models are ranked by their median over seeds; the spread shown is the seeds' whole range.</item>
/// <item>A difference between two models counts only when the paired-by-seed differences all have the same sign. The
/// exact two-sided sign-flip p-value is given beside it: with 3 seeds its smallest value is 0.25, so no single setting
/// can show a difference at the 5% level; "same sign in every seed" is what 3 seeds can show, and it happens by chance
/// with probability 0.25 when the models are in fact equal.</item>
/// <item>The article's ranking ("all similar, GRU slightly lower") holds in a setting when the GRU has the lowest median
/// and the three medians lie within <see cref="ArticleClaims.RoughlyPoints"/> points; it survives the study when it holds
/// in every setting.</item>
/// </list>
/// </summary>
public sealed record SensitivityAnalysis(SensitivityStudy Study, IReadOnlyList<StudyOutcome> Outcomes, IReadOnlyList<SettingResult> Settings)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The measures the study reports, the article's first (<see cref="AccuracyMeasures.All"/>).</summary>
    public static IReadOnlyList<AccuracyMeasure> Measures => AccuracyMeasures.All;

    /// <summary>
    /// Analyses <paramref name="outcomes"/> (from <see cref="SensitivityStudy.LoadOrTrain"/>). Every setting must have
    /// outcomes for every model; <see cref="ArgumentException"/> names the first that has none.
    /// </summary>
    public static SensitivityAnalysis Of(SensitivityStudy study, IReadOnlyList<StudyOutcome> outcomes)
    {
        var settings = new List<SettingResult>();
        foreach (var setting in study.Settings)
        {
            var cells = new List<ModelCell>();
            foreach (var kind in RecurrentKinds.All)
            {
                var mine = outcomes.Where(o => o.Run.Setting == setting && o.Run.Kind == kind).ToList();
                if (mine.Count == 0)
                    throw new ArgumentException($"No outcome of {kind.Id()} in setting {setting.Id}.", nameof(outcomes));
                int width = setting.HiddenUnits[kind];
                cells.Add(new ModelCell(kind, width, ParameterArithmetic.Total(kind, 784 / RunKey.DefaultTimeSteps, width),
                    Spread(mine, AccuracyMeasure.MovingAverages), Spread(mine, AccuracyMeasure.RecomputedBn)));
            }
            var comparisons = new List<PairedSeedComparison>();
            foreach (var measure in Measures)
                foreach (var (a, b) in SettingResult.Pairs)
                {
                    var ofA = cells.Single(c => c.Kind == a).Accuracy(measure).BySeed;
                    var ofB = cells.Single(c => c.Kind == b).Accuracy(measure).BySeed;
                    var differences = ofA.Where(kv => ofB.ContainsKey(kv.Key)).OrderBy(kv => kv.Key)
                        .ToDictionary(kv => kv.Key, kv => kv.Value - ofB[kv.Key]);
                    comparisons.Add(new PairedSeedComparison(a, b, measure, differences));
                }
            settings.Add(new SettingResult(setting, cells, comparisons));
        }
        return new SensitivityAnalysis(study, outcomes, settings);
    }

    /// <summary>Final test accuracy of a finished run by a measure (fraction); <see cref="InvalidOperationException"/> for a run stored without the recomputed measure.</summary>
    public static double FinalAccuracy(RunRecord run, AccuracyMeasure measure) => measure == AccuracyMeasure.MovingAverages
        ? run.History[^1].TestAccuracy
        : run.History[^1].TestAccuracyRecomputedBn ?? throw new InvalidOperationException($"{run.Key.FileName} has no recomputed-statistics accuracy (stored before schema 2).");

    /// <summary>The measure's name in this study's captions.</summary>
    public static string MeasureName(AccuracyMeasure measure) => measure == AccuracyMeasure.MovingAverages
        ? "moving-average batch norm (the article's measure)"
        : "recomputed batch-norm statistics";

    /// <summary>Runs (setting, model, seed) whose training diverged.</summary>
    public int DivergedRuns => Outcomes.Where(o => o.Diverged).Select(o => (o.Run.Setting.Id, o.Run.Kind, o.Run.Seed)).Distinct().Count();

    /// <summary>Settings by setting and model: median [min–max] over seeds (percent), the ranking, and the rule's verdicts.</summary>
    public TextTable Table(AccuracyMeasure measure)
    {
        var headers = new List<string> { "setting" };
        headers.AddRange(RecurrentKinds.All.Select(k => $"{k.DisplayName()} median [min–max] %"));
        headers.AddRange(["ranking by median", "same sign in every seed", "article's ranking"]);
        var rows = Settings.Select(s => (IReadOnlyList<string>)new List<string> { s.Setting.Label }
            .Concat(RecurrentKinds.All.Select(k => Cell(s.Cell(k).Accuracy(measure))))
            .Concat([Ranking(s, measure), ConsistentPairs(s, measure), s.ArticleRankingHolds(measure) ? "holds" : "does not hold"])
            .ToList()).ToList();
        return new TextTable($"Final test accuracy, {MeasureName(measure)}: {Study.Seeds.Count} seeds per cell, {Study.Budget}", headers, rows);
    }

    /// <summary>Every paired comparison of one measure: the difference in each seed (points), the median, the sign rule and the exact p.</summary>
    public TextTable ComparisonTable(AccuracyMeasure measure)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var s in Settings)
            foreach (var (a, b) in SettingResult.Pairs)
            {
                var c = s.Comparison(a, b, measure);
                rows.Add([s.Setting.Label, $"{a.DisplayName()} − {b.DisplayName()}",
                    string.Join(", ", c.Differences.Select(kv => $"{kv.Key}: {Points(kv.Value)}")),
                    Points(c.MedianDifference), c.Consistent ? "yes" : "no", c.P.ToString("0.00", Inv)]);
            }
        return new TextTable($"Paired differences by seed, {MeasureName(measure)} (percentage points)",
            ["setting", "difference", "by seed", "median", "same sign in every seed", "exact two-sided p"], rows);
    }

    /// <summary>The rules of <see cref="SensitivityAnalysis"/> in words, with the figures they depend on computed for <paramref name="study"/>.</summary>
    public static string Rules(SensitivityStudy study)
    {
        int n = study.Seeds.Count;
        return $"(1) Each run is scored by its final-epoch test accuracy, read two ways, each analysed on its own: with batch normalisation's moving averages (the article's measure) and with population statistics recomputed over the first {Training.Trainer.PopulationStatisticsImages.ToString("N0", Inv)} training images. " +
               $"(2) In each setting the models are ranked by their median over the {n} seeds; the spread shown is the seeds' whole range (min–max), not an interval. " +
               $"(3) A difference between two models counts only if the {n} paired-by-seed differences all have the same sign. The exact two-sided sign-flip p-value is shown beside it; with {n} pairs its smallest possible value is {SignFlipTest.SmallestPValue(n).ToString("0.###", Inv)}, so no single setting can show a difference at the 5% level, and a difference of the same sign in every seed arises by chance with probability {SignFlipTest.SmallestPValue(n).ToString("0.###", Inv)} when two models are equal. What {n} seeds can show is a consistent direction, and, across settings, a pattern that repeats. " +
               $"(4) The article's ranking (all similar, the GRU slightly lower) holds in a setting if the GRU has the lowest median and the three medians lie within {ArticleClaims.RoughlyPoints.ToString("0.0", Inv)} percentage points (the workbook's reading of \"roughly\"); it survives if it holds in every setting.";
    }

    /// <summary>The answer to "does the article's ranking survive?" under both measures.</summary>
    public string Conclusion() => string.Join(" ", Measures.Select(Verdict));

    /// <summary>The rule, then its outcome for one measure, every number computed.</summary>
    public string Verdict(AccuracyMeasure measure)
    {
        int n = Settings.Count;
        var holds = Settings.Where(s => s.ArticleRankingHolds(measure)).ToList();
        var gruLast = Settings.Where(s => s.Ranking(measure)[^1] == RecurrentKind.Gru).ToList();
        var gruBelowEverySeed = Settings.Where(s => s.GruBelowBothEverySeed(measure)).ToList();
        string survives = holds.Count == n ? "survives" : holds.Count == 0 ? "does not survive" : $"survives only in part";
        return $"With {MeasureName(measure)}: the article's ranking holds in {holds.Count} of {n} settings{List(holds)}, so it {survives}. " +
               $"The GRU has the lowest median in {gruLast.Count} of {n} settings{List(gruLast)}, and is below both other models in every seed in {gruBelowEverySeed.Count}{List(gruBelowEverySeed)}. " +
               $"The gap between the best and the worst median is {Gap(Settings.Min(s => s.SpreadOfMedians(measure)))} to {Gap(Settings.Max(s => s.SpreadOfMedians(measure)))} points, depending on the setting. " +
               Leaders(measure);
    }

    /// <summary>Which model leads each setting by median, and whether it led in every seed.</summary>
    public string Leaders(AccuracyMeasure measure)
    {
        var parts = RecurrentKinds.All.Select(k =>
        {
            var led = Settings.Where(s => s.Ranking(measure)[0] == k).ToList();
            int everySeed = led.Count(s => s.LeaderAboveBothEverySeed(measure));
            return $"{k.DisplayName()} leads {led.Count}{List(led)}" + (led.Count > 0 ? $", above both others in every seed in {everySeed} of them" : "");
        });
        return "By median: " + string.Join("; ", parts) + ".";
    }

    /// <summary>
    /// "Which architecture, when", computed: for each group of settings (learning rate, optimiser, parameter budget), the
    /// model with the best median in each setting under <paramref name="measure"/>, its margin over the runner-up (points)
    /// and whether it was above both others in every seed.
    /// </summary>
    public string WhichArchitecture(AccuracyMeasure measure = AccuracyMeasure.MovingAverages)
    {
        var groups = Settings.GroupBy(s => s.Setting.Group).Select(g =>
        {
            string name = g.Key switch
            {
                SettingGroup.LearningRate => "Plain SGD by learning rate",
                SettingGroup.Optimizer => "Other optimisers at their usual rates",
                _ => "Equal parameter budgets",
            };
            var parts = g.Select(s =>
            {
                var ranking = s.Ranking(measure);
                double margin = s.Cell(ranking[0]).Accuracy(measure).Median - s.Cell(ranking[1]).Accuracy(measure).Median;
                return $"{s.Setting.Short.TrimEnd('*')}: {ranking[0].DisplayName()} by {Gap(margin)} points over {ranking[1].DisplayName()}" +
                       (s.LeaderAboveBothEverySeed(measure) ? " (above both in every seed)" : " (not in every seed)");
            });
            return $"{name}: {string.Join("; ", parts)}.";
        });
        return $"Leader by median, {MeasureName(measure)}. " + string.Join(" ", groups);
    }

    /// <summary>How many runs were found in the stores and how many trained now, and any that diverged.</summary>
    public string Provenance(int trainedNow) =>
        $"{Outcomes.Select(o => o.Run).Count()} planned runs ({Study.DistinctRuns} distinct keys); {trainedNow} trained now, the rest read from the stores; " +
        $"{DivergedRuns} diverged.";

    private static string List(IReadOnlyList<SettingResult> settings) =>
        settings.Count == 0 ? "" : " (" + string.Join("; ", settings.Select(s => s.Setting.Label)) + ")";

    private static string Ranking(SettingResult s, AccuracyMeasure measure) =>
        string.Join(" > ", s.Ranking(measure).Select(k => k.DisplayName()));

    private static string ConsistentPairs(SettingResult s, AccuracyMeasure measure)
    {
        var consistent = SettingResult.Pairs.Select(p => s.Comparison(p.A, p.B, measure)).Where(c => c.Consistent)
            .Select(c => c.ConsistentSign > 0 ? $"{c.A.DisplayName()} > {c.B.DisplayName()}" : $"{c.B.DisplayName()} > {c.A.DisplayName()}").ToList();
        return consistent.Count == 0 ? "none" : string.Join(", ", consistent);
    }

    private static string Cell(SeedSpread s)
    {
        string text = s.Count == 0 ? "–" : $"{Tables.Percent(s.Median)} [{Tables.Percent(s.Min)}–{Tables.Percent(s.Max)}]";
        return s.Diverged > 0 ? $"{text} ({s.Diverged} diverged)" : text;
    }

    private static string Gap(double fraction) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("0.00", Inv);

    private static string Points(double fraction) => double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("+0.00;-0.00;0.00", Inv);

    private static SeedSpread Spread(IReadOnlyList<StudyOutcome> outcomes, AccuracyMeasure measure) => new(
        outcomes.Where(o => o.Record is not null).GroupBy(o => o.Run.Seed).ToDictionary(g => g.Key, g => FinalAccuracy(g.First().Record!, measure)),
        outcomes.Where(o => o.Diverged).Select(o => o.Run.Seed).Distinct().Count());
}
