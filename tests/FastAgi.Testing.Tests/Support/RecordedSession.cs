using System.Text;
using System.Text.RegularExpressions;
using FastAgi.Testing.Engine;
using FastAgi.Testing.Replay;

namespace FastAgi.Testing.Tests.Support;

/// <summary>
/// Runs a recorded conversation of real Asterisk through an <see cref="AsteriskEngine"/>: each <see cref="Check"/> finds the next
/// recorded command with that line, executes it, and asserts that the engine writes what Asterisk wrote. Both the command
/// and the expected reply come from the recording, never from the test.
/// </summary>
public sealed partial class RecordedSession
{
    private readonly List<(string Command, List<string> Written)> _exchanges = [];
    private readonly List<string> _afterEnvironment = [];
    private readonly List<string> _afterClose = [];
    private int _next;

    private RecordedSession(AgiRecordedConnection connection, AsteriskEngineOptions? options, Action<AsteriskChannel>? setup)
    {
        var environment = new List<KeyValuePair<string, string>>();
        bool inEnvironment = true, closed = false;
        foreach (AgiRecordedEvent e in connection.Events)
        {
            switch (e.Kind)
            {
                case AgiRecordedEventKind.AsteriskToServer when inEnvironment:
                    inEnvironment = e.Data != "\n";
                    if (e.Data.IndexOf(": ", StringComparison.Ordinal) is > 0 and int colon)
                    {
                        environment.Add(new(e.Data[..colon], e.Data[(colon + 2)..^1]));
                    }

                    break;
                case AgiRecordedEventKind.AsteriskToServer when closed:
                    _afterClose.Add(e.Data);
                    break;
                case AgiRecordedEventKind.AsteriskToServer:
                    (_exchanges.Count == 0 ? _afterEnvironment : _exchanges[^1].Written).Add(e.Data);
                    break;
                case AgiRecordedEventKind.ServerToAsterisk when !closed:
                    _exchanges.Add((e.Data.TrimEnd('\n'), []));
                    break;
                case AgiRecordedEventKind.Note when e.Data.StartsWith("server: close()", StringComparison.Ordinal) || e.Data.StartsWith("server: shutdown(", StringComparison.Ordinal):
                    closed = true;
                    break;
            }
        }

        var channel = new AsteriskChannel();
        channel.ApplyEnvironment(environment);
        setup?.Invoke(channel);
        Engine = new AsteriskEngine(channel, options);
    }

    public AsteriskEngine Engine { get; }

    public static RecordedSession Start(string scenario, Action<AsteriskChannel>? setup = null, AsteriskEngineOptions? options = null, int connection = 0)
        => new(Recordings.Load(scenario).MainConnections[connection], options, setup);

    /// <summary>Queues what the caller does before the next command.</summary>
    public RecordedSession Caller(Action<CallerInput> act)
    {
        act(Engine.Caller);
        return this;
    }

    /// <summary>Executes the next recorded command <paramref name="line"/> and asserts the engine writes exactly what Asterisk wrote after it (HANGUP lines included).</summary>
    public AsteriskResponse Check(string line, bool anyEndpos = false)
    {
        (string command, List<string> written) = Find(line);
        AsteriskResponse response = Engine.Execute(command);
        Assert.Null(response.BlockedReason);
        Assert.Equal(Normalize(written, anyEndpos), Normalize(response.Lines, anyEndpos));
        return response;
    }

    /// <summary>Like <see cref="Check"/>, when the caller hung up after the reply while Asterisk was idle: the recorded HANGUP after it comes from <see cref="AsteriskEngine.HangUp"/>.</summary>
    public void CheckThenCallerHangsUp(string line)
    {
        (string command, List<string> written) = Find(line);
        int hangups = written.AsEnumerable().Reverse().TakeWhile(static w => w == "HANGUP\n").Count();
        Assert.True(hangups > 0, $"The recording has no HANGUP after '{line}'.");
        Assert.Equal(written[..^hangups], Engine.Execute(command).Lines);
        Assert.Equal(written[^hangups..], Engine.HangUp().Lines);
    }

    /// <summary>Asserts that the caller hanging up right after the environment gives what Asterisk wrote then.</summary>
    public void CheckCallerHangsUpAtOnce() => Assert.Equal(_afterEnvironment, Engine.HangUp().Lines);

    /// <summary>Asserts that the server closing gives what Asterisk wrote after the recorded close.</summary>
    public void CheckServerClosed() => Assert.Equal(_afterClose, Engine.ServerClosed().Lines);

    /// <summary>Checks every remaining recorded command, except <paramref name="skipped"/> ones the engine does not model (each is stepped over, not executed).</summary>
    public void CheckRest(params string[] skipped)
    {
        while (_next < _exchanges.Count)
        {
            string command = _exchanges[_next].Command;
            if (skipped.Contains(command, StringComparer.Ordinal))
            {
                _next++;
                continue;
            }

            Check(command);
        }
    }

    /// <summary>The recorded reply to the next command <paramref name="line"/>, without executing it.</summary>
    public string RecordedReply(string line)
    {
        int saved = _next;
        string reply = string.Concat(Find(line).Written);
        _next = saved;
        return reply;
    }

    private (string Command, List<string> Written) Find(string line)
    {
        for (int i = _next; i < _exchanges.Count; i++)
        {
            if (_exchanges[i].Command == line)
            {
                _next = i + 1;
                return _exchanges[i];
            }
        }

        throw new InvalidOperationException($"The recording has no command '{line}' after exchange {_next}.");
    }

    private static string Normalize(IEnumerable<string> lines, bool anyEndpos)
    {
        string text = string.Concat(lines);
        return anyEndpos ? EndposPattern().Replace(text, "endpos=N") : text;
    }

    /// <summary>The recorded data are latin-1 decoded bytes: a script's UTF-8 text reads the same way here.</summary>
    public static string Latin1(string utf8) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(utf8));

    [GeneratedRegex(@"endpos=\d+")]
    private static partial Regex EndposPattern();
}
