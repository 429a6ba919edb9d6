using RnnHelpers.Models;

namespace RnnHelpers.Training;

/// <summary>
/// Called after a training step with the model, the epoch and the batch (both 1-based), e.g. to evaluate the model every
/// 50 batches. The model is in training mode; a probe that changes its mode must restore it.
/// </summary>
public delegate void BatchProbe(RecurrentClassifier model, int epoch, int batch);
