using System.Text;

namespace Cairn.Cli;

/// <summary>Plain aligned text tables for <c>-o table</c>.</summary>
internal static class Table
{
    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString().TrimEnd();
    }
}
