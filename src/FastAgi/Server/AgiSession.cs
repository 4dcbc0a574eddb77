using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using FastAgi.Diagnostics;
using FastAgi.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FastAgi.Server;

/// <summary>One call: the request Asterisk sent, a way to send it AGI commands one at a time, and a token that fires when the caller hangs up.</summary>
/// <remarks>
/// Asterisk runs one command at a time and a command sent early silently aborts STREAM FILE, GET DATA and GET OPTION,
/// so commands sent concurrently on one session are queued and each is written only after the previous reply arrived.
/// </remarks>
public sealed partial class AgiSession : IAsyncDisposable
{
    private readonly PipeWriter _output;
    private readonly IServiceProvider _rootServices;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _hangup = new();
    private readonly SemaphoreSlim _commandLock = new(1, 1);
    private readonly ReplySource _reply = new();
    private readonly Lock _sync = new();
    private CommandState _state;
    private AgiReplyFence? _fence;
    private AgiReplyFence? _activeFence;
    private bool _commandFlushed;
    private bool _replyStarted;
    private bool _fenceSent;
    private bool _inputEnded;
    private bool _closed;
    private int _hungUp;
    private AsyncServiceScope? _scope;
    private readonly IAgiConnection? _connection;
    private readonly TimeSpan? _replyTimeout;
    private readonly TimeProvider _timeProvider;
    private ITimer? _replyTimer;
    private string? _timedCommand;
    private short _timedVersion;
    private int _endedByServer;
    private readonly AgiTelemetry? _telemetry;
    private int _commandCount;
    private string? _hangupReason;
    private int _scriptDone;
    private string? _lastCommand;
    private string? _lastCommandName;

    internal AgiSession(AgiRequest request, PipeWriter output, IServiceProvider services, ILogger logger, IAgiConnection? connection = null, TimeSpan? replyTimeout = null, TimeProvider? timeProvider = null, AgiTelemetry? telemetry = null)
    {
        Request = request;
        _telemetry = telemetry;
        _connection = connection;
        _replyTimeout = replyTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _output = output;
        _rootServices = services;
        _logger = logger;
        HangupToken = _hangup.Token;
    }

    private enum CommandState
    {
        Idle,
        Waiting,
        Abandoned,
    }

    /// <summary>The <c>agi_*</c> environment Asterisk sent for this call.</summary>
    public AgiRequest Request { get; }

    /// <summary>The address of the Asterisk server that placed the call; <see langword="null"/> when the session does not run on a TCP connection.</summary>
    /// <remarks>Behind a load balancer that sends PROXY headers (<see cref="Hosting.AgiServerOptions.ProxyProtocol"/>), the address the header carries.</remarks>
    public System.Net.IPEndPoint? RemoteEndPoint => ProxiedRemoteEndPoint ?? _connection?.RemoteEndPoint;

    /// <summary>The client a trusted load balancer's PROXY header named, if any.</summary>
    internal System.Net.IPEndPoint? ProxiedRemoteEndPoint { get; init; }

    /// <summary>The values the route's template took from the script path: <c>tenant</c> for <c>ivr/{tenant}/main</c>. Empty for an exact path or the fallback.</summary>
    public Routing.AgiRouteValues RouteValues { get; internal init; } = Routing.AgiRouteValues.Empty;

    /// <summary>The address the call reached on this server; <see langword="null"/> when the session does not run on a TCP connection.</summary>
    public System.Net.IPEndPoint? LocalEndPoint => _connection?.LocalEndPoint;

    /// <summary>Fires the moment Asterisk reports the hangup (its <c>HANGUP</c> line) or the connection closes, even while the script awaits something else.</summary>
    public CancellationToken HangupToken { get; }

    /// <summary>Whether the caller has hung up or the connection has closed. Commands that run on a dead channel (GET/SET VARIABLE, EXEC, VERBOSE, DATABASE, NOOP) still work until the connection closes.</summary>
    public bool IsHungUp => Volatile.Read(ref _hungUp) != 0;

