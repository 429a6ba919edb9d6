using System.Net;
using System.Text;

namespace RnnHelpers.Models;

/// <summary>A Keras-style <c>model.summary()</c>, computed from the module's own parameters.</summary>
public sealed record ModelSummary(string ModelName, IReadOnlyList<LayerSummary> Layers)
{
    /// <summary>All parameters counted Keras' way, trainable plus the moving mean and variance.</summary>
    public long Total => Layers.Sum(l => l.Parameters);
    /// <summary>Batch normalisation's moving mean and variance.</summary>
    public long NonTrainable => Layers.Sum(l => l.NonTrainable);
    /// <summary>Parameters the optimiser updates.</summary>
    public long Trainable => Total - NonTrainable;

    /// <summary>
    /// Counts parameters the Keras way: trainable tensors plus BatchNorm's moving mean and
    /// variance; leaves out the frozen PyTorch-only bias.
    /// </summary>
    public static ModelSummary Of(RecurrentClassifier model)
    {
        long Trainable(TorchSharp.torch.nn.Module m) => m.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        long moving = model.BatchNormalization.MovingMean.numel() + model.BatchNormalization.MovingVariance.numel();
        string h = $"(None, {model.HiddenUnits})";
        var facts = ModelFacts.Of(model.Kind);
        return new ModelSummary(facts.DisplayName,
        [
            new(facts.KerasLayerName, facts.DisplayName, h, Trainable(model.RecurrentLayer), 0),
            new("batch_normalization", "BatchNormalization", h, Trainable(model.BatchNormalization) + moving, moving),
            new("dense", "Dense", $"(None, {RecurrentClassifier.Classes})", Trainable(model.Dense), 0),
        ]);
    }

    /// <summary>A text table in the layout of Keras' <c>model.summary()</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        string line = new('-', 70), thick = new('=', 70);
        sb.AppendLine($"Model: \"{ModelName}\"").AppendLine(line);
        sb.AppendLine($"{"Layer (type)",-38}{"Output Shape",-18}{"Param #",14}").AppendLine(thick);
        foreach (var l in Layers)
            sb.AppendLine($"{$"{l.Name} ({l.Type})",-38}{l.OutputShape,-18}{l.Parameters,14:N0}");
        sb.AppendLine(thick);
        sb.AppendLine($"Total params: {Total:N0}").AppendLine($"Trainable params: {Trainable:N0}").AppendLine($"Non-trainable params: {NonTrainable:N0}");
        return sb.Append(line).ToString();
    }

    /// <summary>An HTML table for notebooks.</summary>
    public string ToHtml()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append($"<table><caption style=\"text-align:left\"><b>Model: {E(ModelName)}</b></caption>");
        sb.Append("<thead><tr><th style=\"text-align:left\">Layer (type)</th><th style=\"text-align:left\">Output shape</th><th style=\"text-align:right\">Param #</th></tr></thead><tbody>");
        foreach (var l in Layers)
            sb.Append($"<tr><td style=\"text-align:left\">{E(l.Name)} ({E(l.Type)})</td><td style=\"text-align:left\">{E(l.OutputShape)}</td><td style=\"text-align:right\">{l.Parameters:N0}</td></tr>");
        sb.Append("</tbody><tfoot>");
        sb.Append($"<tr><td colspan=\"2\"><b>Total params</b></td><td style=\"text-align:right\"><b>{Total:N0}</b></td></tr>");
        sb.Append($"<tr><td colspan=\"2\">Trainable params</td><td style=\"text-align:right\">{Trainable:N0}</td></tr>");
        sb.Append($"<tr><td colspan=\"2\">Non-trainable params</td><td style=\"text-align:right\">{NonTrainable:N0}</td></tr>");
        return sb.Append("</tfoot></table>").ToString();
    }
}
