using System.Globalization;

namespace FastAgi.Cli;

/// <summary>The options of <c>fastagi call</c>.</summary>
internal sealed class CallOptions
{
    public required string Url { get; init; }

    public List<string> Arguments { get; } = [];

    public string Digits { get; set; } = string.Empty;

    public string? CallerId { get; set; }

    public List<KeyValuePair<string, string>> Environment { get; } = [];

    public List<KeyValuePair<string, string>> Variables { get; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Interactive { get; set; }

    public bool Verbose { get; set; }

    /// <summary>Parses the words after <c>call</c>.</summary>
    /// <exception cref="ArgumentException">A word is not understood or an option lacks its value.</exception>
    public static CallOptions Parse(ReadOnlySpan<string> args)
    {
        string? url = null;
        var arguments = new List<string>();
        var environment = new List<KeyValuePair<string, string>>();
        var variables = new List<KeyValuePair<string, string>>();
        string digits = string.Empty;
        string? callerId = null;
        TimeSpan timeout = TimeSpan.FromSeconds(10);
        bool interactive = false, verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            (string name, string? inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and int equals
                ? (arg[..equals], arg[(equals + 1)..])
                : (arg, null);
            switch (name)
            {
                case "--arg":
                    arguments.Add(inline ?? Value(args, ref i, name));
                    break;
                case "--digits":
                    digits += inline ?? Value(args, ref i, name);
                    break;
                case "--callerid":
                    callerId = inline ?? Value(args, ref i, name);
                    break;
                case "--env":
                    environment.Add(Pair(inline ?? Value(args, ref i, name), name));
                    break;
                case "--var":
                    variables.Add(Pair(inline ?? Value(args, ref i, name), name));
                    break;
                case "--timeout":
                    string seconds = inline ?? Value(args, ref i, name);
                    if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value > 86_400)
                    {
                        throw new ArgumentException($"--timeout needs a number of seconds, such as 10 or 2.5; got '{seconds}'.");
                    }

                    timeout = TimeSpan.FromSeconds(value);
                    break;
                case "--interactive" or "-i":
                    interactive = true;
                    break;
                case "--verbose" or "-v":
                    verbose = true;
                    break;
                default:
                    if (arg.StartsWith('-') || url is not null)
                    {
                        throw new ArgumentException($"'{arg}' is not a call option.");
                    }

                    url = arg;
                    break;
            }
        }

        var options = new CallOptions
        {
            Url = url ?? throw new ArgumentException("fastagi call needs a URL, such as agi://127.0.0.1:4573/hello."),
            Digits = digits,
            CallerId = callerId,
            Timeout = timeout,
            Interactive = interactive,
            Verbose = verbose,
        };
        options.Arguments.AddRange(arguments);
        options.Environment.AddRange(environment);
        options.Variables.AddRange(variables);
        return options;
    }

    private static string Value(ReadOnlySpan<string> args, ref int i, string name)
        => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");

    private static KeyValuePair<string, string> Pair(string text, string option)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? new(text[..equals], text[(equals + 1)..]) : throw new ArgumentException($"{option} needs NAME=VALUE; got '{text}'.");
    }
}
