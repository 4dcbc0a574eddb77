namespace FastAgi.Diagnostics;

/// <summary>
/// Lets one warning through per interval and counts the rest, so that a flood of misbehaving peers writes a line every few
/// seconds rather than one per connection. Each suppressed event still goes to the Debug level and to the metrics.
/// </summary>
internal sealed class LogThrottle
{
    /// <summary>The interval of the server's throttled warnings.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly long _interval;
    private long _nextAllowed = long.MinValue;
    private long _suppressed;

    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Whether this event may be logged as a warning; if so, <paramref name="suppressed"/> is how many were not since the last one.</summary>
    public bool TryEnter(out long suppressed)
    {
        long now = _time.GetTimestamp();
        long next = Volatile.Read(ref _nextAllowed);
        if (now >= next && Interlocked.CompareExchange(ref _nextAllowed, now + _interval, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
