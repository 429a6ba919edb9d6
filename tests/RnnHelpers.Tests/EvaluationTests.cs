using RnnHelpers.Evaluation;

namespace RnnHelpers.Tests;

public class EvaluationTests
{
    private static readonly Predictions Sample = new(
        actual: [0, 0, 1, 1, 2, 2],
        predicted: [0, 1, 1, 1, 0, 2],
        probability: [0.9f, 0.8f, 0.7f, 0.6f, 0.95f, 0.5f],
        loss: 0.5, classes: 3);

    [Fact]
    public void Confusion_matrix_counts_true_against_predicted()
    {
        var m = Sample.Confusion();
        Assert.Equal(1, m.Counts[0, 0]);
        Assert.Equal(1, m.Counts[0, 1]);
        Assert.Equal(2, m.Counts[1, 1]);
        Assert.Equal(1, m.Counts[2, 0]);
        Assert.Equal(6, m.Total);
        Assert.Equal(4 / 6.0, m.Accuracy, 12);
        Assert.Equal(Sample.Accuracy, m.Accuracy, 12);
        Assert.Equal([0.5, 1.0, 0.5], m.PerClassAccuracy());
    }

    [Fact]
    public void Most_confident_mistakes_come_first()
    {
        var mistakes = Sample.MostConfidentMistakes(5);
        Assert.Equal([new Mistake(4, 2, 0, 0.95f), new Mistake(1, 0, 1, 0.8f)], mistakes);
        Assert.Single(Sample.MostConfidentMistakes(1));
    }

    [Fact]
    public void Labels_outside_the_classes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.From([0, 3], [0, 1], 3));
    }
}
