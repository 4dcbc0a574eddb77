using FastAgi.Commands;
using FastAgi.Protocol;
using FastAgi.Routing;
using FastAgi.Server;
using FastAgi.Testing.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Testing.Tests;

public sealed class FakeAsteriskTests
{
    [Fact]
    public async Task The_script_sees_a_realistic_environment()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Url("agi://10.0.0.5:4573/ivr/main?lang=fr").Arguments("1000", "sales").CallerId("5551234", "Alice").Set("agi_custom", "x");
        AgiRequest? seen = null;
        await asterisk.CallAsync((session, _) =>
        {
            seen = session.Request;
            return Task.CompletedTask;
        });

        Assert.NotNull(seen);
        Assert.Equal("ivr/main", seen.ScriptPath);
        Assert.Equal("fr", seen.Query["lang"]);
        Assert.Equal(["1000", "sales"], seen.Arguments);
        Assert.Equal(("5551234", "Alice"), (seen.CallerId, seen.CallerIdName));
        Assert.Equal("agi://10.0.0.5:4573/ivr/main?lang=fr", seen.RequestUrl);
        Assert.Equal("x", seen["agi_custom"]);
        Assert.Equal("22.10.1", seen.AsteriskVersion);
    }

    [Fact]
    public async Task Values_are_written_raw_as_Asterisk_writes_them_and_fences_are_answered_not_counted()
    {
        // Asterisk writes "200 result=1 (%s)\n" with the value as it is; the session fences it and the fake answers the fence.
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true });
        asterisk.Channel.Variables["FORGED"] = "abc)\n200 result=1 (injected)";
        asterisk.Expect("GET VARIABLE FORGED");
        asterisk.Expect("GET FULL VARIABLE ${FORGED}!").ReplyValue("x\ny)\nz");
        asterisk.Expect("DATABASE GET cid 100").ReplyValue("foo (bar)\n");
        string[] values = new string[3];
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            values[0] = await Commands.AgiCommands.GetVariableAsync(session, "FORGED", hangup) ?? "(not set)";
            values[1] = await Commands.AgiCommands.GetFullVariableAsync(session, "${FORGED}!", cancellationToken: hangup) ?? "(no channel)";
            values[2] = await Commands.AgiCommands.DatabaseGetAsync(session, "cid", "100", hangup) ?? "(no key)";
        });

        Assert.True(call.Succeeded, call.Failure);
        Assert.Equal(["abc)\n200 result=1 (injected)", "x\ny)\nz", "foo (bar)\n"], values);
        Assert.Equal(["GET VARIABLE FORGED", "GET FULL VARIABLE ${FORGED}!", "DATABASE GET cid 100"], call.CommandLines);
        Assert.Equal("200 result=1 (abc)\n200 result=1 (injected))\n", call.Commands[0].Reply);
        Assert.Equal(3, call.Transcript.Split('\n').Count(static line => line.StartsWith("-> GET FULL VARIABLE " + AgiReplyFence.TokenPrefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Unscripted_commands_get_Asterisk_defaults()
    {
        var asterisk = new FakeAsterisk();
        var replies = new List<string>();
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            foreach (string command in (string[])["ANSWER", "CHANNEL STATUS", "NOOP", "FOOBAR"])
            {
                replies.Add((await session.SendCommandAsync(command, hangup)).ToString());
            }

            replies.Add((await session.SendCommandAsync("STREAM FILE", ["welcome", ""], hangup)).ToString());
            replies.Add((await session.SendCommandAsync("GET DATA", ["menu", "3000", "2"], hangup)).ToString());
            replies.Add((await session.SendCommandAsync("WAIT FOR DIGIT", ["1000"], hangup)).ToString());
            replies.Add((await session.SendCommandAsync("GET VARIABLE", ["UNSET"], hangup)).ToString());
            replies.Add((await session.SendCommandAsync("SET VARIABLE", ["ONLY_NAME"], hangup)).ToString());
            replies.Add((await session.SendCommandAsync("GOSUB", ["sub", "s", "1"], hangup)).ToString());
        });

        Assert.Equal(
        [
            "200 result=0", "200 result=6", "200 result=0", "510 Invalid or unknown command", "200 result=0 endpos=8000",
            "200 result= (timeout)", "200 result=0", "200 result=0", "520 Invalid command syntax.  Proper usage follows:", "200 result=0 Gosub complete",
        ], replies);
        Assert.Equal(FakeCallEnding.ServerClosed, call.Ending);
        Assert.Equal("SUCCESS", call.AgiStatus);
    }

    [Fact]
    public async Task Expectations_choose_replies_raw_or_typed()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Expect("STREAM FILE welcome").Reply("200 result=0 endpos=1234");
        asterisk.Expect("stream file menu").ReplyDigit('2');
        asterisk.Expect("WAIT FOR DIGIT").ReplyDigit('#');
        asterisk.Expect("GET DATA pin").ReplyDigits("1234");
        asterisk.Expect("GET DATA pin").ReplyTimeout("12");
        asterisk.Expect("GET VARIABLE LANG").ReplyValue("fr");
        asterisk.Expect("DATABASE GET cache").ReplyNotSet();
        asterisk.Expect("STREAM FILE missing").ReplyFailure();
        asterisk.Expect("EXEC Dial").ReplyResult(-1);
        var replies = new List<string>();
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            async Task Send(string command, params string[] arguments) => replies.Add((await session.SendCommandAsync(command, arguments, hangup)).ToString());
            await Send("STREAM FILE", "welcome", "#");
            await Send("STREAM FILE", "menu", "123");
            await Send("WAIT FOR DIGIT", "5000");
            await Send("GET DATA", "pin", "5000", "4");
            await Send("GET DATA", "pin", "5000", "4");
            await Send("GET VARIABLE", "LANG");
            await Send("DATABASE GET", "cache", "key");
            await Send("STREAM FILE", "missing", "");
            await Send("EXEC", "Dial", "PJSIP/bob");
        });

        Assert.Equal(
        [
            "200 result=0 endpos=1234", "200 result=50 endpos=4000", "200 result=35", "200 result=1234", "200 result=12 (timeout)",
            "200 result=1 (fr)", "200 result=0", "200 result=-1 endpos=0", "200 result=-1",
        ], replies);
        Assert.All(call.Commands, static command => Assert.NotNull(command.Expectation));
        Assert.Equal("FAILURE", call.AgiStatus);
    }

    [Fact]
    public async Task Queued_digits_go_to_the_commands_that_take_them()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Caller.Presses("5").StaysSilent().Presses("42#");
        var replies = new List<string>();
        await asterisk.CallAsync(async (session, hangup) =>
        {
            async Task Send(string command, params string[] arguments) => replies.Add((await session.SendCommandAsync(command, arguments, hangup)).ToString());
            await Send("STREAM FILE", "intro", "123");      // '5' is not an escape digit: it stays queued
            await Send("WAIT FOR DIGIT", "3000");           // takes '5'
            await Send("GET DATA", "pin", "3000", "4");     // the silence: timeout
            await Send("SAY DIGITS", "42", "4");            // '4' is an escape digit
            await Send("GET DATA", "pin", "3000", "4");     // '2', then '#' ends it
        });

        Assert.Equal(["200 result=0 endpos=8000", "200 result=53", "200 result= (timeout)", "200 result=52", "200 result=2"], replies);
    }

    [Fact]
    public async Task The_result_lists_commands_variables_and_the_channel()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Channel.Variables["CUSTOMER"] = "42";
        asterisk.Channel.Database.Put("lang", "42", "fr");
        FakeCallResult call = await asterisk.CallAsync(async (session, hangup) =>
        {
            AgiReply customer = await session.SendCommandAsync("GET VARIABLE", ["CUSTOMER"], hangup);
            AgiReply language = await session.SendCommandAsync("DATABASE GET", ["lang", customer.Data!], hangup);
            await session.SendCommandAsync("SET VARIABLE", ["CHANNEL(language)", language.Data!], hangup);
            await session.SendCommandAsync("SET VARIABLE", ["GREETING", "bonjour tout le monde"], hangup);
            await session.SendCommandAsync("DATABASE PUT", ["seen", "42", "yes"], hangup);
            await session.SendCommandAsync("SET CONTEXT", ["after-ivr"], hangup);
            await session.SendCommandAsync("SET PRIORITY", ["1"], hangup);
        });

        call.AssertCommands("GET VARIABLE CUSTOMER", "DATABASE GET lang 42", "SET VARIABLE CHANNEL(language) fr", "SET VARIABLE GREETING", "DATABASE PUT seen", "SET CONTEXT", "SET PRIORITY 1");
        Assert.Equal(["CHANNEL(language)", "GREETING"], call.VariablesSet.Keys);
        Assert.Equal("bonjour tout le monde", call.VariablesSet["GREETING"]);
        Assert.Equal("fr", call.Channel.Language);
        Assert.Equal("yes", call.Channel.Database.Entries["/seen/42"]);
        Assert.Equal("after-ivr,100,1", call.ContinuesAt);
        Assert.Equal(["SET", "VARIABLE", "GREETING", "bonjour tout le monde"], call.Commands[3].Words);
        Assert.Equal("SET VARIABLE", call.Commands[3].Name);
        Assert.Equal(["GREETING", "bonjour tout le monde"], call.Commands[3].Arguments);
    }

    [Fact]
    public async Task AssertCommands_shows_both_lists_on_a_difference()
    {
        FakeCallResult call = await new FakeAsterisk().CallAsync(static async (session, hangup) => await session.SendCommandAsync("ANSWER", hangup));
        var failure = Assert.Throws<FakeAsteriskAssertionException>(() => call.AssertCommands("ANSWER", "HANGUP"));
        Assert.Contains("expected: HANGUP", failure.Message, StringComparison.Ordinal);
        Assert.Contains("actual:   (nothing)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("-> ANSWER", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_mode_fails_on_an_unexpected_command_with_a_diff()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true });
        asterisk.Expect("ANSWER");
        asterisk.Expect("STREAM FILE welcome");
        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => asterisk.CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("ANSWER", hangup);
            await session.SendCommandAsync("STREAM FILE", ["goodbye", "#"], hangup);
        }));

        Assert.Equal(FakeCallEnding.UnexpectedCommand, failure.Result!.Ending);
        Assert.Contains("expected: STREAM FILE welcome", failure.Message, StringComparison.Ordinal);
        Assert.Contains("actual:   STREAM FILE goodbye #", failure.Message, StringComparison.Ordinal);
        Assert.Contains("  -> ANSWER\n  <- 200 result=0\n  -> STREAM FILE goodbye #", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Still expected, in order: STREAM FILE welcome", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_mode_fails_on_a_command_after_the_last_expectation()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Strict = true, ThrowOnFailure = false });
        asterisk.Expect("ANSWER");
        FakeCallResult call = await asterisk.CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("ANSWER", hangup);
            await session.SendCommandAsync("NOOP", hangup);
        });

        Assert.Equal(FakeCallEnding.UnexpectedCommand, call.Ending);
        Assert.Contains("expected no more commands", call.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expectation_the_script_never_meets_fails_the_call()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Expect("ANSWER");
        asterisk.Expect("HANGUP");
        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => asterisk.CallAsync(static async (session, hangup) => await session.SendCommandAsync("ANSWER", hangup)));
        Assert.Contains("never sent 'HANGUP'", failure.Message, StringComparison.Ordinal);
        Assert.Single(failure.Result!.UnmetExpectations);
    }

    [Fact]
    public async Task A_typed_reply_that_does_not_fit_the_command_fails_with_a_message()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Expect("ANSWER").ReplyValue("x");
        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => asterisk.CallAsync(static async (session, hangup) => await session.SendCommandAsync("ANSWER", hangup)));
        Assert.Contains("ReplyValue(\"x\") does not apply to 'ANSWER'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_would_wait_forever_fails_unless_the_caller_hangs_up_instead()
    {
        var blocked = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false });
        FakeCallResult call = await blocked.CallAsync(static async (session, hangup) => await session.SendCommandAsync("WAIT FOR DIGIT", ["-1"], hangup));
        Assert.Equal(FakeCallEnding.Blocked, call.Ending);
        Assert.Contains("waits forever", call.Failure, StringComparison.Ordinal);

        var hangsUp = new FakeAsterisk(new FakeAsteriskOptions { EndlessWaitHangsUp = true });
        FakeCallResult second = await hangsUp.CallAsync(static async (session, hangup) => await session.SendCommandAsync("WAIT FOR DIGIT", ["-1"], hangup));
        Assert.Equal("200 result=-1\n", second.Commands[0].Reply);
        Assert.True(second.CallerHungUp);
    }

    [Fact]
    public async Task A_script_exception_fails_the_call_and_the_server_reports_it()
    {
        var asterisk = new FakeAsterisk();
        var failure = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => asterisk.CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("ANSWER", hangup);
            throw new InvalidOperationException("boom");
        }));

        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Contains("The script threw InvalidOperationException: boom", failure.Message, StringComparison.Ordinal);
        FakeCallResult call = failure.Result!;
        Assert.Equal(FakeCallEnding.FailureLine, call.Ending);
        Assert.Equal("EXCEPTION", call.VariablesSet[AgiConnectionHandler.ErrorVariable]);
        Assert.Equal("FAILURE", call.AgiStatus);
    }

    [Fact]
    public async Task A_hung_script_fails_with_what_the_fake_was_waiting_for()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { Timeout = TimeSpan.FromMilliseconds(500), ThrowOnFailure = false });
        FakeCallResult call = await asterisk.CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("ANSWER", hangup);
            await Task.Delay(Timeout.Infinite, hangup);
        });

        Assert.Equal(FakeCallEnding.TimedOut, call.Ending);
        Assert.Contains("Timed out after 0.5 s waiting for the script's next command or for the server to close the connection", call.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routes_pick_the_script_and_a_missing_route_is_reported_not_found()
    {
        var routes = new AgiRouteTable();
        routes.Map("ivr/main", static async (session, hangup) => await session.SendCommandAsync("ANSWER", hangup));

        var found = new FakeAsterisk();
        found.Environment.Script("IVR/Main?x=1");
        Assert.Equal(["ANSWER"], (await found.CallAsync(routes)).CommandLines);

        var missing = new FakeAsterisk();
        missing.Environment.Script("nowhere");
        missing.Expect("failure");
        FakeCallResult call = await missing.CallAsync(routes);
        Assert.Equal(["SET VARIABLE FASTAGI_ERROR NOTFOUND", "failure"], call.CommandLines);
        Assert.Equal((FakeCallEnding.FailureLine, "FAILURE"), (call.Ending, call.AgiStatus));
    }

    [Fact]
    public async Task A_call_no_script_serves_fails_the_test_with_the_reason()
    {
        var services = new ServiceCollection();
        services.AddFastAgi().MapScript("ivr/main", static async (session, hangup) => await session.SendCommandAsync("ANSWER", hangup));
        await using ServiceProvider provider = services.BuildServiceProvider();

        // No script path: the easy mistake, which used to end in a passing test.
        FakeAsteriskAssertionException error = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => new FakeAsterisk().CallAsync(provider));
        Assert.StartsWith("No script is mapped to the call's script path '':", error.Message, StringComparison.Ordinal);
        Assert.Contains("Environment.Script(", error.Message, StringComparison.Ordinal);
        Assert.Equal(FakeCallEnding.FailureLine, error.Result!.Ending);

        var lenient = new FakeAsterisk(new FakeAsteriskOptions { ThrowOnFailure = false });
        lenient.Environment.Script("ivr/other");
        FakeCallResult call = await lenient.CallAsync(provider);
        Assert.False(call.Succeeded);
        Assert.StartsWith("No script is mapped to the call's script path 'ivr/other':", call.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_line_the_test_did_not_expect_fails_it_whatever_the_error()
    {
        var services = new ServiceCollection();
        services.AddFastAgi().MapScript("boom", static (_, _) => throw new InvalidOperationException("database down"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Script("boom");

        FakeAsteriskAssertionException error = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => asterisk.CallAsync(provider));
        Assert.StartsWith("The script for 'boom' threw on the server: it answered FASTAGI_ERROR=EXCEPTION", error.Message, StringComparison.Ordinal);
    }

    public sealed class Greeter(FakeAsteriskTests.IGreeting greeting) : IAgiScript
    {
        public async Task RunAsync(AgiSession session, CancellationToken cancellationToken)
        {
            await session.AnswerAsync(cancellationToken);
            await session.StreamFileAsync(greeting.Prompt, cancellationToken: cancellationToken);
        }
    }

    public interface IGreeting
    {
        string Prompt { get; }
    }

    private sealed class FrenchGreeting : IGreeting
    {
        public string Prompt => "bonjour";
    }

    [Fact]
    public async Task CallAsync_of_a_script_class_creates_it_with_its_services()
    {
        var asterisk = new FakeAsterisk();
        FakeCallResult call = await asterisk.CallAsync<Greeter>(static services => services.AddSingleton<IGreeting, FrenchGreeting>());
        call.AssertCommands("ANSWER", "STREAM FILE bonjour \"\"");

        var unregistered = new FakeAsterisk();
        FakeAsteriskAssertionException error = await Assert.ThrowsAsync<FakeAsteriskAssertionException>(() => unregistered.CallAsync<Greeter>());
        Assert.Contains("IGreeting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_provider_with_AddFastAgi_serves_the_call()
    {
        var services = new ServiceCollection();
        services.AddFastAgi().MapScript("hello", static async (session, hangup) => await session.SendCommandAsync("STREAM FILE", ["hello-world", ""], hangup));
        await using ServiceProvider provider = services.BuildServiceProvider();
        var asterisk = new FakeAsterisk();
        asterisk.Environment.Script("hello");
        FakeCallResult call = await asterisk.CallAsync(provider);
        Assert.Equal(["STREAM FILE hello-world \"\""], call.CommandLines);
    }

    [Fact]
    public async Task Traffic_is_observed_as_it_happens()
    {
        var seen = new List<string>();
        var asterisk = new FakeAsterisk().OnTraffic(traffic => seen.Add(traffic.ToString()));
        asterisk.Caller.HangsUpAfter(1);
        FakeCallResult call = await asterisk.CallAsync(static async (session, hangup) => await session.SendCommandAsync("ANSWER", hangup));
        Assert.Contains("<- agi_network: yes", seen);
        Assert.Equal(["-> ANSWER", "<- 200 result=0", "** caller hangs up", "<- HANGUP", "** the server closed the connection", "<- HANGUP"], seen.Where(static s => !s.StartsWith("<- agi_", StringComparison.Ordinal) && s != "<- ").ToArray());
        Assert.Matches(@"^<- \(environment, 21 lines: agi_channel: PJSIP/1000-[0-9a-f]{8}, agi_callerid: unknown\)\n-> ANSWER\n", call.Transcript);
    }

    [Fact]
    public async Task OnCommand_can_reply_press_digits_or_hang_up()
    {
        var asterisk = new FakeAsterisk().OnCommand((context, _) =>
        {
            switch (context.Command.Number)
            {
                case 1:
                    context.Reply("200 result=1 (custom)");
                    break;
                case 2:
                    context.PressDigits("7");
                    break;
                default:
                    context.HangUp();
                    break;
            }

            return ValueTask.CompletedTask;
        });
        FakeCallResult call = await asterisk.CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("GET VARIABLE", ["X"], hangup);
            await session.SendCommandAsync("WAIT FOR DIGIT", ["100"], hangup);
            await session.SendCommandAsync("STREAM FILE", ["x", ""], hangup);
        });

        Assert.Equal(["200 result=1 (custom)\n", "200 result=55\n", "200 result=-1 endpos=4000\n"], call.Commands.Select(static c => c.Reply));
        Assert.True(call.CallerHungUp);
    }

    [Fact]
    public async Task A_fake_places_one_call()
    {
        var asterisk = new FakeAsterisk();
        await asterisk.CallAsync(static (_, _) => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => asterisk.CallAsync(static (_, _) => Task.CompletedTask));
    }

    [Fact]
    public async Task Usage_without_xml_documentation_is_one_line()
    {
        var asterisk = new FakeAsterisk(new FakeAsteriskOptions { UsageAvailable = false });
        FakeCallResult call = await asterisk.CallAsync(static async (session, hangup) => await session.SendCommandAsync("STREAM FILE", hangup));
        Assert.Equal("520 Invalid command syntax.  Proper usage not available.\n", call.Commands[0].Reply);
    }

    [Fact]
    public async Task A_closed_dialplan_makes_gosub_fail()
    {
        var asterisk = new FakeAsterisk();
        asterisk.Channel.Dialplan.AddExtension("subs", "s");
        FakeCallResult call = await asterisk.CallAsync(static async (session, hangup) =>
        {
            await session.SendCommandAsync("GOSUB", ["subs", "s", "1"], hangup);
            await session.SendCommandAsync("GOSUB", ["subs", "nope", "1"], hangup);
        });

        Assert.Equal(["100 result=0 Trying...\n200 result=0 Gosub complete\n", "200 result=-1 Gosub label not found\n"], call.Commands.Select(static c => c.Reply));
        Assert.Equal("FAILURE", call.AgiStatus);
        Assert.Equal(AsteriskHangupSource.None, call.HangupSource);
    }
}
