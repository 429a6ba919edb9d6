namespace RnnHelpers.Data;

/// <summary>
/// The one fixed permutation of an image's 784 pixels used by the permuted-pixel task (<see cref="DataOptions.Permuted"/>):
/// pixel <c>Order[i]</c> of the row-major image becomes the i-th pixel of the sequence. It is a Fisher-Yates shuffle
/// with <see cref="System.Random"/> seeded by <see cref="Seed"/> (the seeded generator's sequence is fixed across .NET
/// versions), and <see cref="Sha256"/> is the checksum of its values as little-endian int32, checked on first use, so
/// stored runs of the permuted task always mean this permutation.
/// </summary>
public static class PixelPermutation
{
    /// <summary>Pixels per image, 28 × 28.</summary>
    public const int Pixels = 784;
    /// <summary>Seed of the permutation's generator.</summary>
    public const int Seed = 784_2015;
    /// <summary>SHA-256 of the permutation the stored runs used; checked on first use.</summary>
    public const string Sha256 = "eba1fdc038bef3c6efe3f6a3f35cb7cd5f858e39f487a21ed32545336debed45";

    private static readonly Lazy<int[]> _order = new(Create);

    /// <summary>The permutation: a fresh copy of 784 distinct indices into the row-major image.</summary>
    public static int[] Order => (int[])_order.Value.Clone();

    private static int[] Create()
    {
        var order = Enumerable.Range(0, Pixels).ToArray();
        var random = new Random(Seed);
        for (int i = Pixels - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var actual = Checksum(order);
        if (actual != Sha256)
            throw new InvalidOperationException($"The pixel permutation's SHA-256 is {actual}, expected {Sha256}: this runtime's seeded Random differs, so permuted runs would not match the stored ones.");
        return order;
    }

    /// <summary>SHA-256 (lower-case hex) of the indices as little-endian int32.</summary>
    public static string Checksum(int[] order)
    {
        var bytes = new byte[order.Length * 4];
        for (int i = 0; i < order.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), order[i]);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }
}
