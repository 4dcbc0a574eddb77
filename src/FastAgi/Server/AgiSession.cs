using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
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
    private bool _closed;
    private int _hungUp;
    private AsyncServiceScope? _scope;

    internal AgiSession(AgiRequest request, PipeWriter output, IServiceProvider services, ILogger logger)
    {
        Request = request;
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

    /// <summary>Fires the moment Asterisk reports the hangup (its <c>HANGUP</c> line) or the connection closes, even while the script awaits something else.</summary>
    public CancellationToken HangupToken { get; }

    /// <summary>Whether the caller has hung up or the connection has closed. Commands that run on a dead channel (GET/SET VARIABLE, EXEC, VERBOSE, DATABASE, NOOP) still work until the connection closes.</summary>
    public bool IsHungUp => Volatile.Read(ref _hungUp) != 0;

    /// <summary>Services for this call, from a dependency-injection scope created on first use and disposed when the call ends.</summary>
    public IServiceProvider Services => (_scope ??= _rootServices.CreateAsyncScope()).ServiceProvider;

    /// <summary>Sends a command with no arguments (for example <c>ANSWER</c>) and returns Asterisk's reply.</summary>
    /// <inheritdoc cref="SendCommandAsync(string, IReadOnlyList{string}, CancellationToken)"/>
    public ValueTask<AgiReply> SendCommandAsync(string command, CancellationToken cancellationToken = default)
        => SendCommandAsync(command, [], cancellationToken);

    /// <summary>Sends <paramref name="command"/> with <paramref name="arguments"/>, each quoted as Asterisk expects, and returns Asterisk's reply.</summary>
    /// <param name="command">The command words, such as <c>STREAM FILE</c>.</param>
    /// <param name="arguments">The arguments, sent as one word each whatever they contain; an empty string is sent as <c>""</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the reply. The command may already have been written: the next command waits until its reply has arrived and been discarded.</param>
    /// <returns>The reply: 200, 510 (unknown command) or 520 (usage error, with <see cref="AgiReply.Usage"/>).</returns>
    /// <exception cref="ArgumentException">The command or an argument cannot be sent safely (CR, LF or NUL, over 8190 bytes or 127 words); nothing was written.</exception>
    /// <exception cref="AgiHangupException">Asterisk answered 511 because the channel hung up, or the connection is closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AgiReply> SendCommandAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string[] words = arguments as string[] ?? [.. arguments];

        // Refuse a malformed command before waiting for a turn, so the caller sees the mistake even on a busy session.
        int length = AgiCommandWriter.Measure(command, words);
        await _commandLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        short version;
        lock (_sync)
        {
            if (_closed)
            {
                _commandLock.Release();
                throw ConnectionClosed();
            }

            _reply.Reset();
            version = _reply.Version;
            _state = CommandState.Waiting;
        }

        try
        {
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

        Log.CommandSent(_logger, command);
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
                throw;
            }
            catch
            {
                _commandLock.Release();
                throw;
            }
        }

        _commandLock.Release();
        if (reply.StatusCode == 511)
        {
            // With AGISIGHUP=no Asterisk never writes HANGUP (04j): a 511 is then the only sign that the call is over.
            OnHangup();
            throw new AgiHangupException(AgiHangupReason.DeadChannel, $"'{command}' cannot run: the channel has hung up (Asterisk answered '{reply}').");
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

        _hangup.Dispose();
        _commandLock.Dispose();
    }

    /// <summary>Routes one message from the reader: the reply to the command in flight, or a stray line.</summary>
    internal void OnReply(AgiReply reply)
    {
        if (reply.StatusCode == 100)
        {
            // GOSUB's "100 result=0 Trying..." is interim: the final line follows when the subroutine returns.
            return;
        }

        CommandState previous;
        lock (_sync)
        {
            previous = _state;
            _state = CommandState.Idle;
        }

        switch (previous)
        {
            case CommandState.Waiting:
                _reply.SetResult(reply);
                break;
            case CommandState.Abandoned:
                Log.AbandonedReplyDiscarded(_logger, reply.StatusCode);
                _commandLock.Release();
                break;
            default:
                // Asterisk sends nothing unsolicited but HANGUP; anything else is the tail of a reply whose data held a
                // line feed. Dropping it keeps the session in step with the commands.
                Log.StrayLineDiscarded(_logger, reply.StatusCode);
                break;
        }
    }

    /// <summary>Records Asterisk's unsolicited <c>HANGUP</c> line.</summary>
    internal void OnHangup()
    {
        if (Interlocked.Exchange(ref _hungUp, 1) == 0)
        {
            Log.HangupReceived(_logger);
            CancelHangupToken();
        }
    }

    /// <summary>Records that the connection is gone: the command in flight fails and later ones throw.</summary>
    internal void OnConnectionClosed()
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
        }

        // Hung up before the waiting command fails: its continuation runs inline, and a script that catches the
        // ConnectionClosed exception must already see IsHungUp and a cancelled token.
        Interlocked.Exchange(ref _hungUp, 1);
        CancelHangupToken();

        if (previous == CommandState.Waiting)
        {
            _reply.SetException(ConnectionClosed());
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
            if (_state != CommandState.Waiting)
            {
                return;
            }

            _state = CommandState.Abandoned;

            // Completed under the lock, so the reader cannot release the command lock (and a next command reuse the
            // source) before this completion is recorded; the continuation is queued so no user code runs under the lock.
            _reply.SetException(new OperationCanceledException("Stopped waiting for the reply; it will be discarded when it arrives."), runContinuationsAsynchronously: true);
        }
    }

    private void CancelHangupToken()
    {
        try
        {
            _hangup.Cancel();
        }
        catch (AggregateException ex)
        {
            Log.HangupCallbackFailed(_logger, ex);
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
