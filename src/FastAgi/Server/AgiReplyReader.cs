using System.Buffers;
using System.IO.Pipelines;
using FastAgi.Protocol;

namespace FastAgi.Server;

/// <summary>Reads what Asterisk writes after the environment block and hands it to the session: replies, <c>HANGUP</c> lines, the cue to send a fence.</summary>
internal static class AgiReplyReader
{
    /// <summary>Reads until the input ends or a pending read is cancelled (the script is done).</summary>
    /// <exception cref="AgiProtocolException">Asterisk's bytes broke the protocol; the call cannot go on.</exception>
    public static async Task ReadAsync(PipeReader input, AgiSession session, AgiProtocolLimits limits)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled)
            {
                return;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            bool replyStarted;
            try
            {
                replyStarted = DispatchReplies(ref reader, result.IsCompleted, session, limits);
            }
            finally
            {
                input.AdvanceTo(reader.Position, buffer.End);
            }

            if (replyStarted)
            {
                await session.OnReplyStartedAsync().ConfigureAwait(false);
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Hands every complete message in <paramref name="reader"/> to the session; returns <see langword="true"/> when a fenced
    /// reply has begun and its fence is due.
    /// </summary>
    private static bool DispatchReplies(ref SequenceReader<byte> reader, bool isFinalBlock, AgiSession session, AgiProtocolLimits limits)
    {
        if (isFinalBlock)
        {
            // A script that goes on from a reply below (inline, on this thread) must find the connection closed.
            session.OnInputEnded();
        }

        // Bytes read together with a reply arrived before the next command could be sent: only HANGUP can follow it.
        bool replied = false;
        while (true)
        {
            AgiReplyFence? fence = replied ? null : session.ActiveFence;
            AgiReply? reply;
            int hangups = 0;
            AgiReplyParseStatus status = fence is null
                ? AgiReplyParser.TryParse(ref reader, limits, out reply)
                : AgiReplyParser.TryParseFenced(ref reader, fence, isFinalBlock, limits, out reply, out hangups);
            switch (status)
            {
                case AgiReplyParseStatus.Incomplete:
                    if (replied && !IsHangupPrefix(reader.UnreadSequence))
                    {
                        AgiProtocolException.Throw(AgiProtocolError.UnexpectedReply, "Asterisk sent more than a HANGUP line right after a reply: the replies are out of step (a value holding a line feed read without a fence?).");
                    }

                    return false;
                case AgiReplyParseStatus.ReplyStarted:
                    return true;
                case AgiReplyParseStatus.Hangup:
                    session.OnHangup();
                    break;
                default:
                    if (replied)
                    {
                        throw AgiSession.UnexpectedReply(reply!, "right after the reply to the command in flight");
                    }

                    // HANGUP between the reply and the fence's reply: recorded before the script sees the reply, as when it
                    // comes in the same read.
                    if (hangups > 0)
                    {
                        session.OnHangup();
                    }

                    replied = session.OnReply(reply!);
                    break;
            }
        }
    }

    private static bool IsHangupPrefix(ReadOnlySequence<byte> rest)
    {
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest.Length > 6)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[(int)rest.Length];
        rest.CopyTo(bytes);
        return "HANGUP"u8.StartsWith(bytes);
    }
}
