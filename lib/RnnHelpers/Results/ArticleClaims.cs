using System.Globalization;
using RnnHelpers.Models;
using RnnHelpers.Statistics;

namespace RnnHelpers.Results;

/// <summary>
/// Checks the article's statements against stored runs, each by a rule stated in <see cref="Verdict.Rule"/> and applied
/// under both accuracy measures. The article trained each model once, so its numbers are single runs: accuracy claims
/// are judged against what one run does (a prediction interval and the share of runs in the band), not against the mean.
/// </summary>
public static class ArticleClaims
{
    /// <summary>How we read the article's "roughly": within this many percentage points.</summary>
    public const double RoughlyPoints = 1.5;

    /// <summary>Runs the article made (one per model).</summary>
    public const int ArticleRuns = 3;

    /// <summary>Significance level of every test here (two-sided).</summary>
    public const double Alpha = 0.05;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Every claim's verdict under both accuracy measures, from runs of the article setting (any number of seeds per model).</summary>
    public static IReadOnlyList<Verdict> Evaluate(IReadOnlyList<RunRecord> runs)
    {
        var verdicts = new List<Verdict> { ParameterCounts(runs) };
        foreach (var measure in AccuracyMeasures.All)
        {
            var stats = RunStatistics.Compute(runs, measure);
            if (stats.Models.Count == 0)
                continue;
            verdicts.AddRange(stats.Models.Where(m => RecurrentKinds.TryParse(m.Model) is not null).Select(m => Roughly(m, measure)));
            if (GruLower(stats) is { } gru)
                verdicts.Add(gru);
            verdicts.Add(PeaksEarly(stats));
        }
        return verdicts;
    }

    /// <summary>Whether the stored parameter counts (Keras' way) equal the article's, per model (<see cref="ModelFacts"/>).</summary>
    public static Verdict ParameterCounts(IReadOnlyList<RunRecord> runs)
    {
        var counts = RecurrentKinds.All.Select(k => (Kind: k, Counted: runs.FirstOrDefault(r => r.Model == k.Id())?.Parameters)).ToList();
        bool holds = counts.All(c => c.Counted == c.Kind.ArticleParameterCount());
        return new Verdict(
            $"Parameter counts are {string.Join(" / ", RecurrentKinds.All.Select(k => k.ArticleParameterCount().ToString("N0", Inv)))}",
            null,
            "Holds if each model's parameters, counted the Keras way from the module, equal the article's number.",
            holds ? "holds" : "does not hold",
            string.Join("; ", counts.Select(c => $"{c.Kind.Id()}: {c.Counted?.ToString("N0", Inv) ?? "no run"} (article {c.Kind.ArticleParameterCount().ToString("N0", Inv)})")));
    }

    /// <summary>"Model reaches roughly X%": what a single run does, against the band X ± <see cref="RoughlyPoints"/>.</summary>
    public static Verdict Roughly(ModelStatistics m, AccuracyMeasure measure)
    {
        double article = RecurrentKinds.Parse(m.Model).ArticleAccuracyPercent();
        double low = (article - RoughlyPoints) / 100, high = (article + RoughlyPoints) / 100;
        int inside = m.Final.Count(a => a >= low && a <= high);
        var share = BinomialRate.Of(inside, m.Runs);
        var pi = m.FinalPrediction;
        string outcome;
        if (m.Runs < 2)
            outcome = "inconclusive";
        else if (pi.High < low || pi.Low > high || share.High < 0.5)
            outcome = "inconsistent";
        else if (share.Low > 0.5)
            outcome = "consistent";
        else
            outcome = "inconclusive";
        return new Verdict(
            $"{RecurrentKinds.Parse(m.Model).DisplayName()} reaches roughly {article.ToString("F0", Inv)}% test accuracy in its last epoch",
            measure,
            $"Band {article.ToString("F0", Inv)} ± {RoughlyPoints.ToString("F1", Inv)} points. Consistent if most single runs land in the band " +
            "(Clopper-Pearson 95% lower bound of their share above 50%); inconsistent if the 95% prediction interval for one run " +
            "misses the band or the share's upper bound is below 50%; otherwise inconclusive.",
            outcome,
            $"{inside} of {m.Runs} runs in the band ({Tables.Rate(share)}); one run: 95% prediction interval [{Tables.Percent(pi.Low)}, {Tables.Percent(pi.High)}]%; " +
            $"median {Tables.Percent(m.FinalMedian)}%, range {Tables.Percent(m.Final.Min())}–{Tables.Percent(m.Final.Max())}%");
    }

