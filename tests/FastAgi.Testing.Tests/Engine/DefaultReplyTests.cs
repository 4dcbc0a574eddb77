using FastAgi.Testing.Engine;
using FastAgi.Testing.Tests.Support;

namespace FastAgi.Testing.Tests.Engine;

/// <summary>
/// Every one of the 47 commands: the engine's reply, with no caller input, is the one Asterisk 22.10.1 wrote in the recording
/// for the same line. Both the line and the reply are read from the recording.
/// </summary>
public sealed class DefaultReplyTests
{
    private static readonly Dictionary<string, (string Scenario, string Line, Action<AsteriskChannel>? Setup, bool AnyEndpos)> Cases = new()
    {
        ["ANSWER"] = ("02a-basic-answer-status-noop-verbose", "ANSWER", null, false),
        ["ASYNCAGI BREAK"] = ("02a-basic-answer-status-noop-verbose", "ASYNCAGI BREAK", null, false),
        ["CHANNEL STATUS"] = ("02a-basic-answer-status-noop-verbose", "CHANNEL STATUS", null, false),
        ["DATABASE DEL"] = ("02c-database", "DATABASE DEL golden key1", null, false),
        ["DATABASE DELTREE"] = ("02c-database", "DATABASE DELTREE nosuchfamily", null, false),
        ["DATABASE GET"] = ("02c-database", "DATABASE GET golden missingkey", null, false),
        ["DATABASE PUT"] = ("02c-database", "DATABASE PUT golden key1 value1", null, false),
        ["EXEC"] = ("02d-exec", "EXEC Wait 1", null, false),
        ["GET DATA"] = ("02h-waitfordigit-getdata", "GET DATA beep 1500 4", null, false),
        ["GET FULL VARIABLE"] = ("02b-set-get-variable-quoting", "GET FULL VARIABLE ${NEVER_SET}", null, false),
        ["GET OPTION"] = ("02g-stream-control-getoption", "GET OPTION beep \"12\" 1500", static c => c.SoundFiles.Add("beep", 3404), false),
        ["GET VARIABLE"] = ("02b-set-get-variable-quoting", "GET VARIABLE NEVER_SET_VARIABLE", null, false),
        ["HANGUP"] = ("04e-hangup-command", "HANGUP", null, false),
        ["NOOP"] = ("02a-basic-answer-status-noop-verbose", "NOOP", null, false),
        ["RECEIVE CHAR"] = ("02l-channel-misc", "RECEIVE CHAR 1000", null, false),
        ["RECEIVE TEXT"] = ("02l-channel-misc", "RECEIVE TEXT 1000", null, false),

        // Without a caller on the line the recorder captured no audio (endpos=0); the engine counts a talking caller's samples.
        ["RECORD FILE"] = ("02j-record-file", "RECORD FILE /var/spool/asterisk/recording/r1-noaudio wav \"#\" 1500", null, true),
        ["SAY ALPHA"] = ("02i-say", "SAY ALPHA abc \"\"", null, false),
        ["SAY DIGITS"] = ("02i-say", "SAY DIGITS 123 \"\"", null, false),
        ["SAY NUMBER"] = ("02i-say", "SAY NUMBER 42 \"\"", null, false),
        ["SAY PHONETIC"] = ("02i-say", "SAY PHONETIC ab1 \"\"", null, false),
        ["SAY DATE"] = ("02i-say", "SAY DATE 0 \"\"", null, false),
        ["SAY TIME"] = ("02i-say", "SAY TIME 0 \"\"", null, false),
        ["SAY DATETIME"] = ("02i-say", "SAY DATETIME 1700000000 \"\" IMp UTC", null, false),
        ["SEND IMAGE"] = ("02l-channel-misc", "SEND IMAGE logo", null, false),
        ["SEND TEXT"] = ("02l-channel-misc", "SEND TEXT \"hello peer\"", null, false),
        ["SET AUTOHANGUP"] = ("02l-channel-misc", "SET AUTOHANGUP 100", null, false),
        ["SET CALLERID"] = ("02l-channel-misc", "SET CALLERID 12345", null, false),
        ["SET CONTEXT"] = ("02m-set-context-extension-priority", "SET CONTEXT agi-jump", null, false),
        ["SET EXTENSION"] = ("02m-set-context-extension-priority", "SET EXTENSION target", null, false),
        ["SET MUSIC"] = ("02l-channel-misc", "SET MUSIC on default", null, false),
        ["SET PRIORITY"] = ("02m-set-context-extension-priority", "SET PRIORITY lab", null, false),
        ["SET VARIABLE"] = ("02b-set-get-variable-quoting", "SET VARIABLE FOO bar", null, false),
        ["STREAM FILE"] = ("02g-stream-control-getoption", "STREAM FILE beep \"\"", static c => c.SoundFiles.Add("beep", 3404), false),
        ["CONTROL STREAM FILE"] = ("02g-stream-control-getoption", "CONTROL STREAM FILE beep \"\"", null, false),
        ["TDD MODE"] = ("02l-channel-misc", "TDD MODE on", null, false),
        ["VERBOSE"] = ("02a-basic-answer-status-noop-verbose", "VERBOSE \"hello from the FastAGI server\" 1", null, false),
        ["WAIT FOR DIGIT"] = ("02h-waitfordigit-getdata", "WAIT FOR DIGIT 1000", null, false),
        ["SPEECH CREATE"] = ("02l-channel-misc", "SPEECH CREATE lumenvox", null, false),
        ["SPEECH SET"] = ("02l-channel-misc", "SPEECH SET foo bar", null, false),
        ["SPEECH DESTROY"] = ("02l-channel-misc", "SPEECH DESTROY", null, false),
        ["SPEECH LOAD GRAMMAR"] = ("02l-channel-misc", "SPEECH LOAD GRAMMAR g1 /var/lib/asterisk/grammars/g1.gram", null, false),
        ["SPEECH UNLOAD GRAMMAR"] = ("02l-channel-misc", "SPEECH UNLOAD GRAMMAR g1", null, false),
        ["SPEECH ACTIVATE GRAMMAR"] = ("02l-channel-misc", "SPEECH ACTIVATE GRAMMAR g1", null, false),
        ["SPEECH DEACTIVATE GRAMMAR"] = ("02l-channel-misc", "SPEECH DEACTIVATE GRAMMAR g1", null, false),
        ["SPEECH RECOGNIZE"] = ("02l-channel-misc", "SPEECH RECOGNIZE beep 1", null, false),
        ["GOSUB"] = ("02f-gosub", "GOSUB agi-sub s 1", null, false),
    };

