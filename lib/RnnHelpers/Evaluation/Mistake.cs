namespace RnnHelpers.Evaluation;

/// <summary>A misclassified example: its index in the split, the true and predicted labels, and the predicted class's probability.</summary>
public sealed record Mistake(int Index, int TrueLabel, int PredictedLabel, double Probability);
