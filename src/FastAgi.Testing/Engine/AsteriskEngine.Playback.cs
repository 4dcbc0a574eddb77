namespace FastAgi.Testing.Engine;

public sealed partial class AsteriskEngine
{
    private bool TryGetSound(CommandContext context, string name, out long samples)
    {
        if (context.Forced?.Kind == ForcedKind.Failure)
        {
            samples = 0;
            return false;
        }

        return Channel.SoundFiles.TryGetLength(name, out samples);
    }

    private static long Interrupted(long offset, long length) => offset >= length ? length : offset + ((length - offset) / 2);

    private HandlerResult StreamFile(CommandContext context)
    {
        // handle_streamfile(): "if (argc < 4 || argc > 5) return RESULT_SHOWUSAGE;" and a non-numeric sample offset is a usage error.
        long offset = 0;
        if (context.Argc is < 4 or > 5 || (context.Argc > 4 && !AsteriskNumbers.TryScanLong(context.Argv(4), out offset)))
        {
            return HandlerResult.ShowUsage;
        }

        if (!TryGetSound(context, context.Argv(2), out long length))
        {
            // "200 result=-1 endpos=%ld\n" with the requested offset; RESULT_FAILURE (sticky AGISTATUS=FAILURE, 02g).
            Channel.Variables["PLAYBACKSTATUS"] = "FAILED";
            return context.Fail($"200 result=-1 endpos={Number(offset)}");
        }

        // "200 result=%d endpos=%ld\n"; PLAYBACKSTATUS is SUCCESS only when nothing interrupted the file.
        switch (TakeEscapeDigit(context, context.Argv(3), out char digit))
        {
            case Input.Digit:
                Channel.Variables["PLAYBACKSTATUS"] = "FAILED";
                return context.Reply($"200 result={Ascii(digit)} endpos={Number(Interrupted(offset, length))}");
            case Input.HangUp:
                Channel.Variables["PLAYBACKSTATUS"] = "FAILED";
                return context.Fail($"200 result=-1 endpos={Number(Interrupted(offset, length))}");
            default:
                Channel.Variables["PLAYBACKSTATUS"] = "SUCCESS";
                return context.Reply($"200 result=0 endpos={Number(length)}");
        }
    }

    private HandlerResult GetOption(CommandContext context)
    {
        // handle_getoption(): "if (argc < 4 || argc > 5) return RESULT_SHOWUSAGE;" timeout = atoi(argv[4]), else the 5 s digit timeout.
        if (context.Argc is < 4 or > 5)
        {
            return HandlerResult.ShowUsage;
        }

        string escapeDigits = context.Argv(3);
        int timeout = context.Argc == 5 ? AsteriskNumbers.Atoi(context.Argv(4)) : 5000;
        if (!TryGetSound(context, context.Argv(2), out long length))
        {
            return context.Fail("200 result=-1 endpos=0");
        }

        switch (TakeEscapeDigit(context, escapeDigits, out char digit))
        {
            case Input.Digit:
                return context.Reply($"200 result={Ascii(digit)} endpos={Number(Interrupted(0, length))}");
            case Input.HangUp:
                return context.Fail($"200 result=-1 endpos={Number(Interrupted(0, length))}");
        }

        // "If the user didnt press a key, wait for digitTimeout": any key is read, one outside the escape digits gives 0.
        switch (TakeAnyDigit(context, timeout < 0, out digit))
        {
            case Input.Digit:
                bool escape = context.Forced is not null || escapeDigits.Contains(digit, StringComparison.Ordinal);
                return context.Reply($"200 result={(escape ? Ascii(digit) : "0")} endpos={Number(length)}");
            case Input.HangUp:
                return context.Fail($"200 result=-1 endpos={Number(length)}");
            case Input.Blocked:
                return HandlerResult.Blocked;
            default:
                return context.Reply($"200 result=0 endpos={Number(length)}");
        }
    }

