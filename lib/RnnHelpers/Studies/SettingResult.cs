using RnnHelpers.Statistics;
using RnnHelpers.Models;
using RnnHelpers.Results;

namespace RnnHelpers.Studies;

/// <summary>
/// One setting of the study, analysed: each model's accuracies over seeds and the paired comparisons of every model
/// pair under both measures (see <see cref="SensitivityAnalysis"/> for the rules).
/// </summary>
public sealed record SettingResult(StudySetting Setting, IReadOnlyList<ModelCell> Cells, IReadOnlyList<PairedSeedComparison> Comparisons)
{
    /// <summary>The pairs compared, first minus second, as in the comparison notebook.</summary>
    public static IReadOnlyList<(RecurrentKind A, RecurrentKind B)> Pairs { get; } =
        [(RecurrentKind.Lstm, RecurrentKind.Gru), (RecurrentKind.Lstm, RecurrentKind.SimpleRnn), (RecurrentKind.Gru, RecurrentKind.SimpleRnn)];

    /// <summary>The cell of one model; <see cref="InvalidOperationException"/> when the setting has none.</summary>
    public ModelCell Cell(RecurrentKind kind) => Cells.Single(c => c.Kind == kind);

    /// <summary>Model <paramref name="a"/> against <paramref name="b"/>, paired by seed, under <paramref name="measure"/>.</summary>
    public PairedSeedComparison Comparison(RecurrentKind a, RecurrentKind b, AccuracyMeasure measure) =>
        Comparisons.Single(c => c.A == a && c.B == b && c.Measure == measure);

    /// <summary>The models by median accuracy, best first (a model with no finished seed last).</summary>
    public IReadOnlyList<RecurrentKind> Ranking(AccuracyMeasure measure) =>
        Cells.OrderByDescending(c => double.IsNaN(c.Accuracy(measure).Median) ? double.NegativeInfinity : c.Accuracy(measure).Median)
            .Select(c => c.Kind).ToList();

    /// <summary>Best median minus worst median (fraction); NaN when a model has no finished seed.</summary>
    public double SpreadOfMedians(AccuracyMeasure measure)
    {
        var medians = Cells.Select(c => c.Accuracy(measure).Median).ToList();
        return medians.Any(double.IsNaN) ? double.NaN : medians.Max() - medians.Min();
    }

    /// <summary>
    /// The article's ranking, "all similar, the GRU slightly lower", read as: the GRU has the lowest median and the three
    /// medians lie within <see cref="ArticleClaims.RoughlyPoints"/> percentage points (the workbook's reading of "roughly").
    /// </summary>
    public bool ArticleRankingHolds(AccuracyMeasure measure) =>
        Ranking(measure)[^1] == RecurrentKind.Gru && SpreadOfMedians(measure) <= ArticleClaims.RoughlyPoints / 100;

    /// <summary>The GRU was below both other models in every seed.</summary>
    public bool GruBelowBothEverySeed(AccuracyMeasure measure) =>
        Comparison(RecurrentKind.Lstm, RecurrentKind.Gru, measure).ConsistentSign == 1
        && Comparison(RecurrentKind.Gru, RecurrentKind.SimpleRnn, measure).ConsistentSign == -1;

    /// <summary>The best model by median was above each of the other two in every seed.</summary>
    public bool LeaderAboveBothEverySeed(AccuracyMeasure measure)
    {
        var leader = Ranking(measure)[0];
        return Cells.Where(c => c.Kind != leader).All(other => SignOf(leader, other.Kind, measure) == 1);
    }

    /// <summary>+1 when <paramref name="a"/> was above <paramref name="b"/> in every seed, −1 when below in every seed, 0 otherwise.</summary>
    public int SignOf(RecurrentKind a, RecurrentKind b, AccuracyMeasure measure)
    {
        var forward = Comparisons.FirstOrDefault(c => c.A == a && c.B == b && c.Measure == measure);
        if (forward is not null)
            return forward.ConsistentSign;
        return -Comparison(b, a, measure).ConsistentSign;
    }
}
