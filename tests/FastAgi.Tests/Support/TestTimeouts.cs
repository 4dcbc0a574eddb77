namespace FastAgi.Tests.Support;

/// <summary>Bounds for every await in the socket tests, so that a hang fails with a message instead of stalling the run.</summary>
public static class TestTimeouts
{
    /// <summary>How long a step may take: generous, because the suite must pass on a loaded 2-core machine.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(10);

    /// <summary>For steps that involve hundreds of calls at once.</summary>
    public static TimeSpan ManyCalls { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Waits for <paramref name="task"/>, failing with a message naming <paramref name="what"/> if it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task WaitOrFail(this Task task, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Default;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    /// <inheritdoc cref="WaitOrFail(Task, string, TimeSpan?)"/>
    public static async Task<T> WaitOrFail<T>(this Task<T> task, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Default;
        try
        {
            return await task.WaitAsync(limit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    /// <summary>A task that completes when <paramref name="token"/> is cancelled.</summary>
    public static Task WhenCancelled(this CancellationToken token)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), fired);
        return fired.Task;
    }
}
