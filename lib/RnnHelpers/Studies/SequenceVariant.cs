namespace RnnHelpers.Studies;

/// <summary>How the long-sequence study reads an image and sets up the model, besides the number of time steps.</summary>
public enum SequenceVariant
{
    /// <summary>Pixels in row-major order (T = 28 is the article's view, one row per step).</summary>
    RowMajor,

    /// <summary>Pixels in the fixed permuted order (<see cref="Data.PixelPermutation"/>): the permuted-MNIST task.</summary>
    Permuted,

    /// <summary>Row-major, LSTM with its forget-gate bias started at 0 instead of Keras' 1.</summary>
    NoForgetBias,
}
