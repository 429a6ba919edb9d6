namespace RnnHelpers.Studies;

/// <summary>
/// The exact paired sign-flip (permutation) test: under "no difference" each paired difference is as likely to have
/// either sign, so every one of the 2^n sign patterns of the |d_i| is equally likely. The two-sided p-value is the share
/// of patterns whose |Σ ±|d_i|| is at least the observed |Σ d_i|. With n pairs the smallest possible p is 2 / 2^n:
/// 0.25 for 3 pairs, so 3 seeds can never show a difference at the 5% level, only that it had the same sign every time.
/// </summary>
public static class SignFlipTest
{
    /// <summary>Most pairs enumerated exactly (2^20 patterns).</summary>
    public const int MaxPairs = 20;

    /// <summary>
    /// Two-sided exact p-value of <paramref name="differences"/> (any unit). 1 for no pairs; <see cref="ArgumentException"/>
    /// for a non-finite difference or more than <see cref="MaxPairs"/> pairs.
    /// </summary>
    public static double TwoSidedP(IReadOnlyList<double> differences)
    {
        int n = differences.Count;
        if (n > MaxPairs)
            throw new ArgumentException($"At most {MaxPairs} pairs are enumerated exactly; got {n}.", nameof(differences));
        if (differences.Any(d => !double.IsFinite(d)))
            throw new ArgumentException("Differences must be finite numbers.", nameof(differences));
        if (n == 0)
            return 1;
        double observed = Math.Abs(differences.Sum());
        // Sums of the same magnitudes in another order can differ in the last bits; count those as ties.
        double tolerance = 1e-12 * Math.Max(1, differences.Sum(Math.Abs));
        long extreme = 0, patterns = 1L << n;
        for (long pattern = 0; pattern < patterns; pattern++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
                sum += ((pattern >> i) & 1) == 0 ? Math.Abs(differences[i]) : -Math.Abs(differences[i]);
            if (Math.Abs(sum) >= observed - tolerance)
                extreme++;
        }
        return extreme / (double)patterns;
    }

    /// <summary>The smallest two-sided p-value <paramref name="pairs"/> pairs can give: 2 / 2^n (1 for none).</summary>
    public static double SmallestP(int pairs) => pairs == 0 ? 1 : Math.Min(1, 2.0 / Math.Pow(2, pairs));
}
