using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using System.Text;
using FastAgi.Protocol;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Sdk;

namespace FastAgi.Tests.Commands;

/// <summary>
/// A scripted Asterisk for one in-memory <see cref="AgiSession"/>: each step expects the exact command line the session
/// writes and answers with Asterisk's exact bytes, which reach the session through the connection handler's own reply reader
/// (<see cref="AgiReplyReader"/>). Fences (<see cref="AgiReplyFence"/>) are answered as Asterisk answers them and are not steps.
/// </summary>
/// <remarks>
/// A command that differs from the script, or one the script does not expect, closes the connection at once so the code
/// under test fails fast, and <see cref="RunAsync{T}"/> reports the difference; a step the code never reached fails too.
/// </remarks>
public sealed class CommandHarness : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    // Inline: each step's bytes reach the session inside the flush of the command, before the code under test awaits the
    // reply, so the code sees every line of the step at once, the same way on every run.
    private readonly Pipe _commands = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly Pipe _replies = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();
    private readonly List<Step> _steps = [];
    private readonly List<string> _written = [];
    private readonly List<string> _failures = [];
    private readonly Task _reading;
    private bool _closed;

    public CommandHarness()
    {
        var request = new AgiRequest(
        [
            new("agi_network", "yes"),
            new("agi_network_script", "commands"),
            new("agi_channel", "Local/commands@agi-test-00000001;2"),
            new("agi_uniqueid", "1795700060.33"),
        ]);
        Session = new AgiSession(request, _commands.Writer, _services, NullLogger.Instance);
        _reading = ReadRepliesAsync();
    }

    /// <summary>The session under test.</summary>
    public AgiSession Session { get; }

    /// <summary>Every command line the session wrote, LF included, in order; fences are counted in <see cref="Fences"/> instead.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <summary>How many fences the session sent (and the harness answered).</summary>
    public int Fences { get; private set; }

    /// <summary>What the reply reader threw, if Asterisk's bytes broke the protocol.</summary>
    public AgiProtocolException? ProtocolError { get; private set; }

    /// <summary>Expects <paramref name="command"/> (without its LF) and answers with <paramref name="asterisk"/>: one or more lines, such as <c>200 result=-1 endpos=12160\nHANGUP</c>.</summary>
    public CommandHarness Expect(string command, string asterisk)
    {
        _steps.Add(new Step(command, asterisk, Close: false));
        return this;
    }

    /// <summary>Expects <paramref name="command"/>, optionally answers with <paramref name="asterisk"/>, then closes the connection (AGIEXITONHANGUP=yes, or a network failure).</summary>
    public CommandHarness ExpectThenClose(string command, string? asterisk = null)
    {
        _steps.Add(new Step(command, asterisk, Close: true));
        return this;
    }

    /// <summary>Feeds Asterisk's bytes to the session now, outside any step: for a <c>HANGUP</c> that arrives while the script is idle.</summary>
    public void Send(string asterisk)
    {
        if (_closed)
        {
            return;
        }

        // Inline schedulers: the reply reader has handled the bytes when the flush returns.
        _replies.Writer.Write(Encoding.UTF8.GetBytes(asterisk.EndsWith('\n') ? asterisk : asterisk + "\n"));
        _ = _replies.Writer.FlushAsync().AsTask().Result;
    }

    /// <summary>Closes Asterisk's side, as AGIEXITONHANGUP=yes or a network failure does.</summary>
    public void Close()
    {
        if (!_closed)
        {
            _closed = true;
            _replies.Writer.Complete();
        }
    }

    /// <summary>Runs <paramref name="script"/> against the steps and returns what it returned; throws what it threw, unless the commands differed from the steps.</summary>
    public async Task<T> RunAsync<T>(Func<AgiSession, ValueTask<T>> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        using var stop = new CancellationTokenSource();
        Task serving = ServeAsync(stop.Token);
        T result = default!;
        ExceptionDispatchInfo? thrown = null;
        try
        {
            result = await script(Session).AsTask().WaitAsync(StepTimeout);
        }
        catch (TimeoutException)
        {
            _failures.Add($"The script did not finish within {StepTimeout}; commands written: {Describe(_written)}.");
        }
        catch (Exception ex)
        {
            thrown = ExceptionDispatchInfo.Capture(ex);
        }

        await stop.CancelAsync();
        await serving.WaitAsync(StepTimeout);
        if (_failures.Count > 0)
        {
            throw new XunitException(string.Join(Environment.NewLine, _failures) + (thrown is null ? string.Empty : $"{Environment.NewLine}The script threw: {thrown.SourceException}"));
        }

        thrown?.Throw();
        return result;
    }

    /// <summary>Replays one command against one reply Asterisk sent in recording <paramref name="scenario"/> (checked) and returns the typed result.</summary>
    public static async Task<T> ReplayAsync<T>(string scenario, string command, string asterisk, Func<AgiSession, ValueTask<T>> call)
    {
        RecordedReplies.AssertRecorded(scenario, asterisk);
        await using var harness = new CommandHarness();
        harness.Expect(command, asterisk);
        return await harness.RunAsync(call);
    }

    /// <summary>Runs a script that returns nothing.</summary>
    public Task RunAsync(Func<AgiSession, ValueTask> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return RunAsync<bool>(async session =>
        {
            await script(session);
            return true;
        });
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _reading.WaitAsync(StepTimeout);
        await _commands.Reader.CompleteAsync();
        await _commands.Writer.CompleteAsync();
        await Session.DisposeAsync();
        await _services.DisposeAsync();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        int next = 0;
        try
        {
            while (true)
            {
                string? line = await ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    break;
                }

                if (_closed)
                {
                    _written.Add(line);
                    continue;
                }

                if (AgiReplyFence.IsFence(FastAgi.Testing.Engine.AsteriskTokenizer.Split(line.TrimEnd('\n'))))
                {
                    // handle_getvariablefull() of plain text: the text itself.
                    Fences++;
                    Send($"200 result=1 ({line.TrimEnd('\n')[(AgiReplyFence.Command.Length + 1)..]})");
                    continue;
                }

                _written.Add(line);
                if (_closed)
                {
                    // Asterisk has closed the connection: a command written now goes nowhere, as on a real socket.
                    continue;
                }

                if (next == _steps.Count)
                {
                    _failures.Add($"Unexpected command {Quote(line)} after the last scripted step.");
                    Close();
                    break;
                }

                Step step = _steps[next++];
                if (line != step.Command + "\n")
                {
                    _failures.Add($"Step {next}: expected {Quote(step.Command + "\n")}, the session wrote {Quote(line)}.");
                    Close();
                    break;
                }

                if (step.Asterisk is not null)
                {
                    Send(step.Asterisk);
                }

                if (step.Close)
                {
                    Close();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The script has finished: whatever it wrote has been read.
        }

        if (next < _steps.Count && _failures.Count == 0)
        {
            _failures.Add($"Step {next + 1}: the session never wrote {Quote(_steps[next].Command + "\n")}; commands written: {Describe(_written)}.");
        }
    }

    private async Task ReadRepliesAsync()
    {
        try
        {
            await AgiReplyReader.ReadAsync(_replies.Reader, Session, AgiProtocolLimits.Default);
        }
        catch (AgiProtocolException ex)
        {
            ProtocolError = ex;
        }
        finally
        {
            Session.OnConnectionClosed();
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        PipeReader reader = _commands.Reader;
        while (true)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = read.Buffer;
            SequencePosition? end = buffer.PositionOf((byte)'\n');
            if (end is { } lf)
            {
                ReadOnlySequence<byte> line = buffer.Slice(0, buffer.GetPosition(1, lf));
                string text = Encoding.UTF8.GetString(line);
                reader.AdvanceTo(line.End);
                return text;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    private static string Quote(string line) => "'" + line.Replace("\n", "\\n", StringComparison.Ordinal) + "'";

    private static string Describe(IEnumerable<string> lines) => lines.Any() ? string.Join(", ", lines.Select(Quote)) : "none";

    private sealed record Step(string Command, string? Asterisk, bool Close);
}
