namespace RnnHelpers.Studies;

/// <summary>
/// The model measured at one point of training (<see cref="BatchNormProbe"/>): test accuracy (fraction) with batch
/// normalisation's moving averages and with population statistics recomputed at that moment, and per hidden unit the
/// moving and the population mean and variance of h_T (each [hidden units]).
/// </summary>
public sealed record ProbePoint(int Epoch, int Batch, int Step, double TestAccuracyMoving, double TestAccuracyRecomputed,
    float[] MovingMean, float[] MovingVariance, float[] PopulationMean, float[] PopulationVariance);
