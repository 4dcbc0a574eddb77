using System.Text;
using FastAgi.Commands;

namespace FastAgi.Testing.Engine;

public sealed partial class AsteriskEngine
{
    private HandlerResult Answer(CommandContext context)
    {
        // handle_answer(): ast_answer() only when the channel is not up yet; "200 result=%d\n".
        if (context.Forced?.Kind == ForcedKind.HangUp)
        {
            context.CallerHungUp = true;
            return context.Fail("200 result=-1");
        }

        Channel.State = ChannelState.Up;
        return context.Reply("200 result=0");
    }

    private HandlerResult ChannelStatus(CommandContext context)
    {
        // handle_channelstatus(): argc 2 (this channel) or 3 (a named one; -1 when it does not exist); more words: 520.
        return context.Argc switch
        {
            2 => context.Reply("200 result=" + Number((int)Channel.State)),
            3 when context.Argv(2) == Channel.Name => context.Reply("200 result=" + Number((int)Channel.State)),
            3 when Channel.OtherChannels.Contains(context.Argv(2)) => context.Reply("200 result=" + Number((int)ChannelState.Up)),
            3 => context.Reply("200 result=-1"),
            _ => HandlerResult.ShowUsage,
        };
    }

    private HandlerResult Hangup(CommandContext context)
    {
        // handle_hangup(): soft hangup of this channel (argc 1) or of a named one (argc 2, -1 if unknown); more words: 520.
        switch (context.Argc)
        {
            case 1:
                context.ScriptHungUp = true;
                return context.Reply("200 result=1");
            case 2 when context.Argv(1) == Channel.Name:
                context.ScriptHungUp = true;
                return context.Reply("200 result=1");
            case 2 when Channel.OtherChannels.Remove(context.Argv(1)):
                return context.Reply("200 result=1");
            case 2:
                return context.Reply("200 result=-1");
            default:
                return HandlerResult.ShowUsage;
        }
    }

    private HandlerResult SetAutoHangup(CommandContext context)
    {
        if (context.Argc != 3 || !AsteriskNumbers.TryScanDouble(context.Argv(2), out double seconds))
        {
            return HandlerResult.ShowUsage;
        }

        Channel.AutoHangupSeconds = Math.Max(0, seconds);
        return context.Reply("200 result=0");
    }

    private HandlerResult SetCallerId(CommandContext context)
    {
        // handle_setcallerid(): always "200 result=1\n"; with no argument nothing changes (02l).
        if (context.Argc > 2)
        {
            (string? name, string? number) = ParseCallerId(context.Argv(2));
            Channel.CallerIdName = name ?? string.Empty;
            Channel.CallerIdNumber = number ?? string.Empty;
        }

        return context.Reply("200 result=1");
    }

    private HandlerResult SetContext(CommandContext context)
    {
        if (context.Argc != 3)
        {
            return HandlerResult.ShowUsage;
        }

        Channel.Context = context.Argv(2);
        return context.Reply("200 result=0");
    }

    private HandlerResult SetExtension(CommandContext context)
    {
        if (context.Argc != 3)
        {
            return HandlerResult.ShowUsage;
        }

        Channel.Extension = context.Argv(2);
        return context.Reply("200 result=0");
    }

    private HandlerResult SetMusic(CommandContext context)
    {
        if (context.Argc < 3)
        {
            return HandlerResult.ShowUsage;
        }

        // strncasecmp(argv[2], "on", 2) / "off": any other word does nothing, and the reply is always 0 (02l).
        if (context.Argv(2).StartsWith("on", StringComparison.OrdinalIgnoreCase))
        {
            Channel.MusicOnHold = true;
        }
        else if (context.Argv(2).StartsWith("off", StringComparison.OrdinalIgnoreCase))
        {
            Channel.MusicOnHold = false;
        }

        return context.Reply("200 result=0");
    }

    private HandlerResult SetPriority(CommandContext context)
    {
        if (context.Argc != 3)
        {
            return HandlerResult.ShowUsage;
        }

        // A number is taken as is; a label must exist in the current extension (520 otherwise, 02m). ast_explicit_goto()
        // stores priority - 1, because the dialplan's autoloop adds one when the AGI returns.
        if (!Channel.Dialplan.TryResolve(Channel.Context, Channel.Extension, context.Argv(2), out int priority)
            && !AsteriskNumbers.TryScanInt(context.Argv(2), out priority))
        {
            return HandlerResult.ShowUsage;
        }

        if (priority > 0)
        {
            Channel.Priority = priority - 1;
        }

        return context.Reply("200 result=0");
    }

    private HandlerResult Gosub(CommandContext context)
    {
        // handle_gosub() in app_stack.c: "if (argc < 4 || argc > 5) return RESULT_SHOWUSAGE;"
        if (context.Argc is < 4 or > 5)
        {
            return HandlerResult.ShowUsage;
        }

        if (!Channel.Dialplan.TryResolve(context.Argv(1), context.Argv(2), context.Argv(3), out _))
        {
            // "200 result=-1 Gosub label not found\n", RESULT_FAILURE (02f).
            return context.Fail("200 result=-1 Gosub label not found");
        }

        // The interim line is written before the subroutine runs, the final one when it returns (02f).
        context.Reply("100 result=0 Trying...");
        if (context.Forced?.Kind == ForcedKind.HangUp)
        {
            context.CallerHungUp = true;
            return context.Reply("200 result=0 Gosub complete (abnormal exit)");
        }

        return context.Reply("200 result=0 Gosub complete");
    }

