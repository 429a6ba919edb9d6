using RnnHelpers.Models;
using RnnHelpers.Training;

namespace RnnHelpers.Studies;

/// <summary>
/// One column of the sensitivity study: the optimiser, learning rate and each model's hidden units. <see cref="Id"/> is
/// short and stable (run lists, tests); <see cref="Short"/> heads a chart's column; <see cref="Label"/> says it in words. <see cref="TargetParameters"/> is set for
/// the parameter-matched settings: the count each model's width was chosen to come nearest to.
/// </summary>
public sealed record StudySetting(string Id, string Short, string Label, SettingGroup Group, OptimizerKind Optimizer, double LearningRate,
    IReadOnlyDictionary<RecurrentKind, int> HiddenUnits, long? TargetParameters = null)
{
    /// <summary>The training options of one run of this setting: the study's budget and thread count, this setting's optimiser, rate and width.</summary>
    public TrainingOptions OptionsFor(RecurrentKind kind, StudyBudget budget, int seed, int threads) => new()
    {
        Epochs = budget.Epochs,
        Seed = seed,
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        HiddenUnits = HiddenUnits[kind],
        Threads = threads,
    };

    /// <summary>True for the article's own setting: plain SGD, learning rate 0.01, 64 units for every model.</summary>
    public bool IsArticleSetting
    {
        get
        {
            var article = new TrainingOptions();
            return Optimizer == article.Optimizer && LearningRate == article.LearningRate && HiddenUnits.Values.All(h => h == article.HiddenUnits);
        }
    }
}
