using System.Globalization;
using System.Text;

namespace FastAgi.Tests.Support;

/// <summary>Builds the environment block Asterisk 22.10.1 sends when a FastAGI call connects, in the order and shape of the 01a recording.</summary>
public static class FakeAsteriskEnvironment
{
    /// <summary>The lines of the block, each ending in LF, the blank line included.</summary>
    /// <param name="script">The value of <c>agi_network_script</c> (path and query), or <see langword="null"/> for an <c>agi://host</c> URL, which sends no such line.</param>
    /// <param name="uniqueId">The value of <c>agi_uniqueid</c>.</param>
    /// <param name="arguments">The values of <c>agi_arg_1</c>, <c>agi_arg_2</c>, ...</param>
    public static IReadOnlyList<string> Lines(string? script, string uniqueId, params string[] arguments)
    {
        var lines = new List<string> { "agi_network: yes\n" };
        if (!string.IsNullOrEmpty(script))
        {
            lines.Add($"agi_network_script: {script}\n");
        }

        lines.AddRange(
        [
            $"agi_request: agi://127.0.0.1:4573/{script}\n",
            $"agi_channel: Local/100@agi-test-{uniqueId};2\n",
            "agi_language: en\n",
            "agi_type: Local\n",
            $"agi_uniqueid: {uniqueId}\n",
            "agi_version: 22.10.1\n",
            "agi_callerid: unknown\n",
            "agi_calleridname: unknown\n",
            "agi_callingpres: 67\n",
            "agi_callingani2: 0\n",
            "agi_callington: 0\n",
            "agi_callingtns: 0\n",
            "agi_dnid: unknown\n",
            "agi_rdnis: unknown\n",
            "agi_context: agi-test\n",
            "agi_extension: 100\n",
            "agi_priority: 2\n",
            "agi_enhanced: 0.0\n",
            "agi_accountcode: \n",
            "agi_threadid: 140321317803712\n",
        ]);
        for (int i = 0; i < arguments.Length; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"agi_arg_{i + 1}: {arguments[i]}\n"));
        }

        lines.Add("\n");
        return lines;
    }

    /// <summary>The whole block as one byte array, for tests that send it in a single write.</summary>
    public static byte[] Block(string? script, string uniqueId, params string[] arguments)
        => Encoding.UTF8.GetBytes(string.Concat(Lines(script, uniqueId, arguments)));
}
