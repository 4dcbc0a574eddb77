using System.Globalization;

namespace FastAgi.Routing;

/// <summary>
/// A parsed script path template such as <c>ivr/{tenant}/main</c>, <c>account/{id:int}</c>, <c>menu/{lang?}</c> or
/// <c>files/{*rest}</c>: literal segments compare case-insensitively, each <c>{name}</c> takes one segment, <c>{name?}</c>
/// may be missing at the end, and a last <c>{*name}</c> takes the rest of the path (none, one or more segments).
/// </summary>
internal sealed class AgiRouteTemplate
{
    private const string ConstraintList = "int, long, bool, guid, decimal, double, alpha, min(n), max(n), range(a,b), length(n), length(a,b), minlength(n), maxlength(n)";

    private static readonly System.Buffers.SearchValues<char> AsciiLetters = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly Segment[] _segments;

    private AgiRouteTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        Precedence = [.. segments.Select(static s => s.Rank)];
        IsLiteral = segments.All(static s => s.Kind == SegmentKind.Literal);
        ParameterNames = [.. segments.Where(static s => s.Kind != SegmentKind.Literal).Select(static s => s.Name)];

        // Templates that match exactly the same paths (whatever their parameter names) are the same route mapped twice.
        Shape = string.Join('/', segments.Select(static s => s.Kind == SegmentKind.Literal ? s.Name.ToUpperInvariant() : "{" + s.Rank + ":" + string.Join(',', s.Constraints.Select(static c => c.Text)) + "}"));
    }

    /// <summary>The template as mapped, without leading or trailing <c>/</c>: the route's name in metrics, logs and traces.</summary>
    public string Text { get; }

    /// <summary>Whether every segment is a literal, so the path matches it only as itself.</summary>
    public bool IsLiteral { get; }

    /// <summary>The parameters' names, in order.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Per segment: 1 literal, 2 constrained parameter, 3 parameter, 4 optional parameter, 5 catch-all. Lower is more specific.</summary>
    public int[] Precedence { get; }

    /// <summary>What the template matches, parameter names left out.</summary>
    internal string Shape { get; }

    /// <summary>Parses <paramref name="template"/>.</summary>
    /// <exception cref="FormatException">The template is malformed, names a parameter twice, or uses an unknown constraint.</exception>
    public static AgiRouteTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        string text = template.Trim('/');
        if (text.Length == 0)
        {
            return new AgiRouteTemplate(text, []);
        }

        string[] parts = text.Split('/');
        var segments = new Segment[parts.Length];
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            if (part.Length == 0)
            {
                throw Invalid(template, "has an empty segment ('//')");
            }

            if (!part.Contains('{', StringComparison.Ordinal) && !part.Contains('}', StringComparison.Ordinal))
            {
                segments[i] = new Segment(SegmentKind.Literal, part, []);
                continue;
            }

            if (part[0] != '{' || part[^1] != '}' || part.AsSpan(1, part.Length - 2).IndexOfAny('{', '}') >= 0)
            {
                throw Invalid(template, $"has '{part}': a parameter takes a whole segment, as {{name}}");
            }

            Segment segment = ParseParameter(template, part[1..^1]);
            if (!names.Add(segment.Name))
            {
                throw Invalid(template, $"names the parameter '{segment.Name}' twice");
            }

            bool last = i == parts.Length - 1;
            if (segment.Kind == SegmentKind.CatchAll && !last)
            {
                throw Invalid(template, $"has the catch-all '{{*{segment.Name}}}' before its end: it takes the rest of the path");
            }

            if (segment.Kind == SegmentKind.Optional && !last)
            {
                throw Invalid(template, $"has the optional '{{{segment.Name}?}}' before its end: only the last segment may be missing");
            }

            segments[i] = segment;
        }

        return new AgiRouteTemplate(text, segments);
    }

    /// <summary>The first segment when it is a literal (the routes are indexed by it), otherwise <see langword="null"/>.</summary>
    public string? FirstLiteral => _segments.Length > 0 && _segments[0].Kind == SegmentKind.Literal ? _segments[0].Name : null;

    /// <summary>The most segments a path can have and still match: more only for a catch-all.</summary>
    public int MaxSegments => _segments.Length;

    /// <summary>
    /// Matches a path without leading or trailing <c>/</c>, split into <paramref name="segments"/> (the last range holds the rest
    /// of the path when it has more segments than the split took); on success, <paramref name="values"/> holds the parameters'
    /// values. Only a match allocates: the values' strings.
    /// </summary>
    public bool TryMatch(string path, ReadOnlySpan<Range> segments, out AgiRouteValues values)
    {
        values = AgiRouteValues.Empty;
        int length = _segments.Length;
        SegmentKind last = length > 0 ? _segments[^1].Kind : SegmentKind.Literal;
        int required = last is SegmentKind.Optional or SegmentKind.CatchAll ? length - 1 : length;
        if (segments.Length < required || (last != SegmentKind.CatchAll && segments.Length > length))
        {
            return false;
        }

        for (int i = 0; i < length && i < segments.Length; i++)
        {
            Segment segment = _segments[i];
            ReadOnlySpan<char> value = path.AsSpan()[segments[i]];
            bool accepted = segment.Kind switch
            {
                SegmentKind.Literal => value.Equals(segment.Name, StringComparison.OrdinalIgnoreCase),
                SegmentKind.CatchAll => true,
                _ => !value.IsEmpty && segment.Accepts(value),
            };
            if (!accepted)
            {
                return false;
            }
        }

        if (ParameterNames.Count > 0)
        {
            var found = new KeyValuePair<string, string>[ParameterNames.Count];
            int count = 0;
            for (int i = 0; i < length; i++)
            {
                Segment segment = _segments[i];
                if (segment.Kind == SegmentKind.CatchAll)
                {
                    found[count++] = new(segment.Name, i < segments.Length ? path[segments[i].Start.GetOffset(path.Length)..] : string.Empty);
                }
                else if (segment.Kind != SegmentKind.Literal && i < segments.Length)
                {
                    found[count++] = new(segment.Name, path[segments[i]]);
                }
            }

            values = new AgiRouteValues(count == found.Length ? found : found[..count]);
        }

        return true;
    }

    /// <summary>Orders templates most specific first: segment by segment by <see cref="Precedence"/>, then the shorter one.</summary>
    public static int ComparePrecedence(AgiRouteTemplate left, AgiRouteTemplate right)
    {
        int shared = Math.Min(left.Precedence.Length, right.Precedence.Length);
        for (int i = 0; i < shared; i++)
        {
            int order = left.Precedence[i].CompareTo(right.Precedence[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return left.Precedence.Length.CompareTo(right.Precedence.Length);
    }

    /// <summary>
    /// Splits a path without leading or trailing <c>/</c> into at most <paramref name="segments"/>' length ranges (the last one
    /// holds the rest of a longer path) and returns how many it took: none for the empty path.
    /// </summary>
    public static int SplitPath(string path, Span<Range> segments) => path.Length == 0 ? 0 : path.AsSpan().Split(segments, '/');

    private static Segment ParseParameter(string template, string body)
    {
        SegmentKind kind = SegmentKind.Parameter;
        if (body.StartsWith("**", StringComparison.Ordinal))
        {
            (kind, body) = (SegmentKind.CatchAll, body[2..]);
        }
        else if (body.StartsWith('*'))
        {
            (kind, body) = (SegmentKind.CatchAll, body[1..]);
        }

        if (body.EndsWith('?'))
        {
            if (kind == SegmentKind.CatchAll)
            {
                throw Invalid(template, "has an optional catch-all: a catch-all already matches nothing");
            }

            (kind, body) = (SegmentKind.Optional, body[..^1]);
        }

        if (body.Contains('=', StringComparison.Ordinal))
        {
            throw Invalid(template, $"gives '{{{body}}}' a default value, which script paths do not support; make it optional with '?'");
        }

        string[] parts = SplitConstraints(template, body);
        string name = parts[0];
        if (name.Length == 0 || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw Invalid(template, $"has the parameter name '{name}': use letters, digits, '_' and '-'");
        }

        Constraint[] constraints = [.. parts.Skip(1).Select(text => Constraint.Parse(template, text))];
        if (kind == SegmentKind.CatchAll && constraints.Length > 0)
        {
            throw Invalid(template, $"constrains the catch-all '{name}', which takes segments of any kind");
        }

        return new Segment(kind == SegmentKind.Parameter && constraints.Length > 0 ? SegmentKind.ConstrainedParameter : kind, name, constraints);
    }

    /// <summary>Splits <c>name:int:range(1,9)</c> at colons outside parentheses.</summary>
    private static string[] SplitConstraints(string template, string body)
    {
        var parts = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            switch (body[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ':' when depth == 0:
                    parts.Add(body[start..i]);
                    start = i + 1;
                    break;
            }
        }

        if (depth != 0)
        {
            throw Invalid(template, $"has unbalanced parentheses in '{{{body}}}'");
        }

        parts.Add(body[start..]);
        return [.. parts];
    }

    private static FormatException Invalid(string template, string problem) => new($"The script path template '{template}' {problem}.");

    private enum SegmentKind
    {
        Literal = 1,
        ConstrainedParameter = 2,
        Parameter = 3,
        Optional = 4,
        CatchAll = 5,
    }

    private sealed record Segment(SegmentKind Kind, string Name, Constraint[] Constraints)
    {
        public int Rank => (int)Kind;

        public bool Accepts(ReadOnlySpan<char> value)
        {
            foreach (Constraint constraint in Constraints)
            {
                if (!constraint.Accepts(value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Whether a constraint takes a parameter's value.</summary>
    private delegate bool ValueCheck(ReadOnlySpan<char> value);

    /// <summary>A constraint on a parameter's value, with ASP.NET Core's names and meanings.</summary>
    private sealed record Constraint(string Text, ValueCheck Accepts)
    {
        public static Constraint Parse(string template, string text)
        {
            int open = text.IndexOf('(', StringComparison.Ordinal);
            string name = (open < 0 ? text : text[..open]).ToLowerInvariant();
            string[] arguments = open < 0 ? [] : text.EndsWith(')') ? text[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries) : throw Invalid(template, $"has the constraint '{text}' without its closing ')'");
            ValueCheck? accepts = (name, arguments.Length) switch
            {
                ("int", 0) => static v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
                ("long", 0) => static v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
                ("bool", 0) => static v => bool.TryParse(v, out _),
                ("guid", 0) => static v => Guid.TryParse(v, out _),
                ("decimal", 0) => static v => decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out _),
                ("double", 0) => static v => double.TryParse(v, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _),
                ("alpha", 0) => static v => v.Length > 0 && !v.ContainsAnyExcept(AsciiLetters),
                ("min", 1) => Number(arguments[0]) is var min ? v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n >= min : null,
                ("max", 1) => Number(arguments[0]) is var max ? v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n <= max : null,
                ("range", 2) => (Number(arguments[0]), Number(arguments[1])) is var (low, high) ? v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n >= low && n <= high : null,
                ("length", 1) => Number(arguments[0]) is var length ? v => v.Length == length : null,
                ("length", 2) => (Number(arguments[0]), Number(arguments[1])) is var (shortest, longest) ? v => v.Length >= shortest && v.Length <= longest : null,
                ("minlength", 1) => Number(arguments[0]) is var shortest ? v => v.Length >= shortest : null,
                ("maxlength", 1) => Number(arguments[0]) is var longest ? v => v.Length <= longest : null,
                _ => null,
            };
            return accepts is null
                ? throw Invalid(template, $"uses the unknown route constraint '{text}'; the constraints are {ConstraintList}")
                : new Constraint(text.ToLowerInvariant(), accepts);

            long Number(string argument) => long.TryParse(argument, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
                ? value
                : throw Invalid(template, $"gives the constraint '{text}' the argument '{argument}', which is not a whole number");
        }
    }
}