    /// <summary>Services for this call, from a dependency-injection scope created on first use and disposed when the call ends.</summary>
    public IServiceProvider Services => (_scope ??= _rootServices.CreateAsyncScope()).ServiceProvider;

    /// <summary>Sends a command with no arguments (for example <c>ANSWER</c>) and returns Asterisk's reply.</summary>
    /// <inheritdoc cref="SendCommandAsync(string, IReadOnlyList{string}, AgiReplyFraming, CancellationToken)"/>
    public ValueTask<AgiReply> SendCommandAsync(string command, CancellationToken cancellationToken = default)
        => SendCommandAsync(command, [], AgiReplyFraming.Auto, cancellationToken);

    /// <summary>Sends <paramref name="command"/> with <paramref name="arguments"/>, each quoted as Asterisk expects, and returns Asterisk's reply.</summary>
    /// <inheritdoc cref="SendCommandAsync(string, IReadOnlyList{string}, AgiReplyFraming, CancellationToken)"/>
    public ValueTask<AgiReply> SendCommandAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
        => SendCommandAsync(command, arguments, AgiReplyFraming.Auto, cancellationToken);

    /// <summary>Sends <paramref name="command"/> with <paramref name="arguments"/>, each quoted as Asterisk expects, and returns Asterisk's reply, framed as <paramref name="framing"/> says.</summary>
    /// <remarks>
    /// The reply is returned as Asterisk sent it, whatever its status; <see cref="Commands.AgiReplyExtensions.EnsureSuccess"/>
    /// turns a 510 or 520 into the exceptions the typed commands throw. Once the call has hung up, cancellation no longer
    /// stops a command: commands that run on a dead channel still run, the others throw <see cref="AgiHangupException"/>.
    /// </remarks>
    /// <param name="command">The command words, such as <c>STREAM FILE</c>.</param>
    /// <param name="arguments">The arguments, sent as one word each whatever they contain; an empty string is sent as <c>""</c>.</param>
    /// <param name="framing">How the end of the reply is found; <see cref="AgiReplyFraming.Auto"/> fences the commands whose values may hold line feeds.</param>
    /// <param name="cancellationToken">
    /// Stops waiting for the reply while the call is up. The command may already have been written: the next command waits
    /// until its reply has arrived and been discarded.
    /// </param>
    /// <returns>The reply: 200, 510 (unknown command) or 520 (usage error, with <see cref="AgiReply.Usage"/>).</returns>
    /// <exception cref="ArgumentException">The command or an argument cannot be sent safely (CR, LF or NUL, over 8190 bytes or 127 words); nothing was written.</exception>
    /// <exception cref="AgiHangupException">Asterisk answered 511 because the channel hung up, or the connection is closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AgiReply> SendCommandAsync(string command, IReadOnlyList<string> arguments, AgiReplyFraming framing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string[] words = arguments as string[] ?? [.. arguments];

        // Refuse a malformed command before waiting for a turn, so the caller sees the mistake even on a busy session.
        int length = AgiCommandWriter.Measure(command, words);
        bool fenced = framing switch
        {
            AgiReplyFraming.Auto => IsValueCommand(command, words),
            AgiReplyFraming.Line => false,
            AgiReplyFraming.Fenced => true,
            _ => throw new ArgumentOutOfRangeException(nameof(framing), framing, "Not an AgiReplyFraming value."),
        };

        // After the hangup a token (the hangup token itself, most often) no longer stops commands: Asterisk answers every
        // command it reads, at once on a dead channel, so clean-up runs and a hangup surfaces as AgiHangupException.
        if (IsHungUp)
        {
            cancellationToken = CancellationToken.None;
        }

