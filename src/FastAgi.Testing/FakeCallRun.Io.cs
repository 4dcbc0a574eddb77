using System.Globalization;
using System.Text;
using FastAgi.Protocol;

namespace FastAgi.Testing;

internal sealed partial class FakeCallRun
{
    private async Task SendEnvironmentAsync(CancellationToken cancellationToken)
    {
        // setup_env() writes one line per write, then the blank line.
        IReadOnlyList<byte[]> lines = _fake.Replay?.EnvironmentChunks
            ?? [.. _fake.Environment.Build().Select(static v => Utf8.GetBytes($"{v.Key}: {v.Value}\n")).Append("\n"u8.ToArray())];
        string summary = string.Join(", ", EnvironmentSummary());
        foreach (byte[] line in lines)
        {
            _fake.TrafficObserver?.Invoke(new FakeTraffic(FakeTrafficKind.Environment, Show(line.AsSpan(0, Math.Max(0, line.Length - 1)))));
            await WriteChunkAsync(line, "the environment block", cancellationToken).ConfigureAwait(false);
        }

        _transcript.Add(string.Create(CultureInfo.InvariantCulture, $"<- (environment, {lines.Count - 1} lines: {summary})"));
    }

    private IEnumerable<string> EnvironmentSummary()
    {
        IEnumerable<KeyValuePair<string, string>> environment = _fake.Replay?.Environment ?? _fake.Environment.Build();
        foreach ((string name, string value) in environment)
        {
            if (name is "agi_network_script" or "agi_channel" or "agi_callerid" || name.StartsWith("agi_arg_", StringComparison.Ordinal))
            {
                yield return $"{name}: {value}";
            }
        }
    }

    private async Task<(ServerConnection.LineKind Kind, byte[] Bytes, bool MoreBuffered)> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (_pendingRead is { } pending)
            {
                // A line read while a HANGUP waited for the test (see WaitAnsweringFencesAsync).
                _pendingRead = null;
                return await pending.WaitAsync(timeout.Token).ConfigureAwait(false);
            }

