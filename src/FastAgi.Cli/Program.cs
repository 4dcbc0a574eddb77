using FastAgi.Cli;

// fastagi serve runs only fully asynchronous scripts, so socket completions may run on the socket event thread itself,
// saving a thread-pool hop per read. It must be set before the first socket exists; an explicit setting wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

return await CommandLine.RunAsync(args).ConfigureAwait(false);
