namespace FastAgi.Testing;

/// <summary>One event of a fake call as it happens: a line either way, or a note. See <see cref="FakeAsterisk.OnTraffic"/>.</summary>
/// <param name="Kind">What the event is.</param>
/// <param name="Text">The line without its LF, or the note.</param>
public sealed record FakeTraffic(FakeTrafficKind Kind, string Text)
{
    /// <summary>The event as the transcript shows it: <c>-&gt; </c> for what the server sent, <c>&lt;- </c> for what the fake sent, <c>** </c> for a note.</summary>
    public override string ToString() => Kind switch
    {
        FakeTrafficKind.Command => "-> " + Text,
        FakeTrafficKind.Note => "** " + Text,
        FakeTrafficKind.FenceCommand => "-> " + Text + "   (fence: the reply above ends here)",
        FakeTrafficKind.FenceReply => "<- " + Text + "   (fence)",
        _ => "<- " + Text,
    };
}
