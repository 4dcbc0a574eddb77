using System.Globalization;
using FastAgi.Commands;

namespace FastAgi.Testing.Engine;

/// <summary>
/// The Asterisk side of one FastAGI session, without any I/O: given each command line the server sends, it answers exactly as
/// Asterisk 22.10.1's <c>run_agi()</c> and the command handlers of <c>res_agi.c</c> do, against an in-memory channel.
/// </summary>
/// <remarks>
/// One engine per call. Commands are tokenized by <see cref="AsteriskTokenizer"/> and matched by <see cref="AsteriskCommands.Find"/>;
/// unknown commands get 510, wrong argument counts 520, commands that cannot run on a hung-up channel 511. The caller's
/// behaviour comes from <see cref="Caller"/>; hangups are announced with the unsolicited <c>HANGUP</c> line, once.
/// </remarks>
public sealed partial class AsteriskEngine
{
    private const string HangupLine = "HANGUP\n";

    private bool _started;
    private bool _sendHangupLines = true;
    private bool _exitOnHangup;
    private bool _execFull;
    private bool _hangupAnnounced;
    private bool _stickyFailure;

    /// <summary>Creates an engine for <paramref name="channel"/> (a new default channel when <see langword="null"/>).</summary>
    public AsteriskEngine(AsteriskChannel? channel = null, AsteriskEngineOptions? options = null)
    {
        Channel = channel ?? new AsteriskChannel();
        Options = options ?? new AsteriskEngineOptions();
    }

    /// <summary>The channel the commands act on.</summary>
    public AsteriskChannel Channel { get; }

    /// <summary>The engine's options.</summary>
    public AsteriskEngineOptions Options { get; }

    /// <summary>What the caller will press or do, consumed by the commands that take input.</summary>
    public CallerInput Caller { get; } = new();

    /// <summary>Whether the channel has hung up: from now on only the commands that run dead are answered, the others get 511.</summary>
    public bool IsHungUp => HangupSource != AsteriskHangupSource.None;

    /// <summary>Who hung up the channel.</summary>
    public AsteriskHangupSource HangupSource { get; private set; }

    /// <summary>Whether the session is over: the server closed, sent a <c>failure</c> line, or Asterisk left on hangup (<c>AGIEXITONHANGUP</c>).</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Whether the server ended the AGI with a line starting with <c>failure</c>.</summary>
    public bool FailureLineReceived { get; private set; }

    /// <summary>
    /// The <c>AGISTATUS</c> the dialplan would see if the session ended now: <c>FAILURE</c> after a <c>failure</c> line or a command that
    /// failed on a live channel (this sticks for the whole session), else <c>HANGUP</c> once the channel hung up, else <c>SUCCESS</c>.
    /// </summary>
    public string AgiStatus => FailureLineReceived || _stickyFailure ? "FAILURE" : IsHungUp ? "HANGUP" : "SUCCESS";

    /// <summary>Answers one command line (without its LF) as Asterisk would, and updates the channel.</summary>
    /// <exception cref="InvalidOperationException">The session has ended.</exception>
    public AsteriskResponse Execute(string line) => Execute(line, null);

    /// <summary>The caller hangs up while Asterisk waits for the next command: returns the <c>HANGUP</c> line (nothing if the channel already hung up).</summary>
    public AsteriskResponse HangUp()
    {
        Start();
        ThrowIfEnded();
        var lines = new List<string>();
        bool endsSession = false;
        if (!IsHungUp)
        {
            MarkHungUp(AsteriskHangupSource.Caller);
            endsSession = AnnounceHangup(lines);
        }

        return new AsteriskResponse([], null, [], lines, hungUp: lines.Count > 0 || IsHungUp, endsSession, null);
    }

    /// <summary>The server closed (or half-closed) the connection: Asterisk leaves the AGI loop and writes a last <c>HANGUP</c> line unless <c>AGISIGHUP=no</c>.</summary>
    public AsteriskResponse ServerClosed()
    {
        Start();
        if (IsEnded)
        {
            return new AsteriskResponse([], null, [], [], IsHungUp, endsSession: true, null);
        }

        IsEnded = true;

        // run_agi(), after the loop: "if (send_sighup) ... else if (agi->fast) ast_agi_send(fd, chan, "HANGUP\n");"
        return new AsteriskResponse([], null, [], _sendHangupLines ? [HangupLine] : [], IsHungUp, endsSession: true, null);
    }

