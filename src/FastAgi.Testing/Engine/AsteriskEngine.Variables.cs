using System.Text;
using FastAgi.Commands;

namespace FastAgi.Testing.Engine;

public sealed partial class AsteriskEngine
{
    /// <summary>GET VARIABLE truncates to <c>tempstr[1024]</c>.</summary>
    private const int GetVariableLimit = 1023;

    /// <summary>Reads a variable, built-in variable or function (<c>NAME(args)</c>) as GET VARIABLE does; <see langword="null"/> when unset.</summary>
    public string? GetVariableOrNull(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith(')') && name.IndexOf('(', StringComparison.Ordinal) is > 0 and int open)
        {
            return ReadFunction(name[..open], name[(open + 1)..^1], Channel.Name);
        }

        if (Channel.Variables.TryGetValue(name, out string? value))
        {
            return value;
        }

        return name switch
        {
            "CHANNEL" => Channel.Name,
            "UNIQUEID" => Channel.UniqueId,
            "CONTEXT" => Channel.Context,
            "EXTEN" => Channel.Extension,
            "PRIORITY" => Number(Channel.Priority),
            "EPOCH" => Number(Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds()),
            _ => null,
        };
    }

    /// <summary>Substitutes <c>${...}</c> expressions in <paramref name="expression"/> as GET FULL VARIABLE does; unset variables become empty.</summary>
    public string Substitute(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return Substitute(expression, Channel.Name);
    }

    private string Substitute(string text, string channelName)
    {
        var result = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$' || i + 1 >= text.Length || text[i + 1] != '{')
            {
                result.Append(text[i++]);
                continue;
            }

            // pbx_substitute_variables_helper_full(): count brackets to find the matching '}'; the inside is substituted first.
            int depth = 1;
            int j = i + 2;
            while (j < text.Length && depth > 0)
            {
                depth += text[j] == '{' ? 1 : text[j] == '}' ? -1 : 0;
                j++;
            }

            if (depth != 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }

            string inner = Substitute(text[(i + 2)..(j - 1)], channelName);
            string? value = channelName == Channel.Name ? GetVariableOrNull(inner) : ReadForOtherChannel(inner, channelName);
            result.Append(value);
            i = j;
        }

        return result.ToString();
    }

    private static string? ReadForOtherChannel(string name, string channelName)
        => name is "CHANNEL" or "CHANNEL(name)" ? channelName : null;

    private string? ReadFunction(string function, string argument, string channelName)
    {
        switch (function.ToUpperInvariant())
        {
            case "CHANNEL":
                return argument.ToUpperInvariant() switch
                {
                    "NAME" => channelName,
                    "LANGUAGE" => Channel.Language,
                    "UNIQUEID" => Channel.UniqueId,
                    "CHANNELTYPE" => channelName.Split('/')[0],
                    "STATE" => Channel.State switch
                    {
                        ChannelState.Up => "Up",
                        ChannelState.Ring => "Ring",
                        ChannelState.Ringing => "Ringing",
                        ChannelState.Busy => "Busy",
                        _ => "Down",
                    },
                    _ => null,
                };
            case "CALLERID":
                return argument.ToUpperInvariant() switch
                {
                    "NUM" or "NUMBER" => Channel.CallerIdNumber ?? string.Empty,
                    "NAME" => Channel.CallerIdName ?? string.Empty,
                    "ALL" => $"\"{Channel.CallerIdName}\" <{Channel.CallerIdNumber}>",
                    _ => null,
                };
            case "LEN":
                return Number(argument.Length);
            case "TOUPPER":
                return argument.ToUpperInvariant();
            case "TOLOWER":
                return argument.ToLowerInvariant();
            case "ISNULL":
                return argument.Length == 0 ? "1" : "0";
            case "DB":
                int slash = argument.IndexOf('/', StringComparison.Ordinal);
                return slash > 0 && Channel.Database.TryGet(argument[..slash], argument[(slash + 1)..], out string value) ? value : null;
            case "DB_EXISTS":
                int separator = argument.IndexOf('/', StringComparison.Ordinal);
                return separator > 0 && Channel.Database.TryGet(argument[..separator], argument[(separator + 1)..], out _) ? "1" : "0";
            default:
                return null;
        }
    }

    /// <summary>Sets a variable as <c>pbx_builtin_setvar_helper()</c>: a name ending in <c>)</c> writes a function, leading <c>_</c> (inheritance) are not part of the name.</summary>
    private void SetVariableValue(string name, string value)
    {
        if (name.EndsWith(')') && name.IndexOf('(', StringComparison.Ordinal) is > 0 and int open)
        {
            string argument = name[(open + 1)..^1];
            switch (name[..open].ToUpperInvariant())
            {
                case "CHANNEL" when argument.Equals("language", StringComparison.OrdinalIgnoreCase):
                    Channel.Language = value;
                    break;
                case "CALLERID" when argument.ToUpperInvariant() is "NUM" or "NUMBER":
                    Channel.CallerIdNumber = value;
                    break;
                case "CALLERID" when argument.Equals("name", StringComparison.OrdinalIgnoreCase):
                    Channel.CallerIdName = value;
                    break;
                case "DB" when argument.IndexOf('/', StringComparison.Ordinal) is > 0 and int slash:
                    Channel.Database.Put(argument[..slash], argument[(slash + 1)..], value);
                    break;
            }

            return;
        }

        Channel.Variables[name.TrimStart('_')] = value;
    }

    private HandlerResult SetVariable(CommandContext context)
    {
        // handle_setvariable(): exactly "SET VARIABLE name value" (4 words), otherwise 520 (02b).
        if (context.Argc != 4)
        {
            return HandlerResult.ShowUsage;
        }

        SetVariableValue(context.Argv(2), context.Argv(3));
        return context.Reply("200 result=1");
    }

    private HandlerResult GetVariable(CommandContext context)
    {
        if (context.Argc != 3)
        {
            return HandlerResult.ShowUsage;
        }

        string? value = context.Forced switch
        {
            { Kind: ForcedKind.Value } forced => forced.Text,
            { Kind: ForcedKind.NotSet } => null,
            null or { Kind: ForcedKind.HangUp } => GetVariableOrNull(context.Argv(2)),
            _ => throw context.NotApplicable(),
        };

        if (value is null)
        {
            return context.Reply("200 result=0");
        }

        // "200 result=1 (%s)\n" from char tempstr[1024].
        string shown = Encoding.UTF8.GetByteCount(value) > GetVariableLimit ? TruncateUtf8(value, GetVariableLimit) : value;
        return context.Reply($"200 result=1 ({shown})");
    }

    private HandlerResult GetFullVariable(CommandContext context)
    {
        // handle_getvariablefull(): "if (argc != 4 && argc != 5) return RESULT_SHOWUSAGE;" argv[4] names another channel.
        if (context.Argc is not (4 or 5))
        {
            return HandlerResult.ShowUsage;
        }

        string channelName = context.Argc == 5 ? context.Argv(4) : Channel.Name;
        if (channelName != Channel.Name && !Channel.OtherChannels.Contains(channelName))
        {
            return context.Reply("200 result=0");
        }

        string value = context.Forced switch
        {
            { Kind: ForcedKind.Value } forced => forced.Text,
            { Kind: ForcedKind.NotSet } => string.Empty,
            null or { Kind: ForcedKind.HangUp } => Substitute(context.Argv(3), channelName),
            _ => throw context.NotApplicable(),
        };

        return context.Reply($"200 result=1 ({value})");
    }

    private HandlerResult DatabasePut(CommandContext context)
    {
        if (context.Argc != 5)
        {
            return HandlerResult.ShowUsage;
        }

        Channel.Database.Put(context.Argv(2), context.Argv(3), context.Argv(4));
        return context.Reply("200 result=1");
    }

    private HandlerResult DatabaseGet(CommandContext context)
    {
        if (context.Argc != 4)
        {
            return HandlerResult.ShowUsage;
        }

        string? value = context.Forced switch
        {
            { Kind: ForcedKind.Value } forced => forced.Text,
            { Kind: ForcedKind.NotSet } => null,
            null or { Kind: ForcedKind.HangUp } => Channel.Database.TryGet(context.Argv(2), context.Argv(3), out string stored) ? stored : null,
            _ => throw context.NotApplicable(),
        };

        return value is null ? context.Reply("200 result=0") : context.Reply($"200 result=1 ({value})");
    }

    private HandlerResult DatabaseDel(CommandContext context)
    {
        if (context.Argc != 4)
        {
            return HandlerResult.ShowUsage;
        }

        // ast_db_del() succeeds whether or not the key existed (02c).
        Channel.Database.Delete(context.Argv(2), context.Argv(3));
        return context.Reply("200 result=1");
    }

    private HandlerResult DatabaseDelTree(CommandContext context)
    {
        if (context.Argc is < 3 or > 4)
        {
            return HandlerResult.ShowUsage;
        }

        // handle_dbdeltree(): "200 result=%c\n", num_deleted > 0 ? '0' : '1' — the opposite of its documentation (02c).
        int deleted = Channel.Database.DeleteTree(context.Argv(2), context.ArgvOrNull(3));
        return context.Reply(deleted > 0 ? "200 result=0" : "200 result=1");
    }

    private static string TruncateUtf8(string value, int maxBytes)
    {
        int length = value.Length;
        while (Encoding.UTF8.GetByteCount(value.AsSpan(0, length)) > maxBytes)
        {
            length--;
        }

        return value[..length];
    }
}
