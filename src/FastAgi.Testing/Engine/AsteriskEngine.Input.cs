namespace FastAgi.Testing.Engine;

public sealed partial class AsteriskEngine
{
    private enum Input
    {
        None,
        Digit,
        Timeout,
        HangUp,
        Blocked,
    }

    /// <summary>The input a test forced on the command, if it did: its first digit, nothing (as <paramref name="timeout"/>), or a hangup.</summary>
    private static bool TryTakeForced(CommandContext context, Input timeout, out Input input, out char digit)
    {
        digit = '\0';
        input = Input.None;
        if (context.Forced is not { } forced)
        {
            return false;
        }

        switch (forced.Kind)
        {
            case ForcedKind.Digit or ForcedKind.Digits when forced.Text.Length > 0:
                digit = forced.Text[0];
                input = Input.Digit;
                break;
            case ForcedKind.Timeout:
                input = timeout;
                break;
            case ForcedKind.HangUp:
                input = TakeHangUp(context);
                break;
            default:
                throw context.NotApplicable();
        }

        return true;
    }

    /// <summary>
    /// While a prompt plays (<c>ast_waitstream_full()</c> with escape digits): the next queued digit stops it only if it is an
    /// escape digit; a queued hangup ends it; anything else leaves the queue as it is and the prompt plays to its end.
    /// </summary>
    private Input TakeEscapeDigit(CommandContext context, string escapeDigits, out char digit)
    {
        if (TryTakeForced(context, Input.None, out Input forced, out digit))
        {
            return forced;
        }

        if (!Caller.TryPeek(out CallerInputKind kind, out char next))
        {
            return Input.None;
        }

        if (kind == CallerInputKind.HangUp)
        {
            Caller.Dequeue();
            return TakeHangUp(context);
        }

        if (kind == CallerInputKind.Digit && escapeDigits.Contains(next, StringComparison.Ordinal))
        {
            Caller.Dequeue();
            digit = next;
            return Input.Digit;
        }

        return Input.None;
    }

    /// <summary>
    /// While Asterisk waits for a key (<c>ast_waitfordigit_full()</c>): the next queued digit, whatever it is; a queued silence
    /// times out; nothing queued times out, unless the wait has no end.
    /// </summary>
    private Input TakeAnyDigit(CommandContext context, bool forever, out char digit)
    {
        if (TryTakeForced(context, Input.Timeout, out Input forced, out digit))
        {
            return forced;
        }

        if (Caller.TryPeek(out CallerInputKind kind, out char next))
        {
            Caller.Dequeue();
            switch (kind)
            {
                case CallerInputKind.Digit:
                    digit = next;
                    return Input.Digit;
                case CallerInputKind.Silence:
                    return Input.Timeout;
                default:
                    return TakeHangUp(context);
            }
        }

        if (!forever)
        {
            return Input.Timeout;
        }

        if (Options.EndlessWaitHangsUp)
        {
            return TakeHangUp(context);
        }

        context.BlockedReason = $"'{context.Describe()}' waits forever for the caller, who has nothing left to press; queue digits, a silence or a hangup for it.";
        return Input.Blocked;
    }

    private static Input TakeHangUp(CommandContext context)
    {
        context.CallerHungUp = true;
        return Input.HangUp;
    }

    private HandlerResult WaitForDigit(CommandContext context)
    {
        // handle_waitfordigit(): "if (argc != 4) return RESULT_SHOWUSAGE; if (sscanf(argv[3], "%30d", &to) != 1) return RESULT_SHOWUSAGE;"
        if (context.Argc != 4 || !AsteriskNumbers.TryScanInt(context.Argv(3), out int timeout))
        {
            return HandlerResult.ShowUsage;
        }

        // "200 result=%d\n": the digit's ASCII code, 0 on timeout, -1 on hangup (RESULT_FAILURE, but the channel is hung up).
        return TakeAnyDigit(context, timeout < 0, out char digit) switch
        {
            Input.Digit => context.Reply("200 result=" + Ascii(digit)),
            Input.HangUp => context.Fail("200 result=-1"),
            Input.Blocked => HandlerResult.Blocked,
            _ => context.Reply("200 result=0"),
        };
    }

    private HandlerResult GetData(CommandContext context)
    {
        // handle_getdata(): "if (argc < 3) return RESULT_SHOWUSAGE;" timeout = argv[3] or 0 (6 s first digit), max = argv[4] or 1024.
        if (context.Argc < 3)
        {
            return HandlerResult.ShowUsage;
        }

        int timeout = context.Argc >= 4 ? AsteriskNumbers.Atoi(context.Argv(3)) : 0;
        int max = context.Argc >= 5 ? AsteriskNumbers.Atoi(context.Argv(4)) : 1024;
        if (context.Forced is { Kind: ForcedKind.Digits or ForcedKind.Digit } digits)
        {
            return context.Reply("200 result=" + digits.Text);
        }

        if (context.Forced?.Kind == ForcedKind.Timeout)
        {
            return context.Reply("200 result=" + context.Forced.Text + " (timeout)");
        }

        // A missing prompt, like a hangup, gives "200 result=-1\n" (the handler still returns RESULT_SUCCESS).
        if (context.Forced?.Kind == ForcedKind.Failure || !Channel.SoundFiles.TryGetLength(context.Argv(2), out _))
        {
            return context.Reply("200 result=-1");
        }

        if (max <= 0)
        {
            return context.Reply("200 result=");
        }

        var collected = new System.Text.StringBuilder();
        while (true)
        {
            switch (TakeAnyDigit(context, timeout < 0, out char digit))
            {
                case Input.Digit when digit == '#':
                    // ast_readstring() ends at '#' (not kept): "200 result=%s\n", empty when '#' came first.
                    return context.Reply("200 result=" + collected);
                case Input.Digit:
                    collected.Append(digit);
                    if (collected.Length >= max)
                    {
                        return context.Reply("200 result=" + collected);
                    }

                    break;
                case Input.HangUp:
                    return context.Reply("200 result=-1");
                case Input.Blocked:
                    return HandlerResult.Blocked;
                default:
                    // "200 result=%s (timeout)\n", the digits so far possibly empty.
                    return context.Reply("200 result=" + collected + " (timeout)");
            }
        }
    }

