using FastAgi.Protocol;

namespace FastAgi.Commands;

/// <summary>
/// Thrown by a typed command when Asterisk answered <c>520 Invalid command syntax</c>: the arguments did not fit the
/// command, for example SET PRIORITY with a label that does not exist in the current extension.
/// </summary>
/// <remarks>
/// The typed commands always send the argument count Asterisk expects, so this mostly reports a value Asterisk rejected
/// (an unknown priority label, a number it could not parse). <see cref="Usage"/> carries the usage text Asterisk sent.
/// </remarks>
public sealed class AgiUsageException : AgiCommandException
{
    /// <summary>Creates the exception for <paramref name="command"/> and the 520 <paramref name="reply"/>.</summary>
    /// <param name="command">The command words, such as <c>SET PRIORITY</c>.</param>
    /// <param name="reply">The 520 reply.</param>
    public AgiUsageException(string command, AgiReply reply)
        : base(command, reply, $"Asterisk rejected the arguments of '{command}' (520): {Describe(reply)}")
    {
    }

    /// <summary>
    /// The usage text Asterisk sent between <c>520-Invalid command syntax.  Proper usage follows:</c> and
    /// <c>520 End of proper usage.</c>: raw, with Asterisk's XML-doc markup still in it; <see langword="null"/> for the single-line
    /// <c>520 Invalid command syntax.  Proper usage not available.</c> of commands registered without documentation.
    /// </summary>
    public string? Usage => Reply.Usage;

    private static string Describe(AgiReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return AgiLogText.Escape(string.IsNullOrEmpty(reply.Usage) ? reply.Text : reply.Usage, 1000);
    }
}
