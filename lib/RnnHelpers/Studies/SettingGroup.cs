namespace RnnHelpers.Studies;

/// <summary>What a setting of the sensitivity study varies, with everything else at the article's setting.</summary>
public enum SettingGroup
{
    /// <summary>Plain SGD at another learning rate (64 units).</summary>
    LearningRate,

    /// <summary>Another optimiser at its usual learning rate (64 units).</summary>
    Optimizer,

    /// <summary>Widths chosen so that every model has about the same number of parameters (plain SGD, lr 0.01).</summary>
    MatchedParameters,
}
