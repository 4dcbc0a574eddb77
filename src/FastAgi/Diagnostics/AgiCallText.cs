using System.Text;
using FastAgi.Protocol;

namespace FastAgi.Diagnostics;

/// <summary>How commands, replies and queries are written into logs and spans: escaped, bounded, and redacted as configured.</summary>
internal static class AgiCallText
{
    /// <summary>The most characters of a command or reply in a log line or tag.</summary>
    public const int MaxLength = 256;

    /// <summary>The command as written to Asterisk (arguments quoted), with the value of a redacted variable masked.</summary>
    public static string Command(AgiTelemetry telemetry, string name, string command, string[] arguments)
    {
        var text = new StringBuilder(command.Length + (arguments.Length * 8));
        text.Append(command);
        for (int i = 0; i < arguments.Length; i++)
        {
            // SET VARIABLE NAME VALUE: the value of a configured variable is not for the log.
            string argument = i == 1 && name == "SET VARIABLE" && telemetry.IsRedactedVariable(arguments[0])
                ? telemetry.Sensitive.Redact(arguments[1])
                : arguments[i];
            text.Append(" \"").Append(argument).Append('"');
            if (text.Length > MaxLength)
            {
                break;
            }
        }

        return AgiLogText.Escape(text.ToString(), MaxLength);
    }

    /// <summary>The arguments alone, for a span that carries them.</summary>
    public static string Arguments(AgiTelemetry telemetry, string name, string[] arguments)
    {
        string command = Command(telemetry, name, string.Empty, arguments);
        return command.TrimStart();
    }

    /// <summary>The reply line, with what the caller keyed, or a redacted variable's value, masked.</summary>
    public static string Reply(AgiTelemetry telemetry, string name, string[] arguments, AgiReply reply)
    {
        bool input = telemetry.RedactsCallerInput && AgiCommandNames.CarriesCallerInput(name);
        bool sensitive = !input && IsRedactedValue(telemetry, name, arguments);
        if ((!input && !sensitive) || !reply.HasResult)
        {
            return AgiLogText.Escape(reply.ToString(), MaxLength);
        }

        Microsoft.Extensions.Compliance.Redaction.Redactor redactor = input ? telemetry.CallerInput : telemetry.Sensitive;
        var text = new StringBuilder();
        text.Append(reply.StatusCode).Append(" result=");

        // GET VARIABLE's result is 1 or 0 (set or not); the value is in the parentheses. Input replies carry it in both.
        text.Append(input ? redactor.Redact(reply.Result) : reply.Result);
        if (reply.Data is { } data)
        {
            text.Append(" (").Append(redactor.Redact(data)).Append(')');
        }

        if (reply.Extra.Length > 0)
        {
            text.Append(' ').Append(reply.Extra);
        }

        return AgiLogText.Escape(text.ToString(), MaxLength);
    }

    /// <summary>The query string, with the values of redacted parameters masked.</summary>
    public static string Query(AgiTelemetry telemetry, string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return string.Empty;
        }

        var text = new StringBuilder(rawQuery.Length);
        foreach (Range range in rawQuery.AsSpan().Split('&'))
        {
            ReadOnlySpan<char> pair = rawQuery.AsSpan(range);
            if (text.Length > 0)
            {
                text.Append('&');
            }

            int equals = pair.IndexOf('=');
            if (equals > 0 && telemetry.IsRedactedQueryParameter(Uri.UnescapeDataString(pair[..equals].ToString())))
            {
                text.Append(pair[..(equals + 1)]).Append(telemetry.Sensitive.Redact(pair[(equals + 1)..].ToString()));
            }
            else
            {
                text.Append(pair);
            }
        }

        return AgiLogText.Escape(text.ToString(), MaxLength);
    }

    private static bool IsRedactedValue(AgiTelemetry telemetry, string name, string[] arguments)
    {
        if (arguments.Length == 0)
        {
            return false;
        }

        if (name == "GET VARIABLE")
        {
            return telemetry.IsRedactedVariable(arguments[0]);
        }

        // GET FULL VARIABLE evaluates an expression: any redacted variable it names makes its value sensitive.
        return name == "GET FULL VARIABLE" && telemetry.NamesRedactedVariable(arguments[0]);
    }
}
