namespace FastAgi.Server;

/// <summary>
/// Counts what the server holds against what it can: connections (each a descriptor, whatever it is doing) up to
/// <see cref="MaxConnections"/>, and calls (connections whose environment has arrived and whose script runs) up to
/// <see cref="MaxCalls"/>. A connection past the calls is answered BUSY; past the connections, the listeners stop accepting
/// (or make room by closing a connection that has sent nothing) until a slot frees.
/// </summary>
/// <remarks>
/// A call is counted only once its environment is in, so a flood of connections that send nothing takes descriptors, which
/// the server takes back from the oldest of them under pressure, but never the calls of the Asterisk servers behind it.
/// </remarks>
internal sealed class AgiAdmission(int maxCalls, int maxConnections)
{
    private int _calls;
    private int _connections;
    private TaskCompletionSource? _room;

    /// <summary>The most calls served at once.</summary>
    public int MaxCalls { get; } = maxCalls;

    /// <summary>The most connections held at once: calls, connections still sending their environment, and refusals.</summary>
    public int MaxConnections { get; } = Math.Max(maxConnections, maxCalls);

    /// <summary>Calls being served now.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Whether another connection could be accepted.</summary>
    public bool HasRoom => Volatile.Read(ref _connections) < MaxConnections;

    /// <summary>Raised on the thread that frees a connection slot, so that paused listeners watch their backlog again.</summary>
    public event Action? RoomFreed;

    /// <summary>Takes a connection slot for a new connection.</summary>
    public bool TryAcceptConnection()
    {
        if (Interlocked.Increment(ref _connections) <= MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _connections);
        return false;
    }

    /// <summary>Takes a call slot for a connection whose environment has arrived; false: answer BUSY.</summary>
    public bool TryStartCall()
    {
        if (Interlocked.Increment(ref _calls) <= MaxCalls)
        {
            return true;
        }

        Interlocked.Decrement(ref _calls);
        return false;
    }

    /// <summary>Gives back a call slot <see cref="TryStartCall"/> took.</summary>
    public void EndCall() => Interlocked.Decrement(ref _calls);

    /// <summary>Gives back a connection slot <see cref="TryAcceptConnection"/> took.</summary>
    public void ReleaseConnection()
    {
        Interlocked.Decrement(ref _connections);
        Interlocked.Exchange(ref _room, null)?.TrySetResult();
        RoomFreed?.Invoke();
    }

    /// <summary>Wakes whoever waits for room, to look again (a connection may have become old enough to be closed for room).</summary>
    public void Poke() => Interlocked.Exchange(ref _room, null)?.TrySetResult();

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
