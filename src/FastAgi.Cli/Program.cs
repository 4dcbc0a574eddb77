using FastAgi.Cli;

return await CommandLine.RunAsync(args).ConfigureAwait(false);