    public static TheoryData<string> Commands => [.. AsteriskCommands.All.Select(static c => c.Name)];

    [Fact]
    public void There_are_47_commands_and_each_has_a_recorded_case()
    {
        Assert.Equal(47, AsteriskCommands.All.Count);
        Assert.Equal(AsteriskCommands.All.Select(static c => c.Name).Order(), Cases.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_default_reply_is_the_recorded_one(string command)
    {
        (string scenario, string line, Action<AsteriskChannel>? setup, bool anyEndpos) = Cases[command];
        RecordedSession session = RecordedSession.Start(scenario, setup);
        AsteriskResponse response = session.Check(line, anyEndpos);
        Assert.Equal(command, response.Command?.Name);
    }

    [Theory]
    [InlineData("stream file")]
    [InlineData("Get Full Variable")]
    public void Command_words_match_case_insensitively(string name)
        => Assert.NotNull(AsteriskCommands.Find(name.Split(' ')));

    [Theory]
    [InlineData("STREAM")]
    [InlineData("GET")]
    [InlineData("SPEECH LOAD")]
    [InlineData("")]
    public void Incomplete_command_words_find_nothing(string line)
        => Assert.Null(AsteriskCommands.Find(AsteriskTokenizer.Split(line)));

    [Fact]
    public void Dead_capable_commands_are_those_of_the_recordings()
    {
        string[] dead = ["ASYNCAGI BREAK", "DATABASE DEL", "DATABASE DELTREE", "DATABASE GET", "DATABASE PUT", "EXEC", "GET FULL VARIABLE", "GET VARIABLE", "NOOP", "SET VARIABLE", "VERBOSE", "SPEECH DESTROY", "SPEECH UNLOAD GRAMMAR"];
        Assert.Equal(dead.Order(), AsteriskCommands.All.Where(static c => c.RunsOnDeadChannel).Select(static c => c.Name).Order());
    }
}