    private HandlerResult RecordFile(CommandContext context)
    {
        // handle_recordfile(): "if (argc < 6) return RESULT_SHOWUSAGE; if (sscanf(argv[5], "%30d", &ms) != 1) return RESULT_SHOWUSAGE;"
        if (context.Argc < 6 || !AsteriskNumbers.TryScanInt(context.Argv(5), out int milliseconds))
        {
            return HandlerResult.ShowUsage;
        }

        string escapeDigits = context.Argv(4);
        int silence = 0;
        for (int i = 6; i <= 8 && i < context.Argc; i++)
        {
            // silencestr = strchr(argv[i], 's'); "s=N" gives N seconds.
            string word = context.Argv(i);
            int s = word.IndexOf('s', StringComparison.Ordinal);
            if (s >= 0)
            {
                string silenceText = word[s..];
                if (silenceText.Length > 2 && silenceText.StartsWith("s=", StringComparison.Ordinal))
                {
                    silence = AsteriskNumbers.Atoi(silenceText[2..]);
                }

                break;
            }
        }

        long offset = 0;
        bool hasOffset = context.Argc > 6 && AsteriskNumbers.TryScanLong(context.Argv(6), out offset);
        bool beep = (context.Argc > 6 && !hasOffset && !context.Argv(6).Contains('=', StringComparison.Ordinal))
            || (context.Argc > 7 && !context.Argv(7).Contains('=', StringComparison.Ordinal));
        string endpos = Number(offset);

        if (beep)
        {
            // ast_streamfile("beep") then ast_waitstream(chan, argv[4]): an escape digit during the beep gives "(randomerror)".
            switch (TakeEscapeDigit(context, escapeDigits, out char beepDigit))
            {
                case Input.Digit:
                    return context.Reply($"200 result={Ascii(beepDigit)} (randomerror) endpos={endpos}");
                case Input.HangUp:
                    return context.Reply($"200 result=-1 (randomerror) endpos={endpos}");
            }
        }

        if (context.Forced?.Kind == ForcedKind.Failure)
        {
            // ast_writefile() failed: "200 result=%d (writefile)\n", RESULT_FAILURE.
            return context.Fail("200 result=-1 (writefile)");
        }

        while (true)
        {
            // The loop reads frames until the time is up: escape DTMF ends it, other DTMF is ignored.
            Input input = TakeAnyDigit(context, milliseconds < 0 && silence <= 0, out char digit);
            switch (input)
            {
                case Input.Digit when context.Forced is not null || escapeDigits.Contains(digit, StringComparison.Ordinal):
                    return context.Reply($"200 result={Ascii(digit)} (dtmf) endpos={endpos}");
                case Input.Digit:
                    continue;
                case Input.HangUp:
                    return context.Fail($"200 result=-1 (hangup) endpos={endpos}");
                case Input.Blocked:
                    return HandlerResult.Blocked;
                default:
                    long recorded = milliseconds > 0 && silence <= 0 ? offset + (milliseconds * 8L) : offset;
                    return context.Reply($"200 result=0 (timeout) endpos={Number(recorded)}");
            }
        }
    }

    private HandlerResult ReceiveChar(CommandContext context)
    {
        if (context.Argc != 3)
        {
            return HandlerResult.ShowUsage;
        }

        string? text = TakeText(context);
        if (!string.IsNullOrEmpty(text))
        {
            return context.Reply("200 result=" + Ascii(text[0]));
        }

        // ast_recvchar() returns -1 for a timeout too, so the "(timeout)" branch never runs (02l); RESULT_FAILURE.
        return context.Fail("200 result=-1 (hangup)");
    }

    private HandlerResult ReceiveText(CommandContext context)
    {
        if (context.Argc != 3)
        {
            return HandlerResult.ShowUsage;
        }

        string? text = TakeText(context);
        return text is null ? context.Reply("200 result=-1") : context.Reply($"200 result=1 ({text})");
    }

    /// <summary>The text RECEIVE CHAR and RECEIVE TEXT receive: the forced value, or the caller's next queued text; nothing on a timeout or a hangup (which hangs the caller up).</summary>
    private string? TakeText(CommandContext context)
    {
        string? text = context.Forced switch
        {
            { Kind: ForcedKind.Value } forced => forced.Text,
            { Kind: ForcedKind.Timeout } => null,
            { Kind: ForcedKind.HangUp } => null,
            null => Caller.TryTakeText(out string queued) ? queued : null,
            _ => throw context.NotApplicable(),
        };

        if (context.Forced?.Kind == ForcedKind.HangUp)
        {
            context.CallerHungUp = true;
        }

        return text;
    }
}
