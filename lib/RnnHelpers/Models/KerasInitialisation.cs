using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RnnHelpers.Models;

/// <summary>
/// Keras defaults on the PyTorch layers: glorot-uniform input kernels (Glorot and Bengio 2010), orthogonal recurrent
/// kernels (Saxe et al. 2014), zero biases, LSTM forget-gate bias 1 (keras/src/layers/rnn/lstm.py, unit_forget_bias). Keras' SimpleRNN and LSTM have one bias
/// vector per gate; PyTorch has two (b_ih + b_hh), so b_hh is zeroed and frozen, which is exact.
/// GRU keeps both: that is Keras' reset_after=True.
/// </summary>
internal static class KerasInitialisation
{
    public static void Apply(RecurrentClassifier model)
    {
        using var noGrad = no_grad();
        var recurrent = model.RecurrentLayer;
        foreach (var (name, parameter) in recurrent.named_parameters())
        {
            if (name.StartsWith("weight_ih"))
                init.xavier_uniform_(parameter);
            else if (name.StartsWith("weight_hh"))
                init.orthogonal_(parameter); // Keras: one orthogonal (H, gates*H) kernel; torch stores its transpose.
            else if (name.StartsWith("bias"))
                parameter.zero_();
        }

        if (model.Kind != RecurrentKind.Gru)
        {
            var bhh = recurrent.named_parameters().Single(p => p.name.StartsWith("bias_hh")).parameter;
            bhh.requires_grad = false;
        }
        if (model.Kind == RecurrentKind.Lstm && model.UnitForgetBias)
        {
            // PyTorch gate order is input, forget, cell, output: rows [H, 2H) are the forget gate.
            var bih = recurrent.named_parameters().Single(p => p.name.StartsWith("bias_ih")).parameter;
            // A Scalar in a using lives until the call returns (see KerasBatchNormalization's fields).
            using var one = 1.0.ToScalar();
            bih.narrow(0, model.HiddenUnits, model.HiddenUnits).fill_(one);
        }

        init.xavier_uniform_(model.Dense.weight!);
        model.Dense.bias!.zero_();
    }

}