    private HandlerResult ControlStreamFile(CommandContext context)
    {
        // handle_controlstreamfile(): 5 to 10 words; skipms (argv[5]) and offsetms (argv[9]) must be numbers.
        if (context.Argc is < 5 or > 10
            || (context.Argc > 5 && !AsteriskNumbers.TryScanInt(context.Argv(5), out _))
            || (context.Argc > 9 && !AsteriskNumbers.TryScanLong(context.Argv(9), out _)))
        {
            return HandlerResult.ShowUsage;
        }

        string stop = context.Argv(4);
        string forward = context.ArgvOrNull(6) is { Length: > 0 } ff ? ff : "#";
        string rewind = context.ArgvOrNull(7) is { Length: > 0 } rew ? rew : "*";
        string pause = context.ArgvOrNull(8) ?? string.Empty;
        if (!TryGetSound(context, context.Argv(3), out long length))
        {
            Channel.Variables["CPLAYBACKSTATUS"] = "ERROR";
            return context.Fail("200 result=-1 endpos=-1");
        }

        // endpos and CPLAYBACKOFFSET are in milliseconds; -1 means the file played to its end.
        string stoppedAt = Number(length / 8 / 2);
        while (true)
        {
            Input input;
            char digit = '\0';
            if (context.Forced is not null)
            {
                input = TakeEscapeDigit(context, string.Empty, out digit);
            }
            else if (Caller.TryPeek(out CallerInputKind kind, out char next) && kind == CallerInputKind.Digit
                && (forward + rewind + pause).Contains(next, StringComparison.Ordinal))
            {
                // A control key moves or pauses the playback and is checked before the stop keys: '#' as a stop key never stops (02g).
                Caller.Dequeue();
                continue;
            }
            else
            {
                input = TakeEscapeDigit(context, stop, out digit);
            }

            switch (input)
            {
                case Input.Digit:
                    Channel.Variables["CPLAYBACKSTATUS"] = "USERSTOPPED";
                    Channel.Variables["CPLAYBACKOFFSET"] = stoppedAt;
                    Channel.Variables["CPLAYBACKSTOPKEY"] = digit.ToString();
                    return context.Reply($"200 result={Ascii(digit)} endpos={stoppedAt}");
                case Input.HangUp:
                    Channel.Variables["CPLAYBACKSTATUS"] = "ERROR";
                    Channel.Variables["CPLAYBACKOFFSET"] = stoppedAt;
                    return context.Fail($"200 result=-1 endpos={stoppedAt}");
                default:
                    Channel.Variables["CPLAYBACKSTATUS"] = "SUCCESS";
                    Channel.Variables["CPLAYBACKOFFSET"] = "-1";
                    return context.Reply("200 result=0 endpos=-1");
            }
        }
    }

    private HandlerResult SayAlpha(CommandContext context)
    {
        // SAY ALPHA string escape [case]: the case letter must be a, l, n or u (anything else: 520, 02i).
        if (context.Argc is < 4 or > 5 || (context.Argc == 5 && char.ToLowerInvariant(context.Argv(4).FirstOrDefault()) is not ('a' or 'l' or 'n' or 'u')))
        {
            return HandlerResult.ShowUsage;
        }

        return Say(context);
    }

    private HandlerResult SayDigits(CommandContext context)
    {
        // handle_saydigits(): "if (argc != 4) ...; if (sscanf(argv[2], "%30d", &num) != 1) return RESULT_SHOWUSAGE;" ("12a" passes).
        return context.Argc != 4 || !AsteriskNumbers.TryScanInt(context.Argv(2), out _) ? HandlerResult.ShowUsage : Say(context);
    }

    private HandlerResult SayNumber(CommandContext context)
    {
        // handle_saynumber(): "if (argc < 4 || argc > 5) ...; if (sscanf(argv[2], "%30d", &num) != 1) return RESULT_SHOWUSAGE;"
        return context.Argc is < 4 or > 5 || !AsteriskNumbers.TryScanInt(context.Argv(2), out _) ? HandlerResult.ShowUsage : Say(context);
    }

    private HandlerResult Say(CommandContext context)
    {
        // The say functions return 0, the escape digit pressed, or -1 on hangup: "200 result=%d\n".
        return TakeEscapeDigit(context, context.Argv(3), out char digit) switch
        {
            Input.Digit => context.Reply("200 result=" + Ascii(digit)),
            Input.HangUp => context.Fail("200 result=-1"),
            _ => context.Reply("200 result=0"),
        };
    }
}
