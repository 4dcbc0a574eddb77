using FastAgi.Server;

namespace FastAgi.Tests.Support;

/// <summary>
/// Wraps a script body so the test can await its end: <see cref="Completion"/> completes when the script returns and faults
/// with whatever it threw, so an assertion that fails inside the server's call fails the test with its own message.
/// </summary>
public sealed class TestScript
{
    private readonly Func<AgiSession, CancellationToken, Task> _body;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the script.</summary>
    public TestScript(Func<AgiSession, CancellationToken, Task> body) => _body = body;

    /// <summary>Completes when the (first) call of the script ends.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The script, to pass to <c>MapScript</c>.</summary>
    public async Task RunAsync(AgiSession session, CancellationToken cancellationToken)
    {
        try
        {
            await _body(session, cancellationToken);
            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
            throw;
        }
    }

    /// <summary>Waits, bounded, for the script to end, and rethrows what it threw.</summary>
    public Task WaitAsync() => Completion.WaitOrFail("the script to end");
}