    internal AsteriskResponse Execute(string line, ForcedOutcome? forced)
    {
        ArgumentNullException.ThrowIfNull(line);
        Start();
        ThrowIfEnded();

        // buflen = strlen(buf): a NUL ends the C string; a line that starts with one is dropped and the next line read in its place.
        int nul = line.IndexOf('\0', StringComparison.Ordinal);
        string text = nul >= 0 ? line[..nul] : line;
        if (nul == 0)
        {
            return new AsteriskResponse([], null, [], [], IsHungUp, endsSession: false, null);
        }

        // run_agi(): "if (*buf && strncasecmp(buf, "failure", 7) == 0) { returnstatus = AGI_RESULT_FAILURE; break; }"
        if (text.StartsWith("failure", StringComparison.OrdinalIgnoreCase))
        {
            FailureLineReceived = true;
            IsEnded = true;
            return new AsteriskResponse([], null, [], _sendHangupLines ? [HangupLine] : [], IsHungUp, endsSession: true, null);
        }

        IReadOnlyList<string> words = AsteriskTokenizer.Split(text);
        AsteriskCommand? command = AsteriskCommands.Find(words);
        var context = new CommandContext(words, forced);
        if (command is null)
        {
            // agi_handle_command(): "510 Invalid or unknown command\n".
            context.Reply("510 Invalid or unknown command");
        }
        else if (IsHungUp && !command.RunsOnDeadChannel)
        {
            // agi_handle_command(): "if (!dead || (dead && c->dead)) ... else if (c) ast_agi_send(... "511 Command Not Permitted on a dead channel or intercept routine\n")".
            context.Reply("511 Command Not Permitted on a dead channel or intercept routine");
        }
        else
        {
            if (forced is not null && !Accepts(command, forced.Kind))
            {
                throw new InvalidOperationException($"{forced.Describe()} does not apply to '{context.Describe()}'.");
            }

            bool wasDead = IsHungUp;
            HandlerResult result = Dispatch(command, context);
            if (result == HandlerResult.Blocked)
            {
                return new AsteriskResponse(words, command, [], [], IsHungUp, endsSession: false, context.BlockedReason);
            }

            if (result == HandlerResult.ShowUsage)
            {
                context.Lines.Clear();
                if (Options.UsageAvailable && command.Usage.Length > 0)
                {
                    // ast_agi_send("520-Invalid command syntax.  Proper usage follows:\n"), then c->usage, then "520 End of proper usage.\n".
                    context.Lines.Add("520-Invalid command syntax.  Proper usage follows:\n");
                    context.Lines.Add(command.Usage);
                    context.Lines.Add("520 End of proper usage.\n");
                }
                else
                {
                    context.Reply("520 Invalid command syntax.  Proper usage not available.");
                }
            }

            if (forced?.Kind == ForcedKind.HangUp && !context.CallerHungUp && result != HandlerResult.ShowUsage)
            {
                // The command does not wait on the caller: it completes, and the hangup shows right after it.
                context.CallerHungUp = true;
            }

            // run_agi(): a handler's RESULT_FAILURE makes AGISTATUS FAILURE "if (dead || !ast_check_hangup(chan))", for the rest of the session.
            if (result == HandlerResult.Failure && (wasDead || !(context.CallerHungUp || context.ScriptHungUp)))
            {
                _stickyFailure = true;
            }
        }

        List<string> reply = [.. context.Lines];
        var all = new List<string>(reply);
        bool endsSession = false;
        bool hungUpNow = false;
        if (!IsHungUp && (context.CallerHungUp || context.ScriptHungUp))
        {
            MarkHungUp(context.ScriptHungUp ? AsteriskHangupSource.Script : AsteriskHangupSource.Caller);
            endsSession = AnnounceHangup(all);
            hungUpNow = true;
        }

        return new AsteriskResponse(words, command, reply, all, hungUpNow, endsSession, null);
    }

    /// <summary>Keeps the channel in step with a reply a test wrote by hand: a SET VARIABLE it accepted is stored, a HANGUP line in it hangs up the channel.</summary>
    internal void NoteRawReply(IReadOnlyList<string> words, string reply, bool hangupLine)
    {
        Start();
        if (words.Count == 4 && reply.StartsWith("200", StringComparison.Ordinal)
            && string.Equals(AsteriskCommands.Find(words)?.Name, "SET VARIABLE", StringComparison.Ordinal))
        {
            SetVariableValue(words[2], words[3]);
        }

        if (hangupLine && !IsHungUp)
        {
            MarkHungUp(AsteriskHangupSource.Caller);
            _hangupAnnounced = true;
        }
    }

