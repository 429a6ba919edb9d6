using System.Net;
using System.Text;

namespace RnnHelpers.Results;

/// <summary>A table of already-formatted cells that renders as HTML (notebooks) or Markdown (README).</summary>
public sealed record TextTable(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>An HTML table with the caption; cells are HTML-encoded.</summary>
    public string ToHtml()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder("<table>");
        if (Caption.Length > 0)
            sb.Append($"<caption style=\"text-align:left\"><b>{E(Caption)}</b></caption>");
        sb.Append("<thead><tr>").Append(string.Concat(Headers.Select(h => $"<th>{E(h)}</th>"))).Append("</tr></thead><tbody>");
        foreach (var row in Rows)
            sb.Append("<tr>").Append(string.Concat(row.Select((c, i) => $"<td style=\"text-align:{(IsNumeric(i) ? "right" : "left")}\">{E(c)}</td>"))).Append("</tr>");
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>The caption as an italic paragraph above the table (Markdown tables have no caption of their own).</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        if (Caption.Length > 0)
            sb.AppendLine($"*{Caption}*").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", Headers) + " |");
        sb.AppendLine("|" + string.Concat(Headers.Select((_, i) => IsNumeric(i) ? "---:|" : "---|")));
        foreach (var row in Rows)
            sb.AppendLine("| " + string.Join(" | ", row) + " |");
        return sb.ToString();
    }

    /// <summary>The Markdown form (<see cref="ToMarkdown"/>).</summary>
    public override string ToString() => ToMarkdown();

    /// <summary>Columns of numbers are right-aligned; text columns stay left.</summary>
    private bool IsNumeric(int column) =>
        column > 0 && Rows.All(r => r[column].Length == 0 || char.IsDigit(r[column][0]) || r[column][0] is '+' or '-' or '–');
}
