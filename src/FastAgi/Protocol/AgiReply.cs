using System.Globalization;

namespace FastAgi.Protocol;

/// <summary>One complete reply from Asterisk to one AGI command, such as <c>200 result=1 (value)</c>, <c>510 Invalid or unknown command</c> or a multi-line <c>520</c> usage block.</summary>
public sealed class AgiReply
{
    private const string ResultPrefix = "result=";

    private readonly int _resultLength;
    private readonly int _dataStart;
    private readonly int _dataLength;
    private readonly int _extraStart;

    /// <summary>Creates a reply from its status code and the text after the code (for example <c>result=1 (value)</c>).</summary>
    /// <param name="statusCode">The three-digit status, such as 200, 510, 511 or 520.</param>
    /// <param name="text">Everything after <c>NNN </c> on the first line; for a data value that contained line feeds, the lines joined with <c>\n</c>.</param>
    /// <param name="usage">For a multi-line 520 reply, the usage text between the first and last line.</param>
    public AgiReply(int statusCode, string text, string? usage = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        StatusCode = statusCode;
        Text = text;
        Usage = usage;
        _dataStart = -1;
        _extraStart = text.Length;

        // ast_agi_send() formats results as "200 result=%d", "200 result=%d (%s)", "200 result=%d endpos=%ld",
        // "200 result=%d (%s) endpos=%ld", GET DATA's "200 result=%s (timeout)" and GOSUB's free text.
        if (!text.StartsWith(ResultPrefix, StringComparison.Ordinal))
        {
            _resultLength = -1;
            return;
        }

        int resultEnd = text.IndexOf(' ', ResultPrefix.Length);
        if (resultEnd < 0)
        {
            resultEnd = text.Length;
        }

        _resultLength = resultEnd - ResultPrefix.Length;
        int rest = Math.Min(resultEnd + 1, text.Length);
        if (rest < text.Length && text[rest] == '(')
        {
            // The data is not escaped and may contain parentheses: it runs from the first '(' to the last ')'.
            int close = text.LastIndexOf(')');
            if (close > rest)
            {
                _dataStart = rest + 1;
                _dataLength = close - rest - 1;
                rest = Math.Min(close + 2, text.Length);
            }
        }

        _extraStart = rest;
    }

    /// <summary>The three-digit status: 200 success, 100 interim (GOSUB), 510 unknown command, 511 dead channel, 520 usage error, 503 allocation failure.</summary>
    public int StatusCode { get; }

    /// <summary>Everything after the status code on the reply line, verbatim.</summary>
    public string Text { get; }

    /// <summary>For a multi-line <c>520</c> reply, the usage text Asterisk sent (raw, XML markup included); otherwise <see langword="null"/>.</summary>
    public string? Usage { get; }

    /// <summary>Whether the reply has a <c>result=</c> field.</summary>
    public bool HasResult => _resultLength >= 0;

    /// <summary>The raw text of <c>result=</c>: a number for most commands, the digits for GET DATA (which may be empty); empty when absent.</summary>
    public string Result => _resultLength switch
    {
        < 0 or 0 => string.Empty,
        1 when Text[ResultPrefix.Length] == '0' => "0",
        1 when Text[ResultPrefix.Length] == '1' => "1",
        2 when Text[ResultPrefix.Length] == '-' && Text[ResultPrefix.Length + 1] == '1' => "-1",
        _ => Text.Substring(ResultPrefix.Length, _resultLength),
    };

    /// <summary>The result as a number, or <see langword="null"/> when it is absent, empty or not numeric.</summary>
    public long? ResultCode => _resultLength > 0
        && long.TryParse(Text.AsSpan(ResultPrefix.Length, _resultLength), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : null;

    /// <summary>The text in parentheses after the result (<c>200 result=1 (value)</c> gives <c>value</c>), or <see langword="null"/> when there is none.</summary>
    public string? Data => _dataStart < 0 ? null : Text.Substring(_dataStart, _dataLength);

    /// <summary>Whatever follows the result and the data, such as <c>endpos=8000</c> or GOSUB's <c>Gosub complete</c>; empty when nothing does.</summary>
    public string Extra => _extraStart >= Text.Length ? string.Empty : Text[_extraStart..];

    /// <summary>The <c>endpos=</c> value of playback and recording replies, or <see langword="null"/>.</summary>
    public long? EndPosition => TryGetExtraValue("endpos", out ReadOnlySpan<char> value)
        && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long position)
            ? position
            : null;

    /// <summary>Whether the status is 200.</summary>
    public bool IsSuccess => StatusCode == 200;

    /// <summary>Gets the value of a <c>key=value</c> word in <see cref="Extra"/>, such as <c>endpos</c>.</summary>
    public bool TryGetExtraValue(string key, out ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ReadOnlySpan<char> extra = _extraStart >= Text.Length ? default : Text.AsSpan(_extraStart);
        while (!extra.IsEmpty)
        {
            int space = extra.IndexOf(' ');
            ReadOnlySpan<char> word = space < 0 ? extra : extra[..space];
            if (word.Length > key.Length && word[key.Length] == '=' && word.StartsWith(key, StringComparison.Ordinal))
            {
                value = word[(key.Length + 1)..];
                return true;
            }

            extra = space < 0 ? default : extra[(space + 1)..];
        }

        value = default;
        return false;
    }

    /// <summary>The reply as Asterisk sent it, for logs and messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{StatusCode} {Text}");
}