    /// <summary>"The GRU is slightly less accurate than the other two": both paired comparisons against the GRU.</summary>
    public static Verdict? GruLower(RunStatistics stats)
    {
        var lstm = stats.Comparison("lstm", "gru");
        var rnn = stats.Comparison("simple-rnn", "gru");
        if (lstm is null || rnn is null)
            return null;
        bool Above(PairedComparison c) => c.Mean > 0 && c.PValue < Alpha;
        bool Below(PairedComparison c) => c.Mean < 0 && c.PValue < Alpha;
        string outcome = Above(lstm) && Above(rnn) ? "holds" : Below(lstm) || Below(rnn) ? "does not hold" : "not supported";
        return new Verdict("The GRU is slightly less accurate than the other two",
            stats.Measure,
            $"Final accuracy paired by seed. Holds if both LSTM − GRU and SimpleRNN − GRU are positive with an exact sign-flip p < {Alpha.ToString(Inv)} " +
            $"(both must hold, an intersection-union test, so no correction for two tests); does not hold if either is negative with p < {Alpha.ToString(Inv)}; " +
            "otherwise not supported. Beside each: the smallest difference these seeds detect with 80% power.",
            outcome,
            $"{Tables.Describe(lstm)}; {Tables.Describe(rnn)}");
    }

    /// <summary>"No model reached its best accuracy in the 10th epoch": the rate of early peaks, and the chance of the article's observation.</summary>
    public static Verdict PeaksEarly(RunStatistics stats)
    {
        int runs = stats.Models.Sum(m => m.Runs), early = stats.Models.Sum(m => m.PeakedEarly.Successes);
        var rate = BinomialRate.Of(early, runs);
        string outcome = rate.Low > 0.5 ? "typical" : rate.High < 0.5 ? "atypical" : "inconclusive";
        return new Verdict($"No model reaches its best test accuracy in the last epoch",
            stats.Measure,
            $"A run peaks early only if the best of epochs 1–{stats.Epochs - 1} is strictly above epoch {stats.Epochs} (a tie is not early). " +
            "The article's observation is typical if the Clopper-Pearson 95% interval of the early-peak rate lies above 50%, atypical if below, " +
            $"otherwise inconclusive. The chance that all {ArticleRuns} of {ArticleRuns} runs peak early is the rate cubed, with the interval's ends cubed.",
            outcome,
            $"{early} of {runs} runs peaked early ({Tables.Rate(rate)}; " +
            string.Join(", ", stats.Models.Select(m => $"{m.Model} {m.PeakedEarly.Successes}/{m.Runs}")) +
            $"); all {ArticleRuns} of {ArticleRuns}: {Tables.Percent(Math.Pow(rate.Rate, ArticleRuns), 0)}% [{Tables.Percent(Math.Pow(rate.Low, ArticleRuns), 0)}, {Tables.Percent(Math.Pow(rate.High, ArticleRuns), 0)}]%");
    }

    /// <summary>The verdicts as a table; <paramref name="withRules"/> adds the rule each verdict applies.</summary>
    public static TextTable ToTable(IReadOnlyList<Verdict> verdicts, bool withRules = true) => new(
        "The article's claims, checked: each verdict by the rule beside it, under the accuracy measure named",
        withRules ? ["claim", "measure", "verdict", "evidence", "rule"] : ["claim", "measure", "verdict", "evidence"],
        verdicts.Select(v => (IReadOnlyList<string>)(withRules
            ? [v.Claim, v.Measure?.ShortName() ?? "–", v.Outcome, v.Evidence, v.Rule]
            : [v.Claim, v.Measure?.ShortName() ?? "–", v.Outcome, v.Evidence])).ToList());
}