    private void Start()
    {
        if (_started)
        {
            return;
        }

        // run_agi() reads these channel variables once, when the session starts.
        _started = true;
        _sendHangupLines = !IsFalse(GetVariableOrNull("AGISIGHUP"));
        _exitOnHangup = IsTrue(GetVariableOrNull("AGIEXITONHANGUP"));
        _execFull = IsTrue(GetVariableOrNull("AGIEXECFULL"));
    }

    private void ThrowIfEnded()
    {
        if (IsEnded)
        {
            throw new InvalidOperationException("The AGI session has ended: Asterisk reads no more commands.");
        }
    }

    private void MarkHungUp(AsteriskHangupSource source)
    {
        HangupSource = source;
        Channel.State = ChannelState.Down;

        // 16 (normal clearing) when the other side hangs up; a soft hangup from the script leaves 0 (04g, 04e).
        Channel.Variables["HANGUPCAUSE"] = source == AsteriskHangupSource.Caller ? "16" : "0";
    }

    /// <summary>Adds the HANGUP line(s) run_agi() writes when it notices the hangup; returns whether Asterisk then leaves the AGI.</summary>
    private bool AnnounceHangup(List<string> lines)
    {
        // run_agi(): "if (needhup) { needhup = 0; dead = 1; if (send_sighup) ... ast_agi_send(fd, chan, "HANGUP\n"); if (exit_on_hangup) break; }"
        if (_sendHangupLines && !_hangupAnnounced)
        {
            lines.Add(HangupLine);
        }

        _hangupAnnounced = true;
        if (!_exitOnHangup)
        {
            return false;
        }

        // Leaving the loop writes the post-loop HANGUP too, then Asterisk closes (04i).
        if (_sendHangupLines)
        {
            lines.Add(HangupLine);
        }

        IsEnded = true;
        return true;
    }

    private HandlerResult Dispatch(AsteriskCommand command, CommandContext context) => command.Name switch
    {
        "ANSWER" => Answer(context),
        "ASYNCAGI BREAK" => context.Reply("200 result=0"),
        "CHANNEL STATUS" => ChannelStatus(context),
        "DATABASE DEL" => DatabaseDel(context),
        "DATABASE DELTREE" => DatabaseDelTree(context),
        "DATABASE GET" => DatabaseGet(context),
        "DATABASE PUT" => DatabasePut(context),
        "EXEC" => Exec(context),
        "GET DATA" => GetData(context),
        "GET FULL VARIABLE" => GetFullVariable(context),
        "GET OPTION" => GetOption(context),
        "GET VARIABLE" => GetVariable(context),
        "HANGUP" => Hangup(context),
        "NOOP" => context.Reply("200 result=0"),
        "RECEIVE CHAR" => ReceiveChar(context),
        "RECEIVE TEXT" => ReceiveText(context),
        "RECORD FILE" => RecordFile(context),
        "SAY ALPHA" => SayAlpha(context),
        "SAY DIGITS" => SayDigits(context),
        "SAY NUMBER" => SayNumber(context),
        "SAY PHONETIC" => context.Argc != 4 ? HandlerResult.ShowUsage : Say(context),
        "SAY DATE" or "SAY TIME" => context.Argc != 4 || !AsteriskNumbers.TryScanInt(context.Argv(2), out _) ? HandlerResult.ShowUsage : Say(context),
        "SAY DATETIME" => context.Argc < 4 || !AsteriskNumbers.TryScanLong(context.Argv(2), out _) ? HandlerResult.ShowUsage : Say(context),
        "SEND IMAGE" or "SEND TEXT" => context.Argc != 3 ? HandlerResult.ShowUsage : context.Reply("200 result=0"),
        "SET AUTOHANGUP" => SetAutoHangup(context),
        "SET CALLERID" => SetCallerId(context),
        "SET CONTEXT" => SetContext(context),
        "SET EXTENSION" => SetExtension(context),
        "SET MUSIC" => SetMusic(context),
        "SET PRIORITY" => SetPriority(context),
        "SET VARIABLE" => SetVariable(context),
        "STREAM FILE" => StreamFile(context),
        "CONTROL STREAM FILE" => ControlStreamFile(context),
        "TDD MODE" => context.Argc != 3 ? HandlerResult.ShowUsage : context.Reply("200 result=0"),
        "VERBOSE" => context.Argc < 2 ? HandlerResult.ShowUsage : context.Reply("200 result=1"),
        "WAIT FOR DIGIT" => WaitForDigit(context),
        "GOSUB" => Gosub(context),
        "SPEECH SET" or "SPEECH UNLOAD GRAMMAR" or "SPEECH ACTIVATE GRAMMAR" or "SPEECH DEACTIVATE GRAMMAR" => context.Argc != 4 ? HandlerResult.ShowUsage : context.Reply("200 result=0"),
        "SPEECH LOAD GRAMMAR" => context.Argc != 5 ? HandlerResult.ShowUsage : context.Reply("200 result=0"),
        "SPEECH RECOGNIZE" => context.Argc < 4 ? HandlerResult.ShowUsage : context.Reply("200 result=0"),

        // SPEECH CREATE and DESTROY: without a speech engine loaded, every speech command answers 0 (02l).
        _ => context.Reply("200 result=0"),
    };

