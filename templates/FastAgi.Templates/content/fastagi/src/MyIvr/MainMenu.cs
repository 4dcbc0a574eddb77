namespace MyIvr;

/// <summary>
/// The main menu, for <c>AGI(agi://host/ivr/main)</c>: 1 is sales, 2 is support. The choice goes back to the dialplan in
/// <c>QUEUE</c>; a wrong key or no key asks again, three times at most.
/// </summary>
public sealed partial class MainMenu(ILogger<MainMenu> logger) : IAgiScript
{
    public async Task RunAsync(AgiSession call, CancellationToken hangup)
    {
        await call.AnswerAsync(hangup);
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            GetDataResult key = await call.GetDataAsync("main-menu", TimeSpan.FromSeconds(5), maxDigits: 1, hangup);
            string? queue = key.Digits switch
            {
                "1" => "sales",
                "2" => "support",
                _ => null,
            };
            if (queue is not null)
            {
                LogChoice(call.Request.CallerId ?? "unknown", queue);
                await call.SetVariableAsync("QUEUE", queue, hangup);
                return;
            }

            await call.StreamFileAsync(key.TimedOut ? "are-you-still-there" : "option-is-invalid", cancellationToken: hangup);
        }

        await call.StreamFileAsync("goodbye", cancellationToken: hangup);
        await call.HangupAsync(hangup);
    }

    [LoggerMessage(LogLevel.Information, "Caller {CallerId} chose {Queue}")]
    private partial void LogChoice(string callerId, string queue);
}
