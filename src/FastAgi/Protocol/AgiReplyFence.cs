using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FastAgi.Protocol;

/// <summary>
/// Marks where a reply ends when its value may hold line feeds: a <c>GET FULL VARIABLE</c> of a random token, sent once the
/// reply has begun, whose own reply <c>200 result=1 (token)</c> follows the value's last byte.
/// </summary>
/// <remarks>
/// <para>
/// Asterisk writes values raw (<c>"200 result=1 (%s)\n"</c> in res_agi.c's handle_getvariable(), handle_getvariablefull(),
/// handle_dbget(), handle_recvtext()), so a value holding <c>)</c> and a line feed can end where it likes and can look like
/// further replies. Between one reply and reading the next command run_agi() writes nothing but <c>HANGUP\n</c>. So
/// everything from the reply's first byte to the fence's reply is that reply, followed by any <c>HANGUP</c> lines; the token
/// is 128 random bits, new for each fence, so no value can forge it.
/// </para>
/// <para>
/// The fence is sent only after the reply's first byte has arrived, when Asterisk has read the command: sooner, both
/// lines could land in one of Asterisk's reads and the fence would wait unread (no pipelining). GET FULL VARIABLE runs on
/// a dead channel too, and a token of letters and digits is returned as it is.
/// </para>
/// </remarks>
public sealed class AgiReplyFence
{
    /// <summary>The command a fence sends.</summary>
    public const string Command = "GET FULL VARIABLE";

    /// <summary>How every fence token starts, so that logs and the fake Asterisk can tell a fence from a script's own command.</summary>
    public const string TokenPrefix = "FASTAGI_FENCE_";

    private const int RandomBytes = 16;
    private const int TokenLength = 14 + (2 * RandomBytes);
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdef");
    private static readonly byte[] CommandHead = Encoding.ASCII.GetBytes(Command + " ");
    private static readonly byte[] ReplyHead = "\n200 result=1 ("u8.ToArray();

    // "GET FULL VARIABLE <token>\n" and "\n200 result=1 (<token>)\n": the reply with the LF that ends the line before it.
    private readonly byte[] _commandLine = new byte[CommandHead.Length + TokenLength + 1];
    private readonly byte[] _delimiter = new byte[ReplyHead.Length + TokenLength + 2];

    /// <summary>Creates a fence with a fresh random token.</summary>
    public AgiReplyFence()
    {
        CommandHead.CopyTo(_commandLine, 0);
        _commandLine[^1] = (byte)'\n';
        ReplyHead.CopyTo(_delimiter, 0);
        _delimiter[^2] = (byte)')';
        _delimiter[^1] = (byte)'\n';
        Renew();
    }

    /// <summary>The current token, such as <c>FASTAGI_FENCE_0f3a…</c>.</summary>
    public string Token => Encoding.ASCII.GetString(TokenBytes);

    /// <summary>The command line to write, LF included: <c>GET FULL VARIABLE FASTAGI_FENCE_…\n</c>.</summary>
    public ReadOnlySpan<byte> CommandLine => _commandLine;

    /// <summary>The fence's reply as Asterisk writes it, LF included: <c>200 result=1 (FASTAGI_FENCE_…)\n</c>.</summary>
    public ReadOnlySpan<byte> ReplyLine => _delimiter.AsSpan(1);

    /// <summary>The fence's reply with the LF that ends the line before it: what the parser searches for.</summary>
    internal ReadOnlySpan<byte> Delimiter => _delimiter;

    private ReadOnlySpan<byte> TokenBytes => _commandLine.AsSpan(CommandHead.Length, TokenLength);

    /// <summary>Whether a command's words (as Asterisk's tokenizer splits them) are a fence: <c>GET FULL VARIABLE FASTAGI_FENCE_</c> and 32 hex digits.</summary>
    public static bool IsFence(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        return words.Count == 4
            && string.Equals(words[0], "GET", StringComparison.OrdinalIgnoreCase)
            && string.Equals(words[1], "FULL", StringComparison.OrdinalIgnoreCase)
            && string.Equals(words[2], "VARIABLE", StringComparison.OrdinalIgnoreCase)
            && IsToken(words[3]);
    }

    /// <summary>Whether <paramref name="text"/> has the shape of a fence token.</summary>
    public static bool IsToken(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == TokenLength
            && text.StartsWith(TokenPrefix, StringComparison.Ordinal)
            && !text.AsSpan(TokenPrefix.Length).ContainsAnyExcept(HexDigits);
    }

    /// <summary>Draws a new random token, in place: one fence object serves every command of a session.</summary>
    public void Renew()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        Span<byte> token = _commandLine.AsSpan(CommandHead.Length, TokenLength);
        Encoding.ASCII.GetBytes(TokenPrefix, token);
        Convert.TryToHexStringLower(random, token[TokenPrefix.Length..], out _);
        token.CopyTo(_delimiter.AsSpan(ReplyHead.Length));
    }
}