    /// <summary>Which outcomes a test may force on which commands; a hangup fits them all.</summary>
    private static bool Accepts(AsteriskCommand command, ForcedKind kind) => kind switch
    {
        ForcedKind.HangUp => true,
        ForcedKind.Digit or ForcedKind.Digits => command.Name is "STREAM FILE" or "CONTROL STREAM FILE" or "GET OPTION" or "GET DATA" or "WAIT FOR DIGIT" or "RECORD FILE"
            || command.Name.StartsWith("SAY ", StringComparison.Ordinal),
        ForcedKind.Timeout => command.Name is "STREAM FILE" or "CONTROL STREAM FILE" or "GET OPTION" or "GET DATA" or "WAIT FOR DIGIT" or "RECORD FILE" or "RECEIVE CHAR" or "RECEIVE TEXT"
            || command.Name.StartsWith("SAY ", StringComparison.Ordinal),
        ForcedKind.Value => command.Name is "GET VARIABLE" or "GET FULL VARIABLE" or "DATABASE GET" or "RECEIVE TEXT" or "RECEIVE CHAR",
        ForcedKind.NotSet => command.Name is "GET VARIABLE" or "GET FULL VARIABLE" or "DATABASE GET",
        _ => command.Name is "STREAM FILE" or "CONTROL STREAM FILE" or "GET OPTION" or "GET DATA" or "RECORD FILE",
    };

    private static bool IsTrue(string? value) => value is not null && value.Trim().ToUpperInvariant() is "YES" or "TRUE" or "Y" or "T" or "1" or "ON";

    private static bool IsFalse(string? value) => value is not null && value.Trim().ToUpperInvariant() is "NO" or "FALSE" or "N" or "F" or "0" or "OFF";

    private static string Ascii(char digit) => ((int)digit).ToString(CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>What a handler returned to <c>agi_handle_command()</c>.</summary>
    private enum HandlerResult
    {
        Success,
        ShowUsage,
        Failure,
        Blocked,
    }

    /// <summary>One command being handled: its words as C's argv, what it has written, and what happened to the caller.</summary>
    private sealed class CommandContext(IReadOnlyList<string> words, ForcedOutcome? forced)
    {
        public IReadOnlyList<string> Words { get; } = words;

        public ForcedOutcome? Forced { get; } = forced;

        public int Argc => Words.Count;

        public List<string> Lines { get; } = [];

        public bool CallerHungUp { get; set; }

        public bool ScriptHungUp { get; set; }

        public string? BlockedReason { get; set; }

        public string Argv(int index) => Words[index];

        public string? ArgvOrNull(int index) => index < Words.Count ? Words[index] : null;

        public string Describe() => AsteriskTokenizer.Join(Words);

        public HandlerResult Reply(string line)
        {
            Lines.Add(line + "\n");
            return HandlerResult.Success;
        }

        public HandlerResult Fail(string line)
        {
            Lines.Add(line + "\n");
            return HandlerResult.Failure;
        }

        public HandlerResult Block(string reason)
        {
            BlockedReason = reason;
            return HandlerResult.Blocked;
        }

        public InvalidOperationException NotApplicable()
            => new($"{Forced!.Describe()} does not apply to '{Describe()}'.");
    }
}
