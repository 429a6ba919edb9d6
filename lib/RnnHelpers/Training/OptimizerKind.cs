namespace RnnHelpers.Training;

/// <summary>The optimisers a run can use. Identifiers (CLI, file names): sgd, momentum, adam.</summary>
public enum OptimizerKind
{
    /// <summary>Plain SGD, no momentum: the article's optimiser.</summary>
    Sgd,

    /// <summary>SGD with momentum 0.9 (Keras' <c>SGD(momentum=0.9)</c>).</summary>
    Momentum,

    /// <summary>Adam with Keras' defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.</summary>
    Adam,
}