    private HandlerResult Exec(CommandContext context)
    {
        // handle_exec(): "if (argc < 2) return RESULT_SHOWUSAGE;" only argv[2] reaches the application; later words are dropped.
        if (context.Argc < 2)
        {
            return HandlerResult.ShowUsage;
        }

        string application = context.Argv(1);
        string data = context.ArgvOrNull(2) ?? string.Empty;
        if (!Channel.Applications.Contains(application))
        {
            // "Could not find application": "200 result=-2\n" (not a handler failure).
            return context.Reply("200 result=-2");
        }

        if (_execFull)
        {
            data = Substitute(data);
        }

        if (context.Forced?.Kind == ForcedKind.HangUp)
        {
            context.CallerHungUp = true;
            return context.Reply("200 result=-1");
        }

        // "Even though this is wrong, users are depending upon this result": the application's return value is the result.
        int result = application.ToUpperInvariant() switch
        {
            "SET" => ExecSet(data),
            "HANGUP" => ExecHangup(context),
            "ANSWER" => ExecAnswer(),
            "PLAYBACK" => ExecPlayback(data),
            "DIAL" => ExecDial(),
            "GOTO" => ExecGoto(data),
            "READ" => ExecRead(context, data),
            _ => 0,
        };

        return context.Reply("200 result=" + Number(result));
    }

    private int ExecSet(string data)
    {
        int equals = data.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            SetVariableValue(data[..equals], data[(equals + 1)..]);
        }

        return 0;
    }

    private static int ExecHangup(CommandContext context)
    {
        // Hangup returns -1 and the HANGUP line follows (04k).
        context.ScriptHungUp = true;
        return -1;
    }

    private int ExecAnswer()
    {
        Channel.State = ChannelState.Up;
        return 0;
    }

    private int ExecPlayback(string data)
    {
        string files = data.Split(',')[0];
        bool allFound = files.Split('&').All(file => Channel.SoundFiles.TryGetLength(file, out _));
        Channel.Variables["PLAYBACKSTATUS"] = allFound ? "SUCCESS" : "FAILED";
        return 0;
    }

    private int ExecDial()
    {
        Channel.Variables["DIALSTATUS"] = "ANSWER";
        return 0;
    }

    private int ExecGoto(string data)
    {
        string[] parts = data.Split(',');
        string context = parts.Length == 3 ? parts[0] : Channel.Context;
        string extension = parts.Length >= 2 ? parts[^2] : Channel.Extension;
        if (Channel.Dialplan.TryResolve(context, extension, parts[^1], out int priority) && priority > 0)
        {
            Channel.Context = context;
            Channel.Extension = extension;
            Channel.Priority = priority - 1;
        }

        return 0;
    }

    private int ExecRead(CommandContext context, string data)
    {
        // Read(variable[,filename[,maxdigits[,options[,attempts[,timeout]]]]]): digits up to '#' or maxdigits (0 = 255).
        string[] parts = data.Split(',');
        string variable = parts[0];
        int max = parts.Length > 2 ? AsteriskNumbers.Atoi(parts[2]) : 0;
        if (max <= 0)
        {
            max = 255;
        }

        var digits = new StringBuilder();
        while (digits.Length < max)
        {
            Input input = TakeAnyDigit(context, forever: false, out char digit);
            if (input == Input.HangUp)
            {
                Channel.Variables["READSTATUS"] = "HANGUP";
                return -1;
            }

            if (input != Input.Digit || digit == '#')
            {
                break;
            }

            digits.Append(digit);
        }

        SetVariableValue(variable, digits.ToString());
        Channel.Variables["READSTATUS"] = digits.Length > 0 ? "OK" : "TIMEOUT";
        return 0;
    }

    /// <summary><c>ast_callerid_parse()</c>: <c>"Name" &lt;number&gt;</c>, a bare number, or a bare name.</summary>
    private static (string? Name, string? Number) ParseCallerId(string text)
    {
        int open = text.IndexOf('<', StringComparison.Ordinal);
        if (open >= 0)
        {
            int close = text.IndexOf('>', open + 1);
            string number = close > open ? text[(open + 1)..close] : text[(open + 1)..];
            string name = text[..open].Trim().Trim('"');
            return (name, ShrinkPhoneNumber(number));
        }

        string trimmed = text.Trim();
        return trimmed.Length > 0 && trimmed.All(static c => char.IsAsciiDigit(c) || c is '+' or '*' or '#' or '-' or '(' or ')' or '.' or ' ')
            ? (null, ShrinkPhoneNumber(trimmed))
            : (trimmed.Trim('"'), null);
    }

    private static string ShrinkPhoneNumber(string number)
        => string.Concat(number.Where(static c => c is not ('-' or '(' or ')' or '.' or ' ')));
}
