namespace FastAgi.Testing.Tests.Support;

public static class CancellationTokenExtensions
{
    /// <summary>Completes when <paramref name="token"/> fires; in a script, the fake's own timeout bounds it by closing the call.</summary>
    public static Task WhenCancelled(this CancellationToken token)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), fired);
        return fired.Task;
    }
}
