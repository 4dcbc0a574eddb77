using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace FastAgi.Cli.Tests;

/// <summary>
/// Classic AGI end to end: the test starts <c>fastagi agi SCRIPT</c> as Asterisk does (the environment on stdin, the commands
/// on stdout, SIGHUP for the hangup, the AGI() arguments as argv and agi_arg_N) and plays Asterisk's side, as recorded in
/// ../shared/asterisk/classic (c01, c02, c06).
/// </summary>
public sealed class ClassicAgiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [LinuxFact]
    public async Task A_call_runs_on_stdin_and_stdout_and_the_process_exits_0()
    {
        await using ClassicProcess agi = ClassicProcess.Start("hello", "extra");

        var commands = new List<string>();
        for (string? command = await agi.ReadCommandAsync(); command is not null; command = await agi.ReadCommandAsync())
        {
            commands.Add(command);
            await agi.ReplyAsync(command.StartsWith("STREAM FILE", StringComparison.Ordinal) ? "200 result=0 endpos=8000" : "200 result=1");
        }

        Assert.Equal(["STREAM FILE hello-world #", "STREAM FILE tt-monkeys #", "STREAM FILE goodbye #", "HANGUP"], commands);
        Assert.True(0 == await agi.ExitCodeAsync(), agi.Errors);
        Assert.Contains("'hello' on PJSIP/1000-00000001 from 1000 via : completed", agi.Errors, StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task SIGHUP_after_the_hangup_reply_is_the_hangup_and_the_process_still_exits_0()
    {
        await using ClassicProcess agi = ClassicProcess.Start("hello");

        Assert.Equal("STREAM FILE hello-world #", await agi.ReadCommandAsync());

        // c02: the command's -1 reply, then SIGHUP about 0.2 ms later; never a HANGUP line.
        await agi.ReplyAsync("200 result=-1 endpos=1200");
        agi.Signal("HUP");
        await agi.WaitForErrorAsync("Asterisk reported the hangup");

        // The channel is dead: the next command gets Asterisk's 511, which ends the script with AgiHangupException.
        var after = new List<string>();
        for (string? command = await agi.ReadCommandAsync(); command is not null; command = await agi.ReadCommandAsync())
        {
            after.Add(command);
            await agi.ReplyAsync("511 Command Not Permitted on a dead channel or intercept routine");
        }

        Assert.Equal(["STREAM FILE tt-monkeys #"], after);
        Assert.True(0 == await agi.ExitCodeAsync(), agi.Errors);
        Assert.Contains(": hangup after", agi.Errors, StringComparison.Ordinal);
        Assert.Contains("2 commands, hangup hangup", agi.Errors, StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task A_script_path_no_script_has_ends_with_the_failure_line_and_exit_1()
    {
        await using ClassicProcess agi = ClassicProcess.Start("no/such/script");

        Assert.Equal("SET VARIABLE FASTAGI_ERROR NOTFOUND", await agi.ReadCommandAsync());
        await agi.ReplyAsync("200 result=1");
        Assert.Equal("failure", await agi.ReadCommandAsync());

        // c06: after 'failure' Asterisk sends SIGHUP and closes the pipes; the program has nothing left to do.
        agi.Signal("HUP");
        agi.CloseInput();
        Assert.Null(await agi.ReadCommandAsync());
        Assert.Equal(1, await agi.ExitCodeAsync());
    }

    [LinuxFact]
    public async Task Without_an_environment_on_stdin_it_exits_2()
    {
        await using ClassicProcess agi = ClassicProcess.Start("hello", environment: false);
        agi.CloseInput();

        Assert.Null(await agi.ReadCommandAsync());
        Assert.Equal(2, await agi.ExitCodeAsync());
    }

    [LinuxFact]
    public async Task EAGI_audio_on_fd_3_reaches_the_script_as_a_stream()
    {
        // c05: signed 16-bit little-endian PCM at 8 kHz on fd 3; a 1004 Hz tone there, as the recording's test tone.
        string tone = Path.Combine(Path.GetTempPath(), $"fastagi-eagi-{Environment.ProcessId}-{Guid.NewGuid():N}.raw");
        byte[] audio = new byte[32_000];
        for (int i = 0; i < audio.Length / 2; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(audio.AsSpan(i * 2), (short)(8000 * Math.Sin(2 * Math.PI * 1004 * (i + 0.5) / 8000)));
        }

        await File.WriteAllBytesAsync(tone, audio);
        try
        {
            await using ClassicProcess agi = ClassicProcess.Start("eagi/listen", audioOnFd3: tone);

            Assert.Matches("^VERBOSE \"EAGI: 16000 bytes, 200[78] zero crossings: about 1004 Hz\" 1$", await agi.ReadCommandAsync());
            await agi.ReplyAsync("200 result=1");
            Assert.Equal("SET VARIABLE EAGI_HZ 1004", await agi.ReadCommandAsync());
            await agi.ReplyAsync("200 result=1");
            Assert.Null(await agi.ReadCommandAsync());
            Assert.True(0 == await agi.ExitCodeAsync(), agi.Errors);
        }
        finally
        {
            File.Delete(tone);
        }
    }

    [LinuxFact]
    public async Task A_call_from_AGI_has_no_EAGI_audio_and_says_so()
    {
        await using ClassicProcess agi = ClassicProcess.Start("eagi/listen");

        Assert.Equal("SET VARIABLE FASTAGI_ERROR EXCEPTION", await agi.ReadCommandAsync());
        await agi.ReplyAsync("200 result=1");
        Assert.Equal("failure", await agi.ReadCommandAsync());
        agi.CloseInput();
        Assert.Equal(1, await agi.ExitCodeAsync());
        Assert.Contains("There is no EAGI audio: the call did not come from EAGI()", agi.Errors, StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task Fastagi_call_plays_Asterisk_to_a_classic_program_it_starts()
    {
        string program = Path.Combine(Path.GetTempPath(), $"fastagi-classic-{Environment.ProcessId}-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(program, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "FastAgi.Cli.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            // AGI(PROGRAM,agi,hello): the program gets "agi hello" as its arguments and agi_arg_1, agi_arg_2.
            int exit = await CommandLine.RunAsync(["call", program, "--arg", "agi", "--arg", "hello"], output, error, new StringReader(string.Empty)).WaitAsync(Timeout);

            string text = output.ToString();
            Assert.True(exit == 0, text + error);
            Assert.Contains("** starting " + program + " as classic AGI", text, StringComparison.Ordinal);
            Assert.Contains("-> STREAM FILE hello-world #\n<- 200 result=0 endpos=8000\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.Contains("-> HANGUP\n<- 200 result=1\n** SIGHUP (classic AGI: Asterisk writes no HANGUP line)\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.DoesNotContain("<- HANGUP", text, StringComparison.Ordinal);
            Assert.Contains("** the program exited with 0", text, StringComparison.Ordinal);
            Assert.Contains("AGISTATUS=HANGUP; 4 command(s)", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(program);
        }
    }

    [Fact]
    public async Task Fastagi_call_of_a_program_that_is_not_there_says_what_Asterisk_would_answer()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await CommandLine.RunAsync(["call", "/nonexistent/agi-bin/myivr"], output, error, new StringReader(string.Empty)).WaitAsync(Timeout);

        Assert.Equal(CallCommand.ConnectionFailed, exit);
        Assert.Contains("(Asterisk would answer AGISTATUS=NOTFOUND)", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A <c>fastagi agi</c> process, started as Asterisk starts a local AGI script.</summary>
    private sealed class ClassicProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _errors = new();
        private readonly SemaphoreSlim _errorLines = new(0);

        private ClassicProcess(Process process)
        {
            _process = process;
            process.ErrorDataReceived += (_, line) =>
            {
                _errors.Enqueue(line.Data ?? string.Empty);
                _errorLines.Release();
            };
            process.BeginErrorReadLine();
        }

        public string Errors => string.Join('\n', _errors);

        /// <summary>Starts <c>fastagi agi SCRIPT ARGS</c> with the environment block c01 shows, <c>agi_arg_1: agi</c> first, as AGI(/path/fastagi,agi,SCRIPT,ARGS) passes it.</summary>
        public static ClassicProcess Start(string script, string? argument = null, bool environment = true, string? audioOnFd3 = null)
        {
            string[] arguments = argument is null ? ["agi", script] : ["agi", script, argument];
            string dll = Path.Combine(AppContext.BaseDirectory, "FastAgi.Cli.dll");

            // EAGI(): Asterisk opens the audio pipe as fd 3 before the exec; bash does the same with a file here.
            ProcessStartInfo start = audioOnFd3 is null
                ? new ProcessStartInfo("dotnet", [dll, .. arguments])
                : new ProcessStartInfo("bash", ["-c", "exec dotnet \"$0\" agi \"$1\" 3<\"$2\"", dll, script, audioOnFd3]);
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            start.Environment["Logging__LogLevel__FastAgi"] = "Debug";
            start.Environment["Logging__Console__FormatterName"] = "simple";
            var process = new ClassicProcess(Process.Start(start) ?? throw new InvalidOperationException("fastagi did not start"));
            if (environment)
            {
                var block = new StringBuilder();
                foreach (string line in (string[])["agi_request: /usr/local/bin/fastagi", "agi_channel: PJSIP/1000-00000001", "agi_language: en", "agi_type: PJSIP",
                    "agi_uniqueid: 1700000000.1", "agi_version: 22.10.1", "agi_callerid: 1000", "agi_calleridname: Alice", "agi_callingpres: 0", "agi_callingani2: 0",
                    "agi_callington: 0", "agi_callingtns: 0", "agi_dnid: 100", "agi_rdnis: unknown", "agi_context: classic-test", "agi_extension: 100",
                    "agi_priority: 1", audioOnFd3 is null ? "agi_enhanced: 0.0" : "agi_enhanced: 1.0", "agi_accountcode: ", "agi_threadid: 140000000000000"])
                {
                    block.Append(line).Append('\n');
                }

                for (int i = 0; i < arguments.Length; i++)
                {
                    block.Append("agi_arg_").Append(i + 1).Append(": ").Append(arguments[i]).Append('\n');
                }

                process.Write(block.Append('\n').ToString());
            }

            return process;
        }

        /// <summary>The next command line, without its LF, or <see langword="null"/> when the program closed stdout.</summary>
        public async Task<string?> ReadCommandAsync()
        {
            string? line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Timeout);
            return line;
        }

        public Task ReplyAsync(string reply)
        {
            Write(reply + "\n");
            return Task.CompletedTask;
        }

        public void Signal(string signal)
        {
            using Process kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }

        public void CloseInput() => _process.StandardInput.Close();

        /// <summary>Waits until the program's stderr has a line holding <paramref name="text"/>.</summary>
        public async Task WaitForErrorAsync(string text)
        {
            using var deadline = new CancellationTokenSource(Timeout);
            while (!_errors.Any(line => line.Contains(text, StringComparison.Ordinal)))
            {
                await _errorLines.WaitAsync(deadline.Token);
            }
        }

        public async Task<int> ExitCodeAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(Timeout);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            _errorLines.Dispose();
        }

        private void Write(string text)
        {
            // One write per line, as Asterisk writes it, and no buffering in between.
            _process.StandardInput.Write(text);
            _process.StandardInput.Flush();
        }
    }
}
