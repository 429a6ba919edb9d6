using System.Globalization;
using RnnHelpers.Models;

namespace RnnHelpers.Results;

/// <summary>A claim of the source article checked against the runs; <see cref="Outcome"/> words the verdict.</summary>
public sealed record Verdict(string Claim, bool Holds, string Evidence, string? FailedWording = null)
{
    public string Outcome => Holds ? "holds" : FailedWording ?? "does not hold";
}

/// <summary>Checks the article's statements against computed statistics.</summary>
public static class ArticleClaims
{
    /// <summary>How we read the article's "roughly": within this many percentage points.</summary>
    public const double RoughlyPoints = 1.5;

    public static IReadOnlyList<Verdict> Evaluate(RunStatistics stats)
    {
        var inv = CultureInfo.InvariantCulture;
        var verdicts = new List<Verdict>();
        var models = stats.Models.Where(m => RecurrentKinds.TryParse(m.Model) is not null).ToList();

        var counts = models.Select(m => (m.Model, m.Parameters, Article: RecurrentKinds.Parse(m.Model).ArticleParameterCount())).ToList();
        verdicts.Add(new Verdict("Parameter counts are 6,858 / 24,714 / 18,954",
            counts.Count == 3 && counts.All(c => c.Parameters == c.Article),
            string.Join("; ", counts.Select(c => $"{c.Model}: {c.Parameters.ToString("N0", inv)} (article {c.Article.ToString("N0", inv)})"))));

        foreach (var m in models)
        {
            double article = RecurrentKinds.Parse(m.Model).ArticleAccuracyPercent();
            double mean = 100 * m.FinalAccuracy.Mean;
            verdicts.Add(new Verdict($"{m.Model} reaches roughly {article:F0}% test accuracy (read as ±{RoughlyPoints} points)",
                Math.Abs(mean - article) <= RoughlyPoints,
                $"mean final test accuracy {mean.ToString("F2", inv)}% over {m.Runs} run(s)" +
                (m.FinalAccuracy.Count > 1 ? $", 95% CI [{(100 * m.FinalAccuracy.Low).ToString("F2", inv)}, {(100 * m.FinalAccuracy.High).ToString("F2", inv)}]" : "") +
                $"; mean best-epoch accuracy {(100 * m.BestAccuracy.Mean).ToString("F2", inv)}%"));
        }

        var lstmGru = stats.Differences.FirstOrDefault(d => d.ModelA == "lstm" && d.ModelB == "gru");
        var gruRnn = stats.Differences.FirstOrDefault(d => d.ModelA == "gru" && d.ModelB == "simple-rnn");
        if (lstmGru is not null && gruRnn is not null)
        {
            bool holds = lstmGru.Difference.Count > 1 && lstmGru.Difference.Low > 0 && gruRnn.Difference.High < 0;
            verdicts.Add(new Verdict("The GRU is slightly less accurate than the other two",
                holds,
                $"LSTM − GRU {Tables.Interval(lstmGru.Difference)} points; GRU − SimpleRNN {Tables.Interval(gruRnn.Difference)} points " +
                "(mean [95% CI], paired by seed; the claim holds only if both intervals put the GRU below)",
                FailedWording: "not supported"));
        }

        int runs = models.Sum(m => m.Runs), early = models.Sum(m => m.RunsPeakingBeforeLastEpoch);
        verdicts.Add(new Verdict($"No model reaches its best test accuracy in the last epoch",
            runs > 0 && early == runs,
            $"{early} of {runs} runs peaked before the last epoch ({string.Join(", ", models.Select(m => $"{m.Model} {m.RunsPeakingBeforeLastEpoch}/{m.Runs}"))})"));
        return verdicts;
    }

    public static TextTable ToTable(IReadOnlyList<Verdict> verdicts) => new(
        "The article's claims, checked",
        ["claim", "verdict", "evidence"],
        verdicts.Select(v => (IReadOnlyList<string>)[v.Claim, v.Outcome, v.Evidence]).ToList());
}
