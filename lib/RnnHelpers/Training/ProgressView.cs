using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace RnnHelpers.Training;

/// <summary>
/// Turns training progress into a small HTML block for a notebook display that is updated in place
/// (one output, not one per batch). Batch updates are throttled; epoch ends are always shown.
/// </summary>
public sealed class ProgressView(string title, Action<string> render, TimeSpan? interval = null) : IProgress<TrainingProgress>
{
    private readonly Stopwatch _sinceRender = Stopwatch.StartNew();
    private readonly TimeSpan _interval = interval ?? TimeSpan.FromMilliseconds(500);
    private readonly List<EpochRecord> _done = [];

    /// <summary>Records a finished epoch and redraws; a batch update redraws only once <c>interval</c> (default 0.5 s) has passed since the last drawing.</summary>
    public void Report(TrainingProgress value)
    {
        if (value.Completed is { } epoch)
            _done.Add(epoch);
        else if (_sinceRender.Elapsed < _interval)
            return;
        _sinceRender.Restart();
        render(Html(value));
    }

    private string Html(TrainingProgress p)
    {
        var inv = CultureInfo.InvariantCulture;
        double fraction = ((p.Epoch - 1) * (double)p.Batches + p.Batch) / (p.Epochs * (double)p.Batches);
        var sb = new StringBuilder();
        sb.Append($"<div><b>{WebUtility.HtmlEncode(title)}</b> — epoch {p.Epoch}/{p.Epochs}, batch {p.Batch}/{p.Batches}")
          .Append($" — loss {p.RunningLoss.ToString("F4", inv)}, accuracy {(100 * p.RunningAccuracy).ToString("F2", inv)}%</div>")
          .Append($"<progress value=\"{fraction.ToString("F4", inv)}\" max=\"1\" style=\"width:100%\"></progress>");
        if (_done.Count > 0)
        {
            sb.Append("<div style=\"font-family:monospace\">");
            foreach (var e in _done)
                sb.Append($"epoch {e.Epoch}: test accuracy {(100 * e.TestAccuracy).ToString("F2", inv)}%, {e.Seconds.ToString("F1", inv)} s<br/>");
            sb.Append("</div>");
        }
        return sb.ToString();
    }
}
