using System.Diagnostics.CodeAnalysis;

namespace FastAgi.Protocol;

/// <summary>Thrown when the peer's bytes break the FastAGI protocol; the connection cannot continue.</summary>
public sealed class AgiProtocolException : Exception
{
    /// <summary>Creates an exception for <paramref name="error"/> with a human-readable <paramref name="message"/>.</summary>
    public AgiProtocolException(AgiProtocolError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>What was wrong with the input.</summary>
    public AgiProtocolError Error { get; }

    [DoesNotReturn]
    internal static void Throw(AgiProtocolError error, string message) => throw new AgiProtocolException(error, message);
}
