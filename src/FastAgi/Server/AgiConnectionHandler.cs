using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using FastAgi.Diagnostics;
using FastAgi.Hosting;
using FastAgi.Protocol;
using FastAgi.Routing;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>How long the TIMEOUT answer may wait for a command abandoned at the call's maximum duration.</summary>
    private static readonly TimeSpan TimeoutReportDeadline = TimeSpan.FromSeconds(2);

    /// <summary>How long a refused connection may take to send its environment before it is dropped without an answer.</summary>
    private static readonly TimeSpan RefusalDeadline = TimeSpan.FromSeconds(2);

    /// <summary>How long the rest of an environment block too large to parse may take to arrive.</summary>
    private static readonly TimeSpan SkipDeadline = TimeSpan.FromSeconds(1);

    /// <summary>The least an environment block too large to parse may be skipped over to answer LIMIT.</summary>
    private const long MaxSkippedEnvironment = 1024 * 1024;

    private readonly AgiRouteTable _routes;
    private readonly AgiServerOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly AgiTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly LogThrottle _protocolErrors;
    private readonly LogThrottle _environmentTimeouts;
    private readonly LogThrottle _notFound;
    private readonly LogThrottle _proxiedRefusals;

    /// <summary>Creates a handler; the server gets one from dependency injection.</summary>
    public AgiConnectionHandler(
        AgiRouteTable routes,
        IOptions<AgiServerOptions> options,
        IServiceProvider services,
        ILogger<AgiConnectionHandler> logger,
        System.Diagnostics.Metrics.IMeterFactory meterFactory,
        TimeProvider? timeProvider = null,
        Microsoft.Extensions.Compliance.Redaction.IRedactorProvider? redactors = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _routes = routes;
        _options = options.Value;
        _services = services;
        _logger = logger;
        _telemetry = new AgiTelemetry(meterFactory, _options, redactors);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _protocolErrors = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
        _environmentTimeouts = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
        _notFound = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
        _proxiedRefusals = new LogThrottle(_timeProvider, LogThrottle.DefaultInterval);
    }

    /// <summary>Fails start-up, naming the script and the parameter, when a lambda script takes a service that nothing registered.</summary>
    /// <exception cref="InvalidOperationException">A service is missing.</exception>
    internal void CheckScriptServices()
    {
        if (_routes.RequiredServices.Count == 0)
        {
            return;
        }

        IServiceProviderIsService? registered = _services.GetService<IServiceProviderIsService>();
        foreach ((string route, string parameter, Type service) in _routes.RequiredServices)
        {
            if (registered is not null && !registered.IsService(service))
            {
                throw new InvalidOperationException($"The script '{route}' takes the parameter '{parameter}' of type {service.FullName}, which no service provides: register one (services.AddScoped<{service.Name}, ...>()), make the parameter nullable, or take it from the route, query or arguments with [FromRoute], [FromQuery] or [FromArgument].");
            }
        }
    }

    /// <summary>The handler's instruments, which the server adds its refusals to.</summary>
    internal AgiTelemetry Metrics => _telemetry;

    /// <summary>Serves the connection until the script ends or the peer goes away; completes both sides of <paramref name="transport"/> before returning.</summary>
    /// <param name="transport">The connection: Asterisk's bytes on <see cref="IDuplexPipe.Input"/>, ours on <see cref="IDuplexPipe.Output"/>.</param>
    /// <param name="connectionId">An id for logs.</param>
    /// <param name="cancellationToken">Aborts the environment read; a running script is stopped by closing the transport instead.</param>
    public Task HandleAsync(IDuplexPipe transport, string connectionId, CancellationToken cancellationToken = default)
        => HandleAsync(transport, connectionId, AgiConnectionContext.None, cancellationToken);

    /// <summary>Serves a connection the server accepted, refusing it as <paramref name="context"/> says.</summary>
    internal Task HandleAsync(IDuplexPipe transport, string connectionId, AgiConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);

        // Scripts run on the thread pool as they do under the server, never on a caller's synchronization context
        // (a UI or a test framework's), which would change when a script sees a reply relative to the HANGUP after it.
        return SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default
            ? HandleCoreAsync(transport, connectionId, context, cancellationToken)
            : Task.Run(() => HandleCoreAsync(transport, connectionId, context, cancellationToken), CancellationToken.None);
    }

    private async Task HandleCoreAsync(IDuplexPipe transport, string connectionId, AgiConnectionContext context, CancellationToken cancellationToken)
    {
        _telemetry.ConnectionOpened();
        try
        {
            // A refused connection is answered once its environment is in, or dropped soon: it must not hold a slot.
            TimeSpan deadline = context.Refusal is null ? _options.EnvironmentTimeout : Min(_options.EnvironmentTimeout, RefusalDeadline);
            (AgiRequest? request, string? refusal) = await ReadRequestAsync(transport.Input, connectionId, context, deadline, cancellationToken).ConfigureAwait(false);
            if (request is not null)
            {
                request = context.RequestRewrite?.Invoke(request) ?? request;
                context.OnEnvironmentReceived(request.ScriptPath);
                refusal ??= context.Refusal;

                // A call counts against the capacity once its environment is in: then it runs, or is told BUSY.
                if (refusal is null && !context.TryStartCall())
                {
                    refusal = "BUSY";
                }

                context.Outcome = await RunCallAsync(transport, request, connectionId, context, refusal).ConfigureAwait(false);
            }
        }
        finally
        {
            await transport.Output.CompleteAsync().ConfigureAwait(false);
            await transport.Input.CompleteAsync().ConfigureAwait(false);
            _telemetry.ConnectionClosed();
        }
    }

    private async Task<(AgiRequest? Request, string? Refusal)> ReadRequestAsync(PipeReader input, string connectionId, AgiConnectionContext context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool expectsProxyHeader = context.ExpectsProxyHeader;
        var parser = new AgiRequestParser(_options.Limits);

        // The deadline and a server stop cancel the pending read rather than a token: no per-read token registration
        // on the socket, on the path every call takes.
        var deadline = new EnvironmentDeadline(input);
        using ITimer timer = _timeProvider.CreateTimer(static state => ((EnvironmentDeadline)state!).Expire(), deadline, timeout, Timeout.InfiniteTimeSpan);
        using CancellationTokenRegistration stopping = cancellationToken.UnsafeRegister(static state => ((EnvironmentDeadline)state!).Stop(), deadline);
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                bool done;
                try
                {
                    // Behind a load balancer the PROXY header comes first, within the same deadline as the environment;
                    // while it is incomplete, the end of the loop handles the deadline and the close as for the environment.
                    AgiRequest? parsed = null;
                    if (expectsProxyHeader)
                    {
                        done = false;
                        if (!result.IsCanceled && AgiProxyHeader.TryParse(ref reader, out AgiProxyHeader? header))
                        {
                            expectsProxyHeader = false;
                            input.AdvanceTo(reader.Position);
                            if (!context.OnProxyHeader(header!))
                            {
                                _telemetry.ConnectionRefused("allowlist");
                                LogProxiedPeerNotAllowed(context);
                                return (null, null);
                            }

                            continue;
                        }
                    }
                    else
                    {
                        done = parser.TryParse(ref reader, out parsed);
                    }

                    if (done)
                    {
                        // Bytes after the blank line (a HANGUP sent at once, 05f) stay unexamined, or the reply reader's
                        // first ReadAsync would wait for more data before handing them over.
                        input.AdvanceTo(reader.Position);
                        return deadline.Receive() ? (parsed, null) : (null, null);
                    }
                }
                catch (AgiProtocolException ex) when (ex.Error is AgiProtocolError.EnvironmentLineTooLong or AgiProtocolError.EnvironmentTooLarge or AgiProtocolError.TooManyEnvironmentLines)
                {
                    // Real Asterisk with values beyond the limits (127 long arguments, say): skip the rest of the block and
                    // tell the dialplan, rather than leave it to believe the AGI ran (a close after the environment is SUCCESS).
                    input.AdvanceTo(reader.Position, buffer.End);
                    _telemetry.ConnectionError(ex.Error.ToString());
                    _telemetry.ConnectionRefused("limit");
                    LogProtocolError(connectionId, ex);

                    // Asterisk writes its block in one burst: a peer that is not done within a second is not Asterisk.
                    using ITimer skipping = _timeProvider.CreateTimer(static state => ((EnvironmentDeadline)state!).Expire(), deadline, SkipDeadline, Timeout.InfiniteTimeSpan);
                    return await SkipEnvironmentAsync(input, deadline).ConfigureAwait(false) && deadline.Receive()
                        ? (new AgiRequest([]), "LIMIT")
                        : (null, null);
                }

                input.AdvanceTo(reader.Position, buffer.End);
                if (result.IsCanceled && deadline.Expired)
                {
                    _telemetry.ConnectionError("environment_timeout");
                    _telemetry.ConnectionRefused("environment_timeout");
                    LogEnvironmentTimedOut(connectionId);
                    return (null, null);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    // Scanners and health checks connect and close, and a stopping server cancels: a debug line at most.
                    AgiLog.EnvironmentIncomplete(_logger, connectionId);
                    return (null, null);
                }
            }
        }
        catch (AgiProtocolException ex)
        {
            _telemetry.ConnectionError(ex.Error.ToString());
            _telemetry.ConnectionRefused(ex.Error == AgiProtocolError.InvalidProxyHeader ? "proxy_protocol" : "protocol_error");
            LogProtocolError(connectionId, ex);
            return (null, null);
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            return (null, null);
        }
    }

    /// <summary>Reads up to the blank line that ends an environment block too large to parse; false when it does not come (in the deadline, or within a bound).</summary>
    private async Task<bool> SkipEnvironmentAsync(PipeReader input, EnvironmentDeadline deadline)
    {
        long skipped = 0;
        long bound = Math.Max(MaxSkippedEnvironment, 4L * _options.Limits.MaxEnvironmentSize);
        bool atLineStart = true;
        while (true)
        {
            ReadResult result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);

            // The block ends with an empty line: a LF at the start of a line.
            while (reader.TryRead(out byte value))
            {
                if (value == (byte)'\n')
                {
                    if (atLineStart)
                    {
                        input.AdvanceTo(reader.Position);
                        return true;
                    }

                    atLineStart = true;
                }
                else
                {
                    atLineStart = false;
                }
            }

            skipped += buffer.Length;
            input.AdvanceTo(buffer.End);
            if (skipped > bound || result.IsCompleted || result.IsCanceled || deadline.Expired)
            {
                return false;
            }
        }
    }

    private async Task<string> RunCallAsync(IDuplexPipe transport, AgiRequest request, string connectionId, AgiConnectionContext context, string? refusal)
    {
        long started = Stopwatch.GetTimestamp();
        _telemetry.CallStarted();
        AgiScript? script = null;
        AgiRouteValues routeValues = AgiRouteValues.Empty;
        string route = refusal is null && _routes.TryResolve(request.ScriptPath, out script, out string? mapped, out routeValues) ? mapped : _routes.RouteOf(request.ScriptPath);
        string uniqueId = AgiLogText.Escape(request.UniqueId, 64);
        string channel = AgiLogText.Escape(request.Channel, 128);
        string peer = context.RemoteEndPoint?.ToString() ?? string.Empty;
        using IDisposable? scope = AgiLog.BeginCallScope(_logger, uniqueId, channel, route, peer);
        using Activity? span = AgiTelemetry.Source.HasListeners() ? StartCallSpan(request, route, context) : null;
        var session = new AgiSession(request, transport.Output, _services, _logger, context.Connection, _options.ReplyTimeout, _timeProvider, _telemetry)
        {
            ProxiedRemoteEndPoint = context.ExpectsProxyHeader ? context.RemoteEndPoint : null,
            RouteValues = routeValues,
            // A dropped call's span may still exist to carry the trace context (OpenTelemetry's samplers do that): its commands get none.
            Traced = span is { IsAllDataRequested: true },
        };
        string outcome = "error";
        await using (session.ConfigureAwait(false))
        {
            using CancellationTokenRegistration signal = context.HangupSignal.CanBeCanceled
                ? context.HangupSignal.UnsafeRegister(static state => ((AgiSession)state!).OnHangup(), session)
                : default;
            Task reading = ReadRepliesAsync(transport.Input, session, connectionId);
            try
            {
                if (refusal is null)
                {
                    outcome = await RunScriptAsync(session, request, context, script).ConfigureAwait(false);
                }
                else
                {
                    session.OnScriptEnded();
                    await ReportFailureAsync(session, refusal).ConfigureAwait(false);
                    outcome = refusal.ToLowerInvariant();
                }
            }
            finally
            {
                // The script is done: stop the reader and let the caller close the connection (Asterisk never does).
                session.OnScriptEnded();
                transport.Input.CancelPendingRead();
                await reading.ConfigureAwait(false);

                TimeSpan duration = Stopwatch.GetElapsedTime(started);
                string? hangup = session.HangupReason;
                _telemetry.CallEnded(route, outcome, duration);
                if (hangup is not null)
                {
                    _telemetry.Hangup(hangup);
                }

                if (span is not null)
                {
                    EndCallSpan(span, outcome, hangup, session.CommandCount);
                }

                if (_logger.IsEnabled(LogLevel.Information))
                {
                    AgiLog.CallEnded(
                        _logger,
                        AgiLogText.Escape(request.ScriptPath),
                        uniqueId,
                        channel,
                        AgiLogText.Escape(request.CallerId, 64),
                        peer,
                        outcome,
                        duration.TotalMilliseconds,
                        session.CommandCount,
                        hangup ?? "none");
                }
            }

            return outcome;
        }
    }

    private Activity? StartCallSpan(AgiRequest request, string route, AgiConnectionContext context)
    {
        Activity? span = AgiTelemetry.Source.StartActivity("AGI " + route, ActivityKind.Server);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("fastagi.script", route);
            span.SetTag("fastagi.uniqueid", request.UniqueId);
            span.SetTag("fastagi.channel", request.Channel);
            if (request.RawQuery is { Length: > 0 } query)
            {
                span.SetTag("url.query", AgiCallText.Query(_telemetry, query));
            }

            if (context.RemoteEndPoint is { } remote)
            {
                span.SetTag("network.peer.address", remote.Address.ToString());
                span.SetTag("network.peer.port", remote.Port);
            }
        }

        return span;
    }

    private static void EndCallSpan(Activity span, string outcome, string? hangup, int commands)
    {
        span.SetTag("fastagi.call.outcome", outcome);
        span.SetTag("fastagi.call.commands", commands);
        if (hangup is not null)
        {
            span.SetTag("fastagi.hangup.reason", hangup);
        }

        if (outcome is "exception" or "protocol_error" or "timeout" or "error")
        {
            span.SetStatus(ActivityStatusCode.Error, outcome);
        }
    }

    private async Task<string> RunScriptAsync(AgiSession session, AgiRequest request, AgiConnectionContext context, AgiScript? script)
    {
        if (script is null)
        {
            session.OnScriptEnded();
            LogScriptNotFound(request);
            await ReportFailureAsync(session, "NOTFOUND").ConfigureAwait(false);
            return "not_found";
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            AgiLog.CallStarted(_logger, AgiLogText.Escape(request.ScriptPath), AgiCallText.Query(_telemetry, request.RawQuery), AgiLogText.Escape(request.Channel), AgiLogText.Escape(request.CallerId, 64));
        }

        // The maximum duration: the hangup token tells the script to stop; a script that goes on is cut 5 s later.
        using ITimer? limit = _options.MaxCallDuration is { } maximum
            ? _timeProvider.CreateTimer(static state => ((AgiSession)state!).EndByServer(), session, maximum, Timeout.InfiniteTimeSpan)
            : null;
        using ITimer? cut = _options.MaxCallDuration is { } longest && context.Connection is { } connection
            ? _timeProvider.CreateTimer(static state => ((IAgiConnection)state!).Abort(), connection, longest + AgiServer.AbortGracePeriod, Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            try
            {
                await script(session, session.HangupToken).ConfigureAwait(false);
            }
            finally
            {
                session.OnScriptEnded();
            }

            return session.EndedByServer ? await TimedOutAsync(session, request).ConfigureAwait(false) : "completed";
        }
        catch (Exception ex) when (session.EndedByServer && ex is AgiHangupException or OperationCanceledException)
        {
            return await TimedOutAsync(session, request).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AgiHangupException || (ex is OperationCanceledException && session.HangupToken.IsCancellationRequested))
        {
            // The server closing the call at the shutdown deadline looks like a hangup to the script; it is not the caller's.
            return context.ShutdownAbort.IsCancellationRequested ? "shutdown" : "hangup";
        }
        catch (AgiReplyTimeoutException ex)
        {
            // Asterisk did not answer: there is no dialplan to tell, only a connection to close.
            AgiLog.ReplyTimedOut(_logger, AgiLogText.Escape(request.ScriptPath), AgiLogText.Escape(ex.Command), ex.Timeout);
            return "timeout";
        }
        catch (AgiProtocolException)
        {
            // Asterisk's bytes broke the protocol (logged by the reader): the peer's fault, not the script's.
            return "protocol_error";
        }
        catch (Exception ex)
        {
            AgiLog.ScriptFailed(_logger, AgiLogText.Escape(request.ScriptPath), AgiLogText.Escape(request.UniqueId, 64), ex);
            await ReportFailureAsync(session, "EXCEPTION").ConfigureAwait(false);
            return "exception";
        }
    }

    private async Task<string> TimedOutAsync(AgiSession session, AgiRequest request)
    {
        AgiLog.CallTimedOut(_logger, AgiLogText.Escape(request.ScriptPath), _options.MaxCallDuration!.Value);

        // A command abandoned at the limit holds the session until its reply: wait a little for it, not for the Dial.
        using var bounded = new CancellationTokenSource(TimeoutReportDeadline);
        await ReportFailureAsync(session, "TIMEOUT", bounded.Token).ConfigureAwait(false);
        return "timeout";
    }

    private static async Task ReportFailureAsync(AgiSession session, string reason, CancellationToken cancellationToken = default)
    {
        try
        {
            // SET VARIABLE works on a dead channel too; "failure" then ends the AGI with AGISTATUS=FAILURE (05e).
            await session.SendCommandAsync("SET VARIABLE", [ErrorVariable, reason], cancellationToken).ConfigureAwait(false);
            await session.SendFailureAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session stayed busy with a command Asterisk is still running: the connection's close ends the AGI instead.
        }
        catch (Exception ex) when (ex is AgiHangupException or AgiReplyTimeoutException or AgiProtocolException)
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
            _telemetry.ConnectionError(ex.Error.ToString());
            LogProtocolError(connectionId, ex);
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            // A reset or an aborted socket is how calls end: quiet.
        }
        catch (Exception ex)
        {
            _telemetry.ConnectionError(ex.GetType().Name);
            AgiLog.ConnectionFailed(_logger, connectionId, ex);
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
            AgiLog.ProtocolError(_logger, connectionId, ex.Error, ex.Message, suppressed);
        }
        else
        {
            AgiLog.ProtocolErrorDetail(_logger, connectionId, ex.Error, ex.Message);
        }
    }

    private void LogProxiedPeerNotAllowed(AgiConnectionContext context)
    {
        if (_proxiedRefusals.TryEnter(out long suppressed))
        {
            AgiLog.ProxiedPeerNotAllowed(_logger, context.RemoteEndPoint, context.Connection?.RemoteEndPoint, suppressed);
        }
    }

    private void LogEnvironmentTimedOut(string connectionId)
    {
        if (_environmentTimeouts.TryEnter(out long suppressed))
        {
            AgiLog.EnvironmentTimedOut(_logger, connectionId, _options.EnvironmentTimeout, suppressed);
        }
        else
        {
            AgiLog.EnvironmentTimedOutDetail(_logger, connectionId, _options.EnvironmentTimeout);
        }
    }

    private void LogScriptNotFound(AgiRequest request)
    {
        string path = AgiLogText.Escape(request.ScriptPath);
        string uniqueId = AgiLogText.Escape(request.UniqueId, 64);
        if (_notFound.TryEnter(out long suppressed))
        {
            AgiLog.ScriptNotFound(_logger, path, uniqueId, suppressed);
        }
        else
        {
            AgiLog.ScriptNotFoundDetail(_logger, path, uniqueId);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

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