            return await _connection.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string after = _commands.Count == 0
                ? "after the environment block"
                : $"after the reply to '{_commands[^1].Line}'";
            string what = _asteriskClosed
                ? "the server to close the connection after Asterisk closed it"
                : "the script's next command or for the server to close the connection";
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Timed out after {Timeout.TotalSeconds:0.###} s waiting for {what} ({after}). A script that never returns, or a server that does not close the connection when the script ends, hangs Asterisk's channel the same way."));
        }
    }

    private async Task WriteAllAsync(List<(byte[] Chunk, FakeTrafficKind Kind)> writes, CancellationToken cancellationToken, bool ignoreErrors = false, IReadOnlyList<TimeSpan>? pauses = null)
    {
        for (int i = 0; i < writes.Count; i++)
        {
            (byte[] chunk, FakeTrafficKind kind) = writes[i];
            string shown = Show(chunk.AsSpan(0, chunk.Length > 0 && chunk[^1] == '\n' ? chunk.Length - 1 : chunk.Length));
            try
            {
                if (kind == FakeTrafficKind.Hangup && _fake.Options.HangupSignal is { } signal)
                {
                    // Classic AGI: the hangup is SIGHUP, sent once; Asterisk writes no HANGUP line to a local script.
                    if (!_signalled)
                    {
                        _signalled = true;
                        Note("SIGHUP (classic AGI: Asterisk writes no HANGUP line)");
                        signal();
                    }

                    continue;
                }

                if (kind == FakeTrafficKind.Hangup && _fake.HangupRelease is { } release && !_hangupReleased)
                {
                    _hangupReleased = true;
                    Note("the HANGUP line waits for the test");
                    await WaitAnsweringFencesAsync(release, cancellationToken).ConfigureAwait(false);
                }

                if (pauses is not null && i < pauses.Count && pauses[i] > TimeSpan.Zero)
                {
                    // Reproduces how the bytes reached the server (see ReplyInPieces, ReplayPauses), not a wait for state.
                    await Task.Delay(pauses[i], cancellationToken).ConfigureAwait(false);
                }

                Traffic(kind, shown);
                await WriteChunkAsync(chunk, $"the reply '{shown}'", cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ignoreErrors && ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException or TimeoutException)
            {
                return;
            }
        }
    }

    private Task WriteRawAsync(IReadOnlyList<byte[]> chunks, CancellationToken cancellationToken, bool ignoreErrors = false)
        => WriteAllAsync([.. chunks.Select(static chunk => (chunk, chunk.AsSpan().SequenceEqual("HANGUP\n"u8) ? FakeTrafficKind.Hangup : FakeTrafficKind.Reply))], cancellationToken, ignoreErrors);

    private async Task WriteChunkAsync(byte[] chunk, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await _connection.WriteAsync(chunk, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Timed out after {Timeout.TotalSeconds:0.###} s sending {what}: the server does not read."));
        }
    }

    /// <summary>
    /// Waits for the test to release a HANGUP line, answering the fences the server sends meanwhile: until the caller hangs
    /// up, Asterisk goes on answering, and a fence follows the reply just written. Any other line is left for the main loop.
    /// </summary>
    private async Task WaitAnsweringFencesAsync(Task release, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        while (!release.IsCompleted && _pendingRead is null)
        {
            Task<(ServerConnection.LineKind Kind, byte[] Bytes, bool MoreBuffered)> read = _connection.ReadLineAsync(cancellationToken).AsTask();
            await ((Task)Task.WhenAny(release, read).WaitAsync(timeout.Token)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!read.IsCompleted)
            {
                _pendingRead = read;
                break;
            }

            (ServerConnection.LineKind kind, byte[] bytes, bool more) = await read.ConfigureAwait(false);
            IReadOnlyList<string> words = kind == ServerConnection.LineKind.Line ? Engine.AsteriskTokenizer.Split(Utf8.GetString(bytes)) : [];
            if (!AgiReplyFence.IsFence(words))
            {
                _pendingRead = read;
                break;
            }

            if (!await AnswerFenceAsync(bytes, words[3], more, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        await WaitForTestAsync(release, "the test to release the HANGUP line", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a task of the test's, bounded by the timeout; what the task threw is the test's business.</summary>
    private async Task WaitForTestAsync(Task release, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await release.WaitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!release.IsCompleted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Timed out after {Timeout.TotalSeconds:0.###} s waiting for {what}."));
        }
    }

    private async Task WaitForServerAsync(Task server, CancellationToken cancellationToken)
    {
        try
        {
            await server.WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!server.IsCompleted)
        {
            if (_failure is null)
            {
                Fail(FakeCallEnding.TimedOut, string.Create(CultureInfo.InvariantCulture, $"The connection is closed, but the in-process server had not finished the call after {Timeout.TotalSeconds:0.###} s: the script ignores its hangup token."));
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            if (_failure is null)
            {
                Fail(FakeCallEnding.ConnectionFailed, $"The in-process server failed: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private void Violation(string message)
    {
        Note("protocol violation: " + message);
        Fail(FakeCallEnding.ProtocolViolation, Describe(message, null, null, []));
    }

    private void Fail(FakeCallEnding ending, string message)
    {
        _ending = ending;
        if (ending is FakeCallEnding.TimedOut or FakeCallEnding.ConnectionFailed)
        {
            Note(message);
            message = Describe(message, null, null, []);
        }

        _failure ??= message;
    }

    private void Note(string text) => Traffic(FakeTrafficKind.Note, text);

    private void Traffic(FakeTrafficKind kind, string text)
    {
        var traffic = new FakeTraffic(kind, text);
        _transcript.Add(traffic.ToString());
        _fake.TrafficObserver?.Invoke(traffic);
    }

    private string Transcript() => string.Concat(_transcript.Select(static line => line + "\n"));

    /// <summary>A failure message: what went wrong, expected and actual when there are both, the conversation so far, what was still expected.</summary>
    private string Describe(string problem, string? expected, string? actual, List<AgiExpectation> stillExpected)
    {
        var message = new StringBuilder(problem).Append('\n');
        if (expected is not null || actual is not null)
        {
            message.Append("  expected: ").Append(expected ?? "(nothing)").Append('\n');
            message.Append("  actual:   ").Append(actual ?? "(nothing)").Append('\n');
        }

        message.Append("Conversation so far:\n");
        foreach (string line in _transcript)
        {
            message.Append("  ").Append(line).Append('\n');
        }

        if (stillExpected.Count > 0)
        {
            message.Append("Still expected, in order: ").Append(string.Join(", then ", stillExpected.Select(static e => e.Description))).Append('\n');
        }

        return message.ToString();
    }
}
