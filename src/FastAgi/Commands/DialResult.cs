namespace FastAgi.Commands;

/// <summary>The outcome of <see cref="AgiCommands.DialAsync"/>: Dial's return value and the variables it sets.</summary>
/// <param name="Status"><c>DIALSTATUS</c>, typed.</param>
/// <param name="RawStatus"><c>DIALSTATUS</c> as Asterisk set it, or <see langword="null"/> when unset.</param>
/// <param name="ApplicationResult">
/// Dial's return value: 0 when the dialplan would continue after it, -1 when the channel should hang up (the caller hung up,
/// or the bridged call ended and Dial's <c>g</c> option was not given).
/// </param>
/// <param name="AnsweredTime"><c>ANSWEREDTIME</c>: how long the answered call lasted, or <see langword="null"/> when it was not answered.</param>
/// <param name="DialedTime"><c>DIALEDTIME</c>: the time from dialing to the end of the call, or <see langword="null"/> when unset.</param>
/// <param name="PeerName"><c>DIALEDPEERNAME</c>: the channel name of the party that answered, or <see langword="null"/>.</param>
/// <param name="PeerNumber"><c>DIALEDPEERNUMBER</c>: the number (or technology/resource) that answered, or <see langword="null"/>.</param>
public sealed record DialResult(
    DialStatus Status,
    string? RawStatus,
    int ApplicationResult,
    TimeSpan? AnsweredTime,
    TimeSpan? DialedTime,
    string? PeerName,
    string? PeerNumber);
