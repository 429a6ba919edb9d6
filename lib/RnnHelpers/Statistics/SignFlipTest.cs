namespace RnnHelpers.Statistics;

/// <summary>
/// The exact paired permutation (sign-flip) test of "the paired differences are symmetric about zero": the two-sided
/// p-value is the share of the 2^n sign assignments whose |sum| is at least the observed |sum| (Fisher 1935; Good,
/// Permutation Tests). With n pairs the smallest p it can give is 2/2^n: 0.25 for 3 pairs, 0.0625 for 5, about 2e-6 for 20.
/// </summary>
public static class SignFlipTest
{
    /// <summary>Largest number of pairs enumerated exactly (2^24 sign patterns).</summary>
    public const int MaxPairs = 24;

    /// <summary>Two-sided exact p-value. Throws <see cref="ArgumentException"/> for no pairs, more than <see cref="MaxPairs"/>, or a non-finite difference.</summary>
    public static double PValue(IReadOnlyList<double> differences)
    {
        int n = differences.Count;
        if (n == 0 || n > MaxPairs)
            throw new ArgumentException($"The exact sign-flip test takes 1 to {MaxPairs} pairs; got {n}.", nameof(differences));
        if (differences.Any(d => !double.IsFinite(d)))
            throw new ArgumentException("Every paired difference must be finite.", nameof(differences));
        double observed = Math.Abs(differences.Sum());
        // A relative tolerance so that a pattern whose sum equals the observed one up to rounding counts as "at least as extreme".
        double threshold = observed - 1e-12 * Math.Max(1, differences.Sum(Math.Abs));
        long extreme = 0, patterns = 1L << n;
        for (long mask = 0; mask < patterns; mask++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += (mask >> i & 1) == 0 ? differences[i] : -differences[i];
            if (Math.Abs(sum) >= threshold)
                extreme++;
        }
        return extreme / (double)patterns;
    }

    /// <summary>The smallest two-sided p-value the test can reach with <paramref name="pairs"/> pairs: 2 / 2^n.</summary>
    public static double SmallestPValue(int pairs) => pairs < 1 ? 1 : Math.Min(1, 2.0 / Math.Pow(2, pairs));
}