        try
        {
            await _commandLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (IsHungUp)
        {
            cancellationToken = CancellationToken.None;
            await _commandLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        short version;
        CommandWatch? watch = null;
        lock (_sync)
        {
            if (_closed || _inputEnded)
            {
                _commandLock.Release();
                throw ConnectionClosed();
            }

            _reply.Reset();
            version = _reply.Version;
            _state = CommandState.Waiting;
            if (fenced)
            {
                (_fence ??= new AgiReplyFence()).Renew();
                _commandFlushed = _replyStarted = _fenceSent = false;
                Volatile.Write(ref _activeFence, _fence);
            }
        }

        try
        {
            // Measured, logged and traced only when something collects it: the common case costs three checks.
            if (_telemetry is { } telemetry && (_logger.IsEnabled(LogLevel.Debug) || telemetry.CommandsMeasured || (Traced && AgiTelemetry.Source.HasListeners())))
            {
                watch = StartWatch(telemetry, command, words);
            }

            _commandCount++;
            AgiCommandWriter.WriteMeasured(_output, command, words, length);
            FlushResult flush = await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                OnConnectionClosed();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            OnConnectionClosed();
        }

        if (_replyTimeout is { } timeout)
        {
            StartReplyTimer(command, version, timeout);
        }

        if (fenced)
        {
            await SendFenceWhenDueAsync(commandFlushed: true).ConfigureAwait(false);
        }

        AgiReply reply;
        using (cancellationToken.UnsafeRegister(static state => ((AgiSession)state!).Abandon(), this))
        {
            try
            {
                reply = await new ValueTask<AgiReply>(_reply, version).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Abandoned: the reply is still due, and the reader releases the command lock when it arrives.
                watch?.Unanswered(this, "cancelled");
                throw;
            }
            catch (Exception ex)
            {
                _commandLock.Release();
                watch?.Unanswered(this, ex switch
                {
                    AgiReplyTimeoutException => "timeout",
                    AgiProtocolException => "protocol_error",
                    _ => "closed",
                });
                throw;
            }
        }

        _commandLock.Release();
        watch?.Answered(this, reply);
        if (reply.StatusCode == 511)
        {
            // With AGISIGHUP=no Asterisk never writes HANGUP (04j): a 511 is then the only sign that the call is over.
            RecordHangup("dead_channel");
            OnHangup();
            throw new AgiHangupException(AgiHangupReason.DeadChannel, $"'{command}' cannot run: the channel has hung up (Asterisk answered '{AgiLogText.Escape(reply.ToString())}').");
        }

        return reply;
    }

    /// <summary>Sends Asterisk's <c>failure</c> line, which ends the AGI at once with <c>AGISTATUS=FAILURE</c>; no reply follows.</summary>
    internal async ValueTask SendFailureAsync()
    {
        await _commandLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closed)
            {
                return;
            }

            _output.Write("failure\n"u8);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            OnConnectionClosed();
        }
        finally
        {
            _commandLock.Release();
        }
    }

    /// <summary>Disposes the call's service scope, if one was created.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_scope is { } scope)
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }

        _replyTimer?.Dispose();
        _hangup.Dispose();
        _commandLock.Dispose();
    }

    /// <summary>The fence of the command in flight, when its reply is fenced; read by the reader for every message.</summary>
    internal AgiReplyFence? ActiveFence => Volatile.Read(ref _activeFence);

    /// <summary>
    /// Routes a reply from the reader to the command in flight; returns <see langword="false"/> for GOSUB's interim line,
    /// which completes nothing.
    /// </summary>
    /// <exception cref="AgiProtocolException">No command is in flight: the reply answers nothing.</exception>
    internal bool OnReply(AgiReply reply)
    {
        if (reply.StatusCode == 100)
        {
            // GOSUB's "100 result=0 Trying..." is interim: the final line follows when the subroutine returns.
            return false;
        }

        CommandState previous;
        lock (_sync)
        {
            previous = _state;
            _state = CommandState.Idle;
            _activeFence = null;
            _timedCommand = null;
        }

        _replyTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        switch (previous)
        {
            case CommandState.Waiting:
                _reply.SetResult(reply);
                return true;
            case CommandState.Abandoned:
                AgiLog.AbandonedReplyDiscarded(_logger, reply.StatusCode);
                _commandLock.Release();
                return true;
            default:
                // Asterisk sends nothing unsolicited but HANGUP: the replies are out of step, and no later reply can be trusted.
                throw UnexpectedReply(reply, "with no command in flight");
        }
    }

    /// <summary>
    /// Records that Asterisk has closed its side: replies already read are still delivered, but a command sent from now on
    /// could never be answered, so it throws as on a closed connection instead of being written.
    /// </summary>
    internal void OnInputEnded()
    {
        lock (_sync)
        {
            _inputEnded = true;
        }
    }

    /// <summary>Tells the session that the reply to its fenced command has begun: Asterisk has read the command, so the fence can follow.</summary>
    internal ValueTask OnReplyStartedAsync()
    {
        lock (_sync)
        {
            if (_activeFence is null)
            {
                return ValueTask.CompletedTask;
            }

            _replyStarted = true;
        }

        return SendFenceWhenDueAsync(commandFlushed: false);
    }

    /// <summary>An exception for a reply that arrived when none was due.</summary>
    internal static AgiProtocolException UnexpectedReply(AgiReply reply, string when)
        => new(AgiProtocolError.UnexpectedReply, $"Asterisk sent '{AgiLogText.Escape(reply.ToString(), 80)}' {when}: the replies are out of step (a value holding a line feed read without a fence?).");

    /// <summary>Records Asterisk's unsolicited <c>HANGUP</c> line.</summary>
    internal void OnHangup()
    {
        if (Interlocked.Exchange(ref _hungUp, 1) == 0)
        {
            RecordHangup("hangup");
            AgiLog.HangupReceived(_logger);
            CancelHangupToken();
        }
    }

    /// <summary>Records that the connection is gone: the command in flight fails and later ones throw.</summary>
    internal void OnConnectionClosed() => OnConnectionClosed(null);

    /// <summary>Records that the connection is gone; the command in flight fails with <paramref name="error"/> when Asterisk's bytes broke the protocol.</summary>
    internal void OnConnectionClosed(AgiProtocolException? error)
    {
        CommandState previous;
        lock (_sync)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            previous = _state;
            _state = CommandState.Idle;
            _activeFence = null;
        }

        // Hung up before the waiting command fails: its continuation runs inline, and a script that catches the
        // ConnectionClosed exception must already see IsHungUp and a cancelled token.
        if (Volatile.Read(ref _scriptDone) == 0)
        {
            RecordHangup("connection_closed");
        }

        Interlocked.Exchange(ref _hungUp, 1);
        CancelHangupToken();

        if (previous == CommandState.Waiting)
        {
            _reply.SetException(error is null ? ConnectionClosed() : new AgiProtocolException(error.Error, error.Message));
        }
        else if (previous == CommandState.Abandoned)
        {
            _commandLock.Release();
        }
    }

    private static AgiHangupException ConnectionClosed()
        => new(AgiHangupReason.ConnectionClosed, "The FastAGI connection is closed: the call has ended.");

    private void Abandon()
    {
        lock (_sync)
        {
            // After the hangup the reply is due at once (Asterisk answers every command it read): wait for it, so that a
            // hangup surfaces as AgiHangupException whatever token the script passed.
            if (_state != CommandState.Waiting || IsHungUp)
            {
                return;
            }

            _state = CommandState.Abandoned;

            // Completed under the lock, so the reader cannot release the command lock (and a next command reuse the
            // source) before this completion is recorded; the continuation is queued so no user code runs under the lock.
            _reply.SetException(new OperationCanceledException("Stopped waiting for the reply; it will be discarded when it arrives."), runContinuationsAsynchronously: true);
        }
    }

    /// <summary>Whether the call has a span: its commands get child spans.</summary>
    internal bool Traced { get; set; }

    /// <summary>Commands sent so far (fences not counted).</summary>
    internal int CommandCount => Volatile.Read(ref _commandCount);

    /// <summary>How the server learnt that the call hung up while its script ran (<c>hangup</c>, <c>dead_channel</c>, <c>connection_closed</c>), or <see langword="null"/>.</summary>
    internal string? HangupReason => Volatile.Read(ref _hangupReason);

    /// <summary>Records that the script has returned: the connection's close after it is the server's, not a hangup.</summary>
    internal void OnScriptEnded() => Volatile.Write(ref _scriptDone, 1);

    private void RecordHangup(string reason) => Interlocked.CompareExchange(ref _hangupReason, reason, null);

    private CommandWatch StartWatch(AgiTelemetry telemetry, string command, string[] words)
    {
        // Scripts send the same literals over and over: a reference check saves the lookup.
        string name;
        if (ReferenceEquals(command, _lastCommand))
        {
            name = _lastCommandName!;
        }
        else
        {
            name = AgiCommandNames.Normalize(command);
            (_lastCommand, _lastCommandName) = (command, name);
        }

        // A command span only under a call span: a call the sampler dropped leaves no orphan command spans.
        Activity? span = Traced && AgiTelemetry.Source.HasListeners() ? telemetry.StartCommandSpan(name, words) : null;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            AgiLog.CommandSent(_logger, AgiCallText.Command(telemetry, name, command, words));
        }

        return new CommandWatch(telemetry, name, words, Stopwatch.GetTimestamp(), span);
    }

    /// <summary>What is measured of one command while something collects it: its name, when it was written, its span.</summary>
    private readonly struct CommandWatch(AgiTelemetry telemetry, string name, string[] arguments, long started, Activity? span)
    {
        public void Answered(AgiSession session, AgiReply reply)
        {
            string status = AgiTelemetry.StatusTag(reply.StatusCode);
            telemetry.CommandEnded(name, status, started);
            if (session._logger.IsEnabled(LogLevel.Debug))
            {
                AgiLog.ReplyReceived(session._logger, name, AgiCallText.Reply(telemetry, name, arguments, reply), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            if (span is not null)
            {
                span.SetTag("fastagi.reply.status", status);
                if (reply.StatusCode is 510 or 520)
                {
                    span.SetStatus(ActivityStatusCode.Error, status);
                }

                span.Dispose();
            }
        }

        public void Unanswered(AgiSession session, string ending)
        {
            telemetry.CommandEnded(name, ending, started);
            if (session._logger.IsEnabled(LogLevel.Debug))
            {
                AgiLog.CommandUnanswered(session._logger, name, ending, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            if (span is not null)
            {
                span.SetTag("fastagi.reply.status", ending);
                if (ending != "cancelled")
                {
                    span.SetStatus(ActivityStatusCode.Error, ending);
                }

                span.Dispose();
            }
        }
    }

    /// <summary>Whether the server ended the call (its maximum duration): the hangup token fired, but the caller is still there.</summary>
    public bool EndedByServer => Volatile.Read(ref _endedByServer) != 0;

    /// <summary>
    /// Ends the call for the script's sake (its maximum duration has passed): the hangup token fires so that the script stops,
    /// and commands it is waiting for stop waiting, as for any cancellation while the call is up.
    /// </summary>
    internal void EndByServer()
    {
        if (Interlocked.Exchange(ref _endedByServer, 1) == 0)
        {
            CancelHangupToken();
        }
    }

    private void StartReplyTimer(string command, short version, TimeSpan timeout)
    {
        lock (_sync)
        {
            if (_state == CommandState.Idle || _reply.Version != version)
            {
                // Answered already (the reply came during the flush).
                return;
            }

            _timedCommand = command;
            _timedVersion = version;
        }

        (_replyTimer ??= _timeProvider.CreateTimer(static state => ((AgiSession)state!).OnReplyTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan))
            .Change(timeout, Timeout.InfiniteTimeSpan);
    }

    private void OnReplyTimeout()
    {
        string command;
        CommandState previous;
        lock (_sync)
        {
            if (_timedCommand is null || _reply.Version != _timedVersion || _state == CommandState.Idle || _closed)
            {
                return;
            }

            command = _timedCommand;
            _timedCommand = null;
            previous = _state;
            _state = CommandState.Idle;
            _closed = true;
            _activeFence = null;
        }

        // A late reply could no longer be told from the next command's: the call is over.
        Interlocked.Exchange(ref _hungUp, 1);
        CancelHangupToken();
        if (previous == CommandState.Waiting)
        {
            _reply.SetException(new AgiReplyTimeoutException(command, _replyTimeout!.Value));
        }
        else
        {
            _commandLock.Release();
        }
    }

    /// <summary>Writes the fence once both the command has been flushed and its reply has begun, whichever is seen last.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendFenceWhenDueAsync(bool commandFlushed)
    {
        AgiReplyFence fence;
        lock (_sync)
        {
            if (commandFlushed)
            {
                _commandFlushed = true;
            }

            if (_activeFence is null || !_commandFlushed || !_replyStarted || _fenceSent || _closed)
            {
                return;
            }

            _fenceSent = true;
            fence = _activeFence;
        }

        try
        {
            _output.Write(fence.CommandLine);
            FlushResult flush = await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                OnConnectionClosed();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            OnConnectionClosed();
        }

        AgiLog.FenceSent(_logger);
    }

    private static bool IsValueCommand(string command, string[] arguments)
    {
        // The replies that carry a value Asterisk writes raw with "(%s)" (res_agi.c: handle_getvariable(),
        // handle_getvariablefull(), handle_dbget(), handle_recvtext()), and the recognized text of handle_speechrecognize().
        char first = command[0];
        if (first is not ('G' or 'g' or 'D' or 'd' or 'R' or 'r' or 'S' or 's'))
        {
            return false;
        }

        foreach (string verb in ValueCommands)
        {
            if (command.Length >= verb.Length)
            {
                // The usual call: the whole verb in the command, the rest (if any) arguments.
                if (command.StartsWith(verb, StringComparison.OrdinalIgnoreCase) && (command.Length == verb.Length || command[verb.Length] == ' '))
                {
                    return true;
                }
            }
            else if (arguments.Length > 0 && verb[command.Length] == ' ' && verb.StartsWith(command, StringComparison.OrdinalIgnoreCase)
                && StartsWithWords(command, arguments, verb.Split(' ')))
            {
                // "GET" with "VARIABLE" as its first argument: Asterisk reads the same words.
                return true;
            }
        }

        return false;
    }

    private static readonly string[] ValueCommands = ["GET VARIABLE", "GET FULL VARIABLE", "DATABASE GET", "RECEIVE TEXT", "SPEECH RECOGNIZE"];

    private static bool StartsWithWords(string command, string[] arguments, params ReadOnlySpan<string> expected)
    {
        ReadOnlySpan<char> rest = command;
        int argument = 0;
        foreach (string word in expected)
        {
            ReadOnlySpan<char> next;
            if (!rest.IsEmpty)
            {
                int space = rest.IndexOf(' ');
                next = space < 0 ? rest : rest[..space];
                rest = space < 0 ? default : rest[(space + 1)..];
            }
            else if (argument < arguments.Length)
            {
                next = arguments[argument++];
            }
            else
            {
                return false;
            }

            if (!next.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private void CancelHangupToken()
    {
        try
        {
            _hangup.Cancel();
        }
        catch (AggregateException ex)
        {
            AgiLog.HangupCallbackFailed(_logger, ex);
        }
        catch (ObjectDisposedException)
        {
            // The call already ended and disposed its token.
        }
    }

    /// <summary>The completion the sender awaits, reused for every command of the session.</summary>
    private sealed class ReplySource : IValueTaskSource<AgiReply>
    {
        // Continuations run on the reader loop that completed them: the script's next command goes out without a thread hop.
        private ManualResetValueTaskSourceCore<AgiReply> _core;

        public short Version => _core.Version;

        public void Reset()
        {
            _core.Reset();
            _core.RunContinuationsAsynchronously = false;
        }

        public void SetResult(AgiReply reply) => _core.SetResult(reply);

        public void SetException(Exception exception, bool runContinuationsAsynchronously = false)
        {
            _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
            _core.SetException(exception);
        }

        public AgiReply GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
