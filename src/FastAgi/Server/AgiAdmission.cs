namespace FastAgi.Server;

/// <summary>What the server does with a new connection.</summary>
internal enum AgiAdmissionKind
{
    /// <summary>No room: not even for a refusal.</summary>
    None,

    /// <summary>A call: its script runs.</summary>
    Call,

    /// <summary>A refusal the dialplan can branch on (<c>FASTAGI_ERROR=BUSY</c> or <c>SHUTDOWN</c>): the environment is read, the answer sent, the connection closed.</summary>
    Refusal,
}

/// <summary>
/// Counts connections against the server's capacity: at most <see cref="MaxCalls"/> calls, and past them at most
/// <see cref="MaxRefusals"/> connections being told so. Past both, the listeners stop accepting until a slot frees.
/// </summary>
internal sealed class AgiAdmission(int maxCalls, int maxRefusals)
{
    private int _calls;
    private int _refusals;
    private TaskCompletionSource? _room;

    /// <summary>The most calls served at once.</summary>
    public int MaxCalls { get; } = maxCalls;

    /// <summary>The most connections being refused at once, beyond <see cref="MaxCalls"/>.</summary>
    public int MaxRefusals { get; } = maxRefusals;

    /// <summary>Calls being served now.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Whether another connection could be taken, as a call or a refusal.</summary>
    public bool HasRoom => Volatile.Read(ref _calls) < MaxCalls || Volatile.Read(ref _refusals) < MaxRefusals;

    /// <summary>Whether another connection could be taken as a refusal (all a draining server takes).</summary>
    public bool HasRefusalRoom => Volatile.Read(ref _refusals) < MaxRefusals;

    /// <summary>Raised on the thread that frees a slot, so that paused listeners watch their backlog again.</summary>
    public event Action? RoomFreed;

    /// <summary>Takes a call slot, else a refusal slot (<paramref name="refuseOnly"/>: only a refusal, as while draining).</summary>
    public AgiAdmissionKind TryAdmit(bool refuseOnly = false)
    {
        if (!refuseOnly)
        {
            if (Interlocked.Increment(ref _calls) <= MaxCalls)
            {
                return AgiAdmissionKind.Call;
            }

            Interlocked.Decrement(ref _calls);
        }

        if (Interlocked.Increment(ref _refusals) <= MaxRefusals)
        {
            return AgiAdmissionKind.Refusal;
        }

        Interlocked.Decrement(ref _refusals);
        return AgiAdmissionKind.None;
    }

    /// <summary>Gives back a slot <see cref="TryAdmit"/> took.</summary>
    public void Release(AgiAdmissionKind kind)
    {
        if (kind == AgiAdmissionKind.Call)
        {
            Interlocked.Decrement(ref _calls);
        }
        else if (kind == AgiAdmissionKind.Refusal)
        {
            Interlocked.Decrement(ref _refusals);
        }
        else
        {
            return;
        }

        Interlocked.Exchange(ref _room, null)?.TrySetResult();
        RoomFreed?.Invoke();
    }

    /// <summary>Completes when <see cref="HasRoom"/> may have become true.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource? room = Volatile.Read(ref _room);
        if (room is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            room = Interlocked.CompareExchange(ref _room, created, null) ?? created;
        }

        // Freed between the caller's check and now: do not wait for the next release.
        return HasRoom ? Task.CompletedTask : room.Task.WaitAsync(cancellationToken);
    }
}
