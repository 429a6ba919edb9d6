using System.Globalization;
using System.Text;

namespace Workbook;

/// <summary>
/// Assignments a profile injects after a notebook's parameters cell, rendered as C# with every value escaped,
/// and parsed back to check what was written. Values are int, string (any characters: quotes, backslashes,
/// newlines, control and non-ASCII characters) or null.
/// </summary>
public sealed class ParameterInjection
{
    /// <summary>The assignments to inject, in order (name, value).</summary>
    public ParameterInjection(IReadOnlyList<KeyValuePair<string, object?>> assignments)
    {
        foreach (var (name, value) in assignments)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
                throw new ArgumentException($"'{name}' is not a C# identifier.", nameof(assignments));
            if (value is not (null or int or string))
                throw new ArgumentException($"{name}: values are int, string or null; got {value.GetType().Name}.", nameof(assignments));
        }
        Assignments = assignments;
        Code = string.Join(" ", assignments.Select(a => $"{a.Key} = {Literal(a.Value)};"));
    }

    /// <summary>The assignments, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Assignments { get; }

    /// <summary>The C# statements, one line.</summary>
    public string Code { get; }

    /// <summary>A C# literal for <paramref name="value"/>: a regular string literal escapes every character that could end or change it.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        int i => i.ToString(CultureInfo.InvariantCulture),
        string s => StringLiteral(s),
        _ => throw new ArgumentException($"Cannot write a {value.GetType().Name} as a C# literal.", nameof(value)),
    };

    private static string StringLiteral(string value)
    {
        var text = new StringBuilder("\"", value.Length + 2);
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                // Everything outside printable ASCII, including newlines and the Unicode line separators a
                // regular literal may not contain, as \uXXXX: the literal stays on one line whatever the value.
                default:
                    if (c < 0x20 || c > 0x7e)
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary>
    /// Parses code of the form this class writes (<c>Name = literal;</c> ...) back into assignments; throws
    /// <see cref="FormatException"/> naming the position of anything else (an unterminated or unescaped string).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Parse(string code)
    {
        var result = new List<KeyValuePair<string, object?>>();
        int at = 0;
        void Space() { while (at < code.Length && code[at] is ' ' or '\t' or '\r' or '\n') at++; }
        FormatException Error(string what) => new($"Injected code at character {at}: {what}: {code}");
        while (true)
        {
            Space();
            if (at == code.Length)
                return result;
            int start = at;
            while (at < code.Length && (char.IsLetterOrDigit(code[at]) || code[at] == '_')) at++;
            if (at == start)
                throw Error("expected a parameter name");
            var name = code[start..at];
            Space();
            if (at == code.Length || code[at] != '=')
                throw Error($"expected '=' after {name}");
            at++;
            Space();
            object? value;
            if (code.AsSpan(at).StartsWith("null"))
            {
                value = null;
                at += 4;
            }
            else if (at < code.Length && code[at] == '"')
            {
                value = ReadString(code, ref at, Error);
            }
            else
            {
                start = at;
                if (at < code.Length && code[at] == '-') at++;
                while (at < code.Length && char.IsAsciiDigit(code[at])) at++;
                if (!int.TryParse(code.AsSpan(start, at - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                    throw Error($"expected a literal for {name}");
                value = number;
            }
            Space();
            if (at == code.Length || code[at] != ';')
                throw Error($"expected ';' after the value of {name}");
            at++;
            result.Add(new(name, value));
        }
    }

    private static string ReadString(string code, ref int at, Func<string, FormatException> error)
    {
        var value = new StringBuilder();
        at++; // opening quote
        while (true)
        {
            if (at == code.Length || code[at] is '\n' or '\r' or '\u2028' or '\u2029' or '\u0085')
                throw error("unterminated string literal");
            char c = code[at++];
            if (c == '"')
                return value.ToString();
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (at == code.Length)
                throw error("unterminated escape");
            char e = code[at++];
            switch (e)
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case '\'': value.Append('\''); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case '0': value.Append('\0'); break;
                case 'u' when at + 4 <= code.Length && ushort.TryParse(code.AsSpan(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u):
                    value.Append((char)u);
                    at += 4;
                    break;
                default: throw error($"escape '\\{e}' is not one this writer uses");
            }
        }
    }

    /// <summary>Checks that <paramref name="code"/> parses to exactly these assignments (names, values, order).</summary>
    public void Verify(string code)
    {
        var parsed = Parse(code);
        if (parsed.Count != Assignments.Count || parsed.Zip(Assignments).Any(p => p.First.Key != p.Second.Key || !Equals(p.First.Value, p.Second.Value)))
            throw new FormatException($"Injected code does not give back the profile's values: {code}");
    }
}
