using RnnHelpers.Models;
using static TorchSharp.torch;

namespace RnnHelpers.Tests;

public class ModelTests
{
    [Theory]
    [InlineData(RecurrentKind.SimpleRnn, 6_858, 5_952)]
    [InlineData(RecurrentKind.Lstm, 24_714, 23_808)]
    [InlineData(RecurrentKind.Gru, 18_954, 18_048)]
    public void Parameter_counts_match_keras(RecurrentKind kind, long total, long recurrent)
    {
        using var model = new RecurrentClassifier(kind);
        var summary = ModelSummary.Of(model);

        Assert.Equal(total, summary.Total);
        Assert.Equal(kind.ArticleParameterCount(), summary.Total);
        Assert.Equal(128, summary.NonTrainable);
        Assert.Equal(total - 128, summary.Trainable);
        Assert.Equal(recurrent, summary.Layers[0].Parameters);
        Assert.Equal([256L, 650L], summary.Layers.Skip(1).Select(l => l.Parameters));
        Assert.Equal(summary.Trainable, model.TrainableParameters.Sum(p => p.numel()));
        Assert.Contains($"Total params: {total:N0}", summary.ToString());
        Assert.Contains($"{total:N0}", summary.ToHtml());
    }

    [Fact]
    public void Model_facts_have_one_row_per_kind_in_enum_order_and_agree_with_the_kernels()
    {
        Assert.Equal(Enum.GetValues<RecurrentKind>(), ModelFacts.All.Select(f => f.Kind));
        Assert.Equal(Enum.GetValues<RecurrentKind>(), RecurrentKinds.All);
        foreach (var facts in ModelFacts.All)
        {
            Assert.Same(facts, ModelFacts.Of(facts.Kind));
            Assert.Equal(facts.Gates, facts.Cell.Gates);
            using var model = new RecurrentClassifier(facts.Kind);
            // The classifier's field names become parameter names; they are meant to be Keras' layer names.
            Assert.StartsWith(facts.KerasLayerName + ".", model.named_parameters().First().name);
            Assert.Equal(facts.TorchModuleName, model.RecurrentLayer.GetName());
        }
    }

    [Theory]
    [InlineData("simple-rnn", RecurrentKind.SimpleRnn)]
    [InlineData("SimpleRNN", RecurrentKind.SimpleRnn)]
    [InlineData(" simplernn ", RecurrentKind.SimpleRnn)]
    [InlineData("LSTM", RecurrentKind.Lstm)]
    [InlineData("gru", RecurrentKind.Gru)]
    public void Parse_accepts_the_id_and_the_display_name_in_any_case(string text, RecurrentKind kind) =>
        Assert.Equal(kind, RecurrentKinds.Parse(text));

    [Theory]
    [InlineData("rnn")]
    [InlineData("simple_rnn")]
    [InlineData("")]
    public void Parse_rejects_other_spellings_and_says_what_it_accepts(string text)
    {
        Assert.Null(RecurrentKinds.TryParse(text));
        var error = Assert.Throws<ArgumentException>(() => RecurrentKinds.Parse(text));
        Assert.Contains("simple-rnn, lstm, gru", error.Message);
        Assert.Contains("SimpleRNN, LSTM, GRU", error.Message);
    }

    [Theory]
    [InlineData(RecurrentKind.SimpleRnn)]
    [InlineData(RecurrentKind.Lstm)]
    [InlineData(RecurrentKind.Gru)]
    public void Maps_a_batch_of_row_sequences_to_ten_logits(RecurrentKind kind)
    {
        using var model = new RecurrentClassifier(kind);
        using var x = rand(5, 28, 28);
        using var logits = model.call(x);
        Assert.Equal([5L, 10L], logits.shape);
    }

    [Fact]
    public void Pixel_sequences_use_one_feature_per_step()
    {
        using var model = new RecurrentClassifier(RecurrentKind.Gru, hiddenUnits: 8, features: 1);
        using var x = rand(2, 784, 1);
        Assert.Equal([2L, 10L], model.call(x).shape);
        Assert.Throws<ArgumentException>(() => model.call(rand(2, 28, 28)));
    }

    [Fact]
    public void Keras_initialisation_single_bias_and_forget_gate_one()
    {
        using var model = new RecurrentClassifier(RecurrentKind.Lstm);
        var p = model.named_parameters().ToDictionary(n => n.name, n => n.parameter);

        Assert.False(p["lstm.bias_hh_l0"].requires_grad);
        Assert.Equal(0f, p["lstm.bias_hh_l0"].abs().sum().item<float>());
        var bias = p["lstm.bias_ih_l0"].data<float>().ToArray();
        Assert.All(bias[64..128], b => Assert.Equal(1f, b));
        Assert.All(bias[..64].Concat(bias[128..]), b => Assert.Equal(0f, b));

        // Recurrent kernel is orthogonal: W W^T = I for the (256 x 64) kernel's 64 columns.
        var w = p["lstm.weight_hh_l0"];
        var gram = w.t().matmul(w);
        Assert.True(gram.allclose(eye(64), atol: 1e-4));
    }

    [Fact]
    public void Gru_keeps_both_biases_like_reset_after()
    {
        using var model = new RecurrentClassifier(RecurrentKind.Gru);
        Assert.All(model.named_parameters().Where(n => n.name.StartsWith("gru.bias")), n => Assert.True(n.parameter.requires_grad));
    }

    [Fact]
    public void Hidden_units_below_one_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new RecurrentClassifier(RecurrentKind.Lstm, hiddenUnits: 0));
        Assert.Equal("HiddenUnits", e.ParamName);
    }
}
