using System.Globalization;
using FastAgi.Commands;

namespace FastAgi.Testing.Engine;

/// <summary>The state of the fake Asterisk channel a script talks to: its identity, variables, AstDB, sound files, applications and dialplan.</summary>
/// <remarks>Variables such as <c>AGISIGHUP</c>, <c>AGIEXITONHANGUP</c> and <c>AGIEXECFULL</c> change the engine's behaviour as they do Asterisk's, read when the call starts.</remarks>
public sealed class AsteriskChannel
{
    /// <summary>The dialplan applications EXEC finds by default (any other answers <c>200 result=-2</c>).</summary>
    public static IReadOnlyList<string> DefaultApplications { get; } =
    [
        "Answer", "AGI", "Background", "BackgroundDetect", "Bridge", "Busy", "ChanSpy", "ConfBridge", "Congestion", "Dial", "Directory",
        "DumpChan", "Echo", "ExecIf", "Gosub", "GosubIf", "Goto", "GotoIf", "GotoIfTime", "Hangup", "Log", "MixMonitor", "Monitor",
        "MSet", "MusicOnHold", "NoOp", "Page", "Playback", "PlayTones", "Progress", "Queue", "Read", "ReadExten", "Record", "Return",
        "Ringing", "SayAlpha", "SayDigits", "SayNumber", "SayPhonetic", "SendDTMF", "SendText", "Set", "SetMusicOnHold", "StartMusicOnHold",
        "Stasis", "StopMixMonitor", "StopMusicOnHold", "StopPlayTones", "System", "Transfer", "UserEvent", "Verbose", "VoiceMail",
        "VoiceMailMain", "Wait", "WaitExten", "WaitForSilence", "Milliwatt",
    ];

    /// <summary>Creates a channel with the defaults of <see cref="FastAgi.Testing.AgiEnvironmentBuilder"/>: up, language <c>en</c>, caller unknown.</summary>
    public AsteriskChannel()
    {
        foreach (string application in DefaultApplications)
        {
            Applications.Add(application);
        }
    }

    /// <summary>The channel name (<c>agi_channel</c>), such as <c>PJSIP/1000-00000001</c>.</summary>
    public string Name { get; set; } = "PJSIP/1000-00000001";

    /// <summary>The channel's unique id (<c>agi_uniqueid</c>).</summary>
    public string UniqueId { get; set; } = "1700000000.1";

    /// <summary>The channel's language (<c>agi_language</c>).</summary>
    public string Language { get; set; } = "en";

    /// <summary>The dialplan context (<c>agi_context</c>; SET CONTEXT changes it).</summary>
    public string Context { get; set; } = "default";

    /// <summary>The dialplan extension (<c>agi_extension</c>; SET EXTENSION changes it).</summary>
    public string Extension { get; set; } = "100";

    /// <summary>The dialplan priority as <c>${PRIORITY}</c> reads it (<c>agi_priority</c>; SET PRIORITY n makes it n - 1, because the dialplan's autoloop adds one when the AGI ends).</summary>
    public int Priority { get; set; } = 2;

    /// <summary>The caller's number, or <see langword="null"/> when unknown.</summary>
    public string? CallerIdNumber { get; set; }

    /// <summary>The caller's name, or <see langword="null"/> when unknown.</summary>
    public string? CallerIdName { get; set; }

    /// <summary>The state CHANNEL STATUS reports; ANSWER makes it <see cref="ChannelState.Up"/>.</summary>
    public ChannelState State { get; set; } = ChannelState.Up;

    /// <summary>Channel variables, by case-sensitive name. Preset values here are what GET VARIABLE reads; the script's SET VARIABLE writes here.</summary>
    public IDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The AstDB behind the DATABASE commands.</summary>
    public AsteriskDatabase Database { get; } = new();

    /// <summary>The sound files STREAM FILE, GET OPTION, GET DATA and Playback can play.</summary>
    public AsteriskSoundFiles SoundFiles { get; } = new();

    /// <summary>The applications EXEC finds (case-insensitive); starts as <see cref="DefaultApplications"/>.</summary>
    public ISet<string> Applications { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The targets GOSUB and SET PRIORITY can reach.</summary>
    public AsteriskDialplan Dialplan { get; } = new();

    /// <summary>Names of other channels that exist (CHANNEL STATUS reports them up, HANGUP hangs them up); any other name is unknown.</summary>
    public ISet<string> OtherChannels { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The last SET AUTOHANGUP time in seconds (0 = off), or <see langword="null"/> when never set.</summary>
    public double? AutoHangupSeconds { get; set; }

    /// <summary>Whether music on hold is playing (SET MUSIC on/off).</summary>
    public bool MusicOnHold { get; set; }

    /// <summary>Fills the identity from an environment block: <c>agi_channel</c>, <c>agi_uniqueid</c>, <c>agi_language</c>, <c>agi_context</c>, <c>agi_extension</c>, <c>agi_priority</c>, <c>agi_callerid</c>, <c>agi_calleridname</c>.</summary>
    public void ApplyEnvironment(IEnumerable<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach ((string name, string value) in environment)
        {
            switch (name)
            {
                case "agi_channel":
                    Name = value;
                    break;
                case "agi_uniqueid":
                    UniqueId = value;
                    break;
                case "agi_language":
                    Language = value;
                    break;
                case "agi_context":
                    Context = value;
                    break;
                case "agi_extension":
                    Extension = value;
                    break;
                case "agi_priority" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int priority):
                    Priority = priority;
                    break;
                case "agi_callerid":
                    CallerIdNumber = value == "unknown" ? null : value;
                    break;
                case "agi_calleridname":
                    CallerIdName = value == "unknown" ? null : value;
                    break;
            }
        }
    }
}
