using System.Globalization;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Testing.Engine;

namespace FastAgi.Testing;

/// <summary>One fake call in progress: sends the environment, then reads commands and answers them until the server closes.</summary>
internal sealed partial class FakeCallRun
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly FakeAsterisk _fake;
    private readonly AsteriskEngine _engine;
    private readonly ServerConnection _connection;
    private readonly List<FakeCommand> _commands = [];
    private readonly List<string> _transcript = [];
    private readonly List<CommandMatcher> _hangupDuring;
    private int _cursor;
    private bool _asteriskClosed;
    private bool _hangupReleased;
    private bool _signalled;
    private int _sentAfterClose;
    private FakeCallEnding _ending = FakeCallEnding.ServerClosed;
    private string? _failure;
    private bool _failureLineExpected;
    private Task<(ServerConnection.LineKind Kind, byte[] Bytes, bool MoreBuffered)>? _pendingRead;

    public FakeCallRun(FakeAsterisk fake, ServerConnection connection)
    {
        _fake = fake;
        _connection = connection;
        _hangupDuring = [.. fake.HangupDuring];
        _engine = new AsteriskEngine(fake.Channel, new AsteriskEngineOptions
        {
            EndlessWaitHangsUp = fake.Options.EndlessWaitHangsUp,
            UsageAvailable = fake.Options.UsageAvailable,
        });
        if (fake.Replay is null)
        {
            fake.Channel.ApplyEnvironment(fake.Environment.Build());
        }
        else
        {
            fake.Channel.ApplyEnvironment(fake.Replay.Environment);
        }
    }

    private TimeSpan Timeout => _fake.Options.Timeout;

    /// <summary>The result of a call that never connected.</summary>
    public static FakeCallResult NotConnected(FakeAsterisk fake, string message)
    {
        List<AgiExpectation> unmet = [.. fake.Plan.OfType<PlanStep.Expectation>().Select(static step => step.Value)];
        return new FakeCallResult(FakeCallEnding.ConnectionFailed, message, [], new AsteriskEngine(fake.Channel), "** " + message + "\n", unmet, null);
    }

    /// <summary>Plays the call to its end; never throws for anything the server does (that becomes the result), only for cancellation.</summary>
    public async Task<FakeCallResult> RunAsync(Task? server, Func<Exception?> scriptException, CancellationToken cancellationToken)
    {
        try
        {
            await ConverseAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _connection.CloseOutputAsync().ConfigureAwait(false);
        }

        await _connection.CloseInputAsync().ConfigureAwait(false);
        if (_pendingRead is { } pending)
        {
            // Read while a HANGUP waited and never needed: whatever it ends with is of no interest now.
            _ = pending.ContinueWith(static read => read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        if (server is not null)
        {
            await WaitForServerAsync(server, cancellationToken).ConfigureAwait(false);
        }

        List<AgiExpectation> unmet = [.. _fake.Plan.Skip(_cursor).OfType<PlanStep.Expectation>().Select(static step => step.Value)];
        if (_failure is null && unmet.Count > 0)
        {
            _failure = Describe(
                $"The call ended ({EndingText()}), but the script never sent {Quote(unmet[0].Description)}.",
                expected: unmet[0].Description,
                actual: "(nothing: the call was over)",
                unmet);
        }

        Exception? thrown = scriptException();
        if (_failure is null && thrown is not null)
        {
            _failure = Describe($"The script threw {thrown.GetType().Name}: {thrown.Message}", null, null, unmet);
        }

        if (_failure is null && _ending == FakeCallEnding.FailureLine && !_failureLineExpected)
        {
            _failure = Describe(UnexpectedFailureLine(), expected: "the script's commands, then the connection closing", actual: "a 'failure' line: AGISTATUS=FAILURE", unmet);
        }

        return new FakeCallResult(_ending, _failure, _commands, _engine, Transcript(), unmet, thrown);
    }

    private async Task ConverseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendEnvironmentAsync(cancellationToken).ConfigureAwait(false);
            if (!await AfterReplyAsync(0, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            while (true)
            {
                (ServerConnection.LineKind kind, byte[] bytes, bool moreBuffered) = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                switch (kind)
                {
                    case ServerConnection.LineKind.EndOfStream:
                        await OnServerClosedAsync(cancellationToken).ConfigureAwait(false);
                        return;
                    case ServerConnection.LineKind.Reset:
                        Note("the server closed the connection (reset: it left bytes of Asterisk's unread)");
                        if (!_engine.IsEnded)
                        {
                            _engine.ServerClosed();
                        }

                        return;
                    case ServerConnection.LineKind.PartialAtEnd:
                        Violation($"The server closed the connection in the middle of a line ({Quote(Show(bytes))} without LF): Asterisk would run it as a command.");
                        return;
                    case ServerConnection.LineKind.TooLong:
                        Violation($"The server sent a command line longer than {ServerConnection.MaxLineLength} bytes ({Quote(Show(bytes.AsSpan(0, 60)) + "…")}): Asterisk reads at most 8191 bytes, LF included, and would run the rest as another command.");
                        return;
                }

                IReadOnlyList<string> lineWords = AsteriskTokenizer.Split(Utf8.GetString(bytes));
                bool fence = AgiReplyFence.IsFence(lineWords);
                if (_asteriskClosed)
                {
                    // Asterisk has left the AGI; what the server still sends is never read (04i).
                    Note(fence ? $"fence ignored after Asterisk closed: {Show(bytes)}" : $"ignored after Asterisk closed: {Show(bytes)}");
                    if (!fence && _fake.Replay is { } replay && !SentAfterCloseAsRecorded(replay, bytes))
                    {
                        return;
                    }

                    continue;
                }

                if (fence)
                {
                    if (!await AnswerFenceAsync(bytes, lineWords[3], moreBuffered, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (!await HandleCommandAsync(bytes, moreBuffered, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (TimeoutException ex)
        {
            Fail(FakeCallEnding.TimedOut, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            Fail(FakeCallEnding.ConnectionFailed, $"The connection failed: {ex.Message}");
        }
    }

    private async Task<bool> HandleCommandAsync(byte[] bytes, bool moreBuffered, CancellationToken cancellationToken)
    {
        string text = Utf8.GetString(bytes);
        IReadOnlyList<string> words = AsteriskTokenizer.Split(text);
        var command = new FakeCommand(_commands.Count + 1, text, words);
        _commands.Add(command);
        Traffic(FakeTrafficKind.Command, Show(bytes));
        FakeCommand? previous = _commands.Count > 1 ? _commands[^2] : null;

        if (moreBuffered || _connection.HasUnreadInput())
        {
            Violation(previous is null || !moreBuffered
                ? $"The server sent more bytes after {Quote(text)} before Asterisk replied to it (pipelining): Asterisk runs one command at a time, and a command sent early aborts STREAM FILE, GET DATA and GET OPTION without a reply."
                : $"The server sent {Quote(text)} together with the next command, before Asterisk replied (pipelining): Asterisk would leave the second one unread until more bytes arrive.");
            return false;
        }

        if (bytes.AsSpan().IndexOfAny((byte)'\r', (byte)0) is >= 0 and int bad)
        {
            Violation(bytes[bad] == '\r'
                ? $"The server sent a CR in {Quote(Show(bytes))}: Asterisk ends commands at LF only and keeps the CR in the last word ('NOOP\\r' is an unknown command)."
                : $"The server sent a NUL byte in {Quote(Show(bytes))}: Asterisk's C string ends there and it merges the rest with the next line.");
            return false;
        }

        AgiExpectation? head = _cursor < _fake.Plan.Count && _fake.Plan[_cursor] is PlanStep.Expectation step ? step.Value : null;
        AgiExpectation? matched = head is not null && head.Matcher.Matches(bytes, words) ? head : null;

        // run_agi() checks for "failure" before parsing: it is the end of the AGI, not a command.
        if (text.StartsWith("failure", StringComparison.OrdinalIgnoreCase))
        {
            return await OnFailureLineAsync(command, matched, cancellationToken).ConfigureAwait(false);
        }

        if (matched is null && (_fake.Options.Strict || _fake.Replay is not null))
        {
            Fail(FakeCallEnding.UnexpectedCommand, Describe(
                head is null
                    ? $"The script sent {Quote(text)}, but the fake Asterisk expected no more commands (strict mode): the script should have ended."
                    : $"The script sent {Quote(text)}, but the fake Asterisk expected {Quote(head.Description)}.",
                expected: head?.Description ?? "(no more commands: the connection closing)",
                actual: AsteriskTokenizer.Join(words) is { Length: > 0 } joined ? joined : Show(bytes),
                [.. _fake.Plan.Skip(_cursor).OfType<PlanStep.Expectation>().Select(static s => s.Value)]));
            return false;
        }

        bool hangUpDuring = TakeHangupDuring(bytes, words);
        FakeCommandContext? context = null;
        if (_fake.CommandHandler is { } handler)
        {
            context = new FakeCommandContext(command, _engine);
            await handler(context, cancellationToken).ConfigureAwait(false);
            hangUpDuring |= context.HangUpRequested;
        }

        List<(byte[] Chunk, FakeTrafficKind Kind)> writes;
        IReadOnlyList<TimeSpan>? pauses = null;
        bool endsSession;
        if (context?.ReplyText is { } typed)
        {
            (writes, endsSession) = RawReply(command, SplitLines(typed));
        }
        else if (!hangUpDuring && matched?.RawReply is { } raw)
        {
            (writes, endsSession) = RawReply(command, raw);
            pauses = matched.RawPauses;
        }
        else
        {
            ForcedOutcome? forced = hangUpDuring ? new ForcedOutcome(ForcedKind.HangUp) : matched?.Forced;
            AsteriskResponse response;
            try
            {
                response = _engine.Execute(text, forced);
            }
            catch (InvalidOperationException ex)
            {
                Fail(FakeCallEnding.UnexpectedCommand, Describe(ex.Message, matched?.Description, text, []));
                return false;
            }

            if (response.BlockedReason is { } blocked)
            {
                Fail(FakeCallEnding.Blocked, Describe(blocked, null, null, []));
                return false;
            }

            command.Reply = response.Reply;
            command.HungUp = response.HungUp;
            endsSession = response.EndsSession;
            writes = [.. response.Lines.Select(line => (Utf8.GetBytes(line), line == "HANGUP\n" ? FakeTrafficKind.Hangup : FakeTrafficKind.Reply))];
        }

        if (matched is not null)
        {
            matched.MatchedBy = command;
            command.Expectation = matched;
            _cursor++;
        }

        if (!await HoldReplyAsync(command, matched, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await WriteAllAsync(writes, cancellationToken, pauses: pauses).ConfigureAwait(false);
        if (endsSession)
        {
            await AsteriskClosesAsync().ConfigureAwait(false);
            return true;
        }

        if (matched?.HangsUpAfter == true && !await ApplyAsync(_engine.HangUp(), "caller hangs up", cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return await AfterReplyAsync(command.Number, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a fence (<see cref="AgiReplyFence"/>) as Asterisk answers any GET FULL VARIABLE of plain text, dead channel
    /// included: <c>200 result=1 (token)</c>. A fence marks the end of the reply before it, so it is not one of the script's
    /// commands: it matches no expectation and is not in <see cref="FakeCallResult.Commands"/>.
    /// </summary>
    private async Task<bool> AnswerFenceAsync(byte[] bytes, string token, bool moreBuffered, CancellationToken cancellationToken)
    {
        string line = Show(bytes);
        Traffic(FakeTrafficKind.FenceCommand, line);
        if (_commands.Count == 0)
        {
            Violation($"The server sent the fence '{line}' before any command: a fence follows the start of a reply.");
            return false;
        }

        if (moreBuffered || _connection.HasUnreadInput())
        {
            Violation($"The server sent more bytes after the fence '{line}' before Asterisk replied to it (pipelining).");
            return false;
        }

        await WriteAllAsync([(Utf8.GetBytes($"200 result=1 ({token})\n"), FakeTrafficKind.FenceReply)], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Waits as the expectation asks before replying; <see langword="false"/> when the server sent something meanwhile (pipelining).</summary>
    private async Task<bool> HoldReplyAsync(FakeCommand command, AgiExpectation? matched, CancellationToken cancellationToken)
    {
        if (matched?.ReplyRelease is { } release)
        {
            Note($"the reply to '{command.Line}' waits for the test");
            await WaitForTestAsync(release, $"the test to release the reply to '{command.Line}'", cancellationToken).ConfigureAwait(false);
        }

        bool early = matched?.SilenceBeforeReply > TimeSpan.Zero
            && await _connection.InputArrivesWithinAsync(matched.SilenceBeforeReply, cancellationToken).ConfigureAwait(false);
        if (early || _connection.HasUnreadInput())
        {
            Violation($"The server sent more bytes while Asterisk was still running {Quote(command.Line)}, before its reply (pipelining): Asterisk runs one command at a time, and a command sent early aborts STREAM FILE, GET DATA and GET OPTION without a reply.");
            return false;
        }

        return true;
    }

    private async Task<bool> OnFailureLineAsync(FakeCommand command, AgiExpectation? matched, CancellationToken cancellationToken)
    {
        if (matched is not null)
        {
            matched.MatchedBy = command;
            command.Expectation = matched;
            _cursor++;
            _failureLineExpected = true;
        }

        // run_agi() leaves the loop at once: HANGUP (AGISIGHUP), then the socket closes (05e).
        AsteriskResponse response = _engine.Execute(command.Line);
        _ending = FakeCallEnding.FailureLine;
        Note("the server ended the AGI with a 'failure' line: AGISTATUS=FAILURE");
        await WriteAllAsync([.. response.Lines.Select(line => (Utf8.GetBytes(line), FakeTrafficKind.Hangup))], cancellationToken).ConfigureAwait(false);
        await AsteriskClosesAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Why the server ended the AGI with a <c>failure</c> line no expectation asked for, from the <c>FASTAGI_ERROR</c> it set.</summary>
    private string UnexpectedFailureLine()
    {
        string? error = _commands.LastOrDefault(static c => c.Words is ["SET", "VARIABLE", "FASTAGI_ERROR", _])?.Words[3];
        string path = _fake.Environment.Build().FirstOrDefault(static line => line.Key == "agi_network_script").Value ?? string.Empty;
        const string Hint = " Expect(\"failure\") if the test means the call to fail.";
        return error switch
        {
            "NOTFOUND" => $"No script is mapped to the call's script path '{path}': the server answered FASTAGI_ERROR=NOTFOUND and ended the AGI with a 'failure' line (AGISTATUS=FAILURE). Set the path the script is mapped to with Environment.Script(\"ivr/main\"), or call CallAsync with the script itself.{Hint}",
            "EXCEPTION" => $"The script for '{path}' threw on the server: it answered FASTAGI_ERROR=EXCEPTION and ended the AGI with a 'failure' line (AGISTATUS=FAILURE); the server's log has the exception.{Hint}",
            null => $"The server ended the AGI with a 'failure' line (AGISTATUS=FAILURE) without setting FASTAGI_ERROR.{Hint}",
            _ => $"The server answered FASTAGI_ERROR={error} and ended the AGI with a 'failure' line (AGISTATUS=FAILURE).{Hint}",
        };
    }

    /// <summary>After each reply (and after the environment, as command 0): hangups due now, then the caller's steps up to the next expectation.</summary>
    private async Task<bool> AfterReplyAsync(int commandNumber, CancellationToken cancellationToken)
    {
        if (_asteriskClosed)
        {
            return true;
        }

        if (_fake.Replay is { } replay && commandNumber == 0 && replay.AfterEnvironment.Count > 0)
        {
            await WriteRawAsync(replay.AfterEnvironment, cancellationToken).ConfigureAwait(false);
        }

        if (_fake.HangupAfterCounts.Contains(commandNumber) && !await ApplyAsync(_engine.HangUp(), "caller hangs up", cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        while (_cursor < _fake.Plan.Count && _fake.Plan[_cursor] is PlanStep.CallerAction action)
        {
            _cursor++;
            if (_engine.IsEnded)
            {
                continue;
            }

            AsteriskResponse? response = action.Apply(_engine);
            if (response is null)
            {
                Note(action.Description);
            }
            else if (!await ApplyAsync(response, action.Description, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        if (_fake.Replay?.AsteriskClosesAfter == commandNumber)
        {
            await AsteriskClosesAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Writes an event's lines (a hangup); returns <see langword="false"/> when Asterisk then left the AGI.</summary>
    private async Task<bool> ApplyAsync(AsteriskResponse response, string note, CancellationToken cancellationToken)
    {
        Note(note);
        await WriteAllAsync([.. response.Lines.Select(line => (Utf8.GetBytes(line), FakeTrafficKind.Hangup))], cancellationToken).ConfigureAwait(false);
        if (response.EndsSession)
        {
            await AsteriskClosesAsync().ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task AsteriskClosesAsync()
    {
        if (_asteriskClosed)
        {
            return;
        }

        _asteriskClosed = true;
        if (_ending == FakeCallEnding.ServerClosed)
        {
            _ending = FakeCallEnding.AsteriskClosed;
        }

        Note("Asterisk leaves the AGI and closes the connection");
        await _connection.CloseOutputAsync().ConfigureAwait(false);
    }

    private async Task OnServerClosedAsync(CancellationToken cancellationToken)
    {
        Note("the server closed the connection");
        if (_asteriskClosed)
        {
            return;
        }

        // After the loop run_agi() writes one more HANGUP (it reaches the server after a half-close), then closes (04a, 05g).
        if (_fake.Replay is { } replay)
        {
            await WriteRawAsync(replay.AfterServerClosed, cancellationToken, ignoreErrors: true).ConfigureAwait(false);
        }
        else if (!_engine.IsEnded)
        {
            AsteriskResponse response = _engine.ServerClosed();
            if (_fake.Options.HangupSignal is not null)
            {
                // Classic AGI: a program that closed stdout gets no signal; Asterisk just waits for it to exit (c06).
                return;
            }

            await WriteAllAsync([.. response.Lines.Select(line => (Utf8.GetBytes(line), FakeTrafficKind.Hangup))], cancellationToken, ignoreErrors: true).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a line the server sent after Asterisk closed is the next one the recorded server sent then; fails the call if not.</summary>
    private bool SentAfterCloseAsRecorded(ReplayScript replay, byte[] bytes)
    {
        IReadOnlyList<string> words = AsteriskTokenizer.Split(Utf8.GetString(bytes));
        if (_sentAfterClose < replay.SentAfterAsteriskClosed.Count && replay.SentAfterAsteriskClosed[_sentAfterClose].Matches(bytes, words))
        {
            _sentAfterClose++;
            return true;
        }

        string recorded = _sentAfterClose < replay.SentAfterAsteriskClosed.Count ? replay.SentAfterAsteriskClosed[_sentAfterClose].Description : "(nothing more)";
        Fail(FakeCallEnding.UnexpectedCommand, Describe(
            $"After Asterisk closed the connection, the script sent {Quote(Show(bytes))}, but the recorded server sent {Quote(recorded)}.",
            expected: recorded,
            actual: Show(bytes),
            []));
        return false;
    }

    private bool TakeHangupDuring(byte[] bytes, IReadOnlyList<string> words)
    {
        int index = _hangupDuring.FindIndex(matcher => matcher.Matches(bytes, words));
        if (index < 0)
        {
            return false;
        }

        _hangupDuring.RemoveAt(index);
        return true;
    }

    private (List<(byte[] Chunk, FakeTrafficKind Kind)> Writes, bool EndsSession) RawReply(FakeCommand command, IReadOnlyList<byte[]> chunks)
    {
        var writes = new List<(byte[], FakeTrafficKind)>(chunks.Count);
        foreach (byte[] chunk in chunks)
        {
            writes.Add((chunk, chunk.AsSpan().SequenceEqual("HANGUP\n"u8) ? FakeTrafficKind.Hangup : FakeTrafficKind.Reply));
        }

        // A chunk may hold several lines, or part of one (ReplyInPieces): the reply is every line but HANGUP.
        var reply = new StringBuilder();
        bool hangup = false;
        foreach (string line in Utf8.GetString([.. chunks.SelectMany(static chunk => chunk)]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line == "HANGUP")
            {
                hangup = true;
            }
            else
            {
                reply.Append(line).Append('\n');
            }
        }

        command.Reply = reply.ToString();
        _engine.NoteRawReply(command.Words, command.Reply, hangup);
        command.HungUp = hangup;
        return (writes, false);
    }

    /// <summary>A typed reply as the lines Asterisk would write one by one; a missing final LF is added.</summary>
    internal static List<byte[]> SplitLines(string reply)
    {
        string text = reply.EndsWith('\n') ? reply : reply + "\n";
        var lines = new List<byte[]>();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start) + 1;
            lines.Add(Utf8.GetBytes(text[start..end]));
            start = end;
        }

        return lines;
    }

    private string EndingText() => _ending switch
    {
        FakeCallEnding.FailureLine => "the server sent a 'failure' line",
        FakeCallEnding.AsteriskClosed => "Asterisk left the AGI",
        _ => "the server closed the connection",
    };

    private static string Quote(string text) => "'" + text + "'";

    /// <summary>Bytes as readable text: control characters escaped, for messages and the transcript.</summary>
    internal static string Show(ReadOnlySpan<byte> bytes)
    {
        string text = Utf8.GetString(bytes);
        var shown = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            _ = c switch
            {
                '\r' => shown.Append("\\r"),
                '\n' => shown.Append("\\n"),
                '\t' => shown.Append("\\t"),
                '\0' => shown.Append("\\0"),
                < ' ' or '\x7f' => shown.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => shown.Append(c),
            };
        }

        return shown.ToString();
    }
}
