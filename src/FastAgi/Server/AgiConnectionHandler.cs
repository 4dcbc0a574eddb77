using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using FastAgi.Diagnostics;
using FastAgi.Hosting;
using FastAgi.Protocol;
using FastAgi.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FastAgi.Server;

/// <summary>Serves one FastAGI connection over any duplex pipe: reads the environment, runs the routed script, reads replies, and reports the outcome to the dialplan.</summary>
/// <remarks>
/// When no script matches the path, or the script throws, the handler sets the channel variable <c>FASTAGI_ERROR</c>
/// (<c>NOTFOUND</c> or <c>EXCEPTION</c>) and sends Asterisk's <c>failure</c> line, so the dialplan sees
/// <c>AGISTATUS=FAILURE</c> and can branch on both.
/// </remarks>
public sealed partial class AgiConnectionHandler
{
    /// <summary>The channel variable set when the server could not run the call's script.</summary>
    public const string ErrorVariable = "FASTAGI_ERROR";

    private readonly AgiRouteTable _routes;
    private readonly AgiServerOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly AgiMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly LogThrottle _protocolErrors;
    private readonly LogThrottle _environmentTimeouts;
    private readonly LogThrottle _notFound;

    /// <summary>Creates a handler; the server gets one from dependency injection.</summary>
    public AgiConnectionHandler(
        AgiRouteTable routes,
        IOptions<AgiServerOptions> options,
        IServiceProvider services,
        ILogger<AgiConnectionHandler> logger,
        System.Diagnostics.Metrics.IMeterFactory meterFactory,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _routes = routes;
        _options = options.Value;
        _services = services;
        _logger = logger;
        _metrics = new AgiMetrics(meterFactory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _protocolErrors = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
        _environmentTimeouts = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
        _notFound = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
    }

    /// <summary>Serves the connection until the script ends or the peer goes away; completes both sides of <paramref name="transport"/> before returning.</summary>
    /// <param name="transport">The connection: Asterisk's bytes on <see cref="IDuplexPipe.Input"/>, ours on <see cref="IDuplexPipe.Output"/>.</param>
    /// <param name="connectionId">An id for logs.</param>
    /// <param name="cancellationToken">Aborts the environment read; a running script is stopped by closing the transport instead.</param>
    public Task HandleAsync(IDuplexPipe transport, string connectionId, CancellationToken cancellationToken = default)
        => HandleAsync(transport, connectionId, cancellationToken, CancellationToken.None);

    /// <summary>Serves the connection; <paramref name="shutdownAbort"/> fires when the server closes it at the shutdown deadline, so the call's outcome is <c>shutdown</c>.</summary>
    internal Task HandleAsync(IDuplexPipe transport, string connectionId, CancellationToken cancellationToken, CancellationToken shutdownAbort)
    {
        ArgumentNullException.ThrowIfNull(transport);

        // Scripts run on the thread pool as they do under the server, never on a caller's synchronization context
        // (a UI or a test framework's), which would change when a script sees a reply relative to the HANGUP after it.
        return SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default
            ? HandleCoreAsync(transport, connectionId, cancellationToken, shutdownAbort)
            : Task.Run(() => HandleCoreAsync(transport, connectionId, cancellationToken, shutdownAbort), CancellationToken.None);
    }

    private async Task HandleCoreAsync(IDuplexPipe transport, string connectionId, CancellationToken cancellationToken, CancellationToken shutdownAbort)
    {
        long started = Stopwatch.GetTimestamp();
        _metrics.CallStarted();
        string outcome = "error";
        try
        {
            AgiRequest? request = await ReadRequestAsync(transport.Input, connectionId, cancellationToken).ConfigureAwait(false);
            if (request is not null)
            {
                outcome = await RunCallAsync(transport, request, connectionId, shutdownAbort).ConfigureAwait(false);
            }
        }
        finally
        {
            await transport.Output.CompleteAsync().ConfigureAwait(false);
            await transport.Input.CompleteAsync().ConfigureAwait(false);
            _metrics.CallEnded(started, outcome);
        }
    }

    private async Task<AgiRequest?> ReadRequestAsync(PipeReader input, string connectionId, CancellationToken cancellationToken)
    {
        var parser = new AgiRequestParser(_options.Limits);

        // The deadline and a server stop cancel the pending read rather than a token: no per-read token registration
        // on the socket, on the path every call takes.
        var deadline = new EnvironmentDeadline(input);
        using ITimer timer = _timeProvider.CreateTimer(static state => ((EnvironmentDeadline)state!).Expire(), deadline, _options.EnvironmentTimeout, Timeout.InfiniteTimeSpan);
        using CancellationTokenRegistration stopping = cancellationToken.UnsafeRegister(static state => ((EnvironmentDeadline)state!).Stop(), deadline);
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                bool done = parser.TryParse(ref reader, out AgiRequest? request);

                // Bytes after the blank line (a HANGUP sent at once, 05f) stay unexamined, or the reply reader's first
                // ReadAsync would wait for more data before handing them over.
                input.AdvanceTo(reader.Position, done ? reader.Position : buffer.End);
                if (done)
                {
                    return deadline.Receive() ? request : null;
                }

                if (result.IsCanceled && deadline.Expired)
                {
                    _metrics.ConnectionError("environment_timeout");
                    LogEnvironmentTimedOut(connectionId);
                    return null;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    // Scanners and health checks connect and close, and a stopping server cancels: a debug line at most.
                    Log.EnvironmentIncomplete(_logger, connectionId);
                    return null;
                }
            }
        }
        catch (AgiProtocolException ex)
        {
            _metrics.ConnectionError(ex.Error.ToString());
            LogProtocolError(connectionId, ex);
            return null;
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            return null;
        }
    }

    private async Task<string> RunCallAsync(IDuplexPipe transport, AgiRequest request, string connectionId, CancellationToken shutdownAbort)
    {
        using IDisposable? scope = Log.BeginCallScope(_logger, AgiLogText.Escape(request.UniqueId, 64), AgiLogText.Escape(request.ScriptPath));
        var session = new AgiSession(request, transport.Output, _services, _logger);
        await using (session.ConfigureAwait(false))
        {
            Task reading = ReadRepliesAsync(transport.Input, session, connectionId);
            string outcome;
            try
            {
                outcome = await RunScriptAsync(session, request, shutdownAbort).ConfigureAwait(false);
            }
            finally
            {
                // The script is done: stop the reader and let the caller close the connection (Asterisk never does).
                transport.Input.CancelPendingRead();
                await reading.ConfigureAwait(false);
            }

            Log.CallEnded(_logger, outcome);
            return outcome;
        }
    }

    private async Task<string> RunScriptAsync(AgiSession session, AgiRequest request, CancellationToken shutdownAbort)
    {
        if (!_routes.TryResolve(request.ScriptPath, out AgiScript? script))
        {
            LogScriptNotFound(request);
            await ReportFailureAsync(session, "NOTFOUND").ConfigureAwait(false);
            return "not_found";
        }

        Log.CallStarted(_logger, AgiLogText.Escape(request.ScriptPath), AgiLogText.Escape(request.Channel));
        try
        {
            await script(session, session.HangupToken).ConfigureAwait(false);
            return "completed";
        }
        catch (Exception ex) when (ex is AgiHangupException || (ex is OperationCanceledException && session.HangupToken.IsCancellationRequested))
        {
            // The server closing the call at the shutdown deadline looks like a hangup to the script; it is not the caller's.
            return shutdownAbort.IsCancellationRequested ? "shutdown" : "hangup";
        }
        catch (AgiProtocolException)
        {
            // Asterisk's bytes broke the protocol (logged by the reader): the peer's fault, not the script's.
            return "protocol_error";
        }
        catch (Exception ex)
        {
            Log.ScriptFailed(_logger, AgiLogText.Escape(request.ScriptPath), AgiLogText.Escape(request.UniqueId, 64), ex);
            await ReportFailureAsync(session, "EXCEPTION").ConfigureAwait(false);
            return "exception";
        }
    }

    private static async Task ReportFailureAsync(AgiSession session, string reason)
    {
        try
        {
            // SET VARIABLE works on a dead channel too; "failure" then ends the AGI with AGISTATUS=FAILURE (05e).
            await session.SendCommandAsync("SET VARIABLE", [ErrorVariable, reason]).ConfigureAwait(false);
            await session.SendFailureAsync().ConfigureAwait(false);
        }
        catch (AgiHangupException)
        {
            // The connection is gone: there is no dialplan left to tell.
        }
    }

    private async Task ReadRepliesAsync(PipeReader input, AgiSession session, string connectionId)
    {
        AgiProtocolException? protocolError = null;
        try
        {
            await AgiReplyReader.ReadAsync(input, session, _options.Limits).ConfigureAwait(false);
        }
        catch (AgiProtocolException ex)
        {
            protocolError = ex;
            _metrics.ConnectionError(ex.Error.ToString());
            LogProtocolError(connectionId, ex);
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            // A reset or an aborted socket is how calls end: quiet.
        }
        catch (Exception ex)
        {
            _metrics.ConnectionError(ex.GetType().Name);
            Log.ConnectionFailed(_logger, connectionId, ex);
        }
        finally
        {
            // The command waiting for the broken reply fails with the protocol error itself; later ones as on a close.
            session.OnConnectionClosed(protocolError);
        }
    }

    // A peer that is not Asterisk, or a flood of them, costs a Debug line each and a warning every few seconds, never a
    // stack trace: what it sent is escaped and cut in the exception's message and in the paths below.
    private void LogProtocolError(string connectionId, AgiProtocolException ex)
    {
        if (_protocolErrors.TryEnter(out long suppressed))
        {
            Log.ProtocolError(_logger, connectionId, ex.Error, ex.Message, suppressed);
        }
        else
        {
            Log.ProtocolErrorDetail(_logger, connectionId, ex.Error, ex.Message);
        }
    }

    private void LogEnvironmentTimedOut(string connectionId)
    {
        if (_environmentTimeouts.TryEnter(out long suppressed))
        {
            Log.EnvironmentTimedOut(_logger, connectionId, _options.EnvironmentTimeout, suppressed);
        }
        else
        {
            Log.EnvironmentTimedOutDetail(_logger, connectionId, _options.EnvironmentTimeout);
        }
    }

    private void LogScriptNotFound(AgiRequest request)
    {
        string path = AgiLogText.Escape(request.ScriptPath);
        string uniqueId = AgiLogText.Escape(request.UniqueId, 64);
        if (_notFound.TryEnter(out long suppressed))
        {
            Log.ScriptNotFound(_logger, path, uniqueId, suppressed);
        }
        else
        {
            Log.ScriptNotFoundDetail(_logger, path, uniqueId);
        }
    }

    private static bool IsConnectionLoss(Exception ex)
        => ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException;

    /// <summary>Ends the wait for the environment block when its time is up or the server stops, and only while it lasts.</summary>
    private sealed class EnvironmentDeadline(PipeReader input)
    {
        private const int Waiting = 0;
        private const int TimedOut = 1;
        private const int Stopped = 2;
        private const int Received = 3;

        private int _state;

        public bool Expired => Volatile.Read(ref _state) == TimedOut;

        public void Expire() => Cancel(TimedOut);

        public void Stop() => Cancel(Stopped);

        /// <summary>Marks the environment received; false when a timeout or stop got there first and cancelled the reader.</summary>
        public bool Receive() => Interlocked.CompareExchange(ref _state, Received, Waiting) == Waiting;

        private void Cancel(int reason)
        {
            // Once the block is received the reader belongs to the reply loop: a late timer must not cancel its reads.
            if (Interlocked.CompareExchange(ref _state, reason, Waiting) == Waiting)
            {
                input.CancelPendingRead();
            }
        }
    }
}
