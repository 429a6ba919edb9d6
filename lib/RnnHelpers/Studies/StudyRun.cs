using RnnHelpers.Models;
using RnnHelpers.Training;

namespace RnnHelpers.Studies;

/// <summary>One planned run of a study: a setting, a model and a seed, with the training options they give.</summary>
public sealed record StudyRun(StudySetting Setting, RecurrentKind Kind, int Seed, TrainingOptions Options);
