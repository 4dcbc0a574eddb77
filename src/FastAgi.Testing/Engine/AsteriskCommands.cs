namespace FastAgi.Testing.Engine;

/// <summary>The 47 AGI commands of Asterisk 22.10.1: <c>commands[]</c> in res_agi.c plus GOSUB from app_stack.c, in registration order.</summary>
/// <remarks>
/// The usage texts are those Asterisk 22.10.1 sent in the recordings (02*, 03a). For commands whose 520 block was not
/// recorded (CHANNEL STATUS, GET OPTION, HANGUP, RECEIVE TEXT, SAY PHONETIC/DATE/TIME, SET EXTENSION, SPEECH *), the text is
/// rebuilt from the command's XML documentation the same way: one line per paragraph, markup left in.
/// </remarks>
public static class AsteriskCommands
{
    private const string SayUsageTail = "returning early if any of the given DTMF digits are received on the channel. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed or <literal>-1</literal> on error/hangup.\n";

    /// <summary>Every command, in the order <c>find_command()</c> walks them.</summary>
    public static IReadOnlyList<AsteriskCommand> All { get; } =
    [
        new("ANSWER", false, "ANSWER", "Answers channel if not already in answer state. Returns <literal>-1</literal> on channel failure, or <literal>0</literal> if successful.\n"),
        new("ASYNCAGI BREAK", true, "ASYNCAGI BREAK", "Interrupts expected flow of Async AGI commands and returns control to previous source (typically, the PBX dialplan).\n"),
        new("CHANNEL STATUS", false, "CHANNEL STATUS [channelname]", "Returns the status of the specified <replaceable>channelname</replaceable>. If no channel name is given then returns the status of the current channel.\nReturn values:\n0 Channel is down and available.\n1 Channel is down, but reserved.\n2 Channel is off hook.\n3 Digits (or equivalent) have been dialed.\n4 Line is ringing.\n5 Remote end is ringing.\n6 Line is up.\n7 Line is busy.\n"),
        new("DATABASE DEL", true, "DATABASE DEL family key", "Deletes an entry in the Asterisk database for a given <replaceable>family</replaceable> and <replaceable>key</replaceable>.\nReturns <literal>1</literal> if successful, <literal>0</literal> otherwise.\n"),
        new("DATABASE DELTREE", true, "DATABASE DELTREE family [keytree]", "Deletes a <replaceable>family</replaceable> or specific <replaceable>keytree</replaceable> within a <replaceable>family</replaceable> in the Asterisk database.\nReturns <literal>1</literal> if successful, <literal>0</literal> otherwise.\n"),
        new("DATABASE GET", true, "DATABASE GET family key", "Retrieves an entry in the Asterisk database for a given <replaceable>family</replaceable> and <replaceable>key</replaceable>.\nReturns <literal>0</literal> if <replaceable>key</replaceable> is not set. Returns <literal>1</literal> if <replaceable>key</replaceable> is set and returns the variable in parenthesis.\nExample return code: 200 result=1 (testvariable)\n"),
        new("DATABASE PUT", true, "DATABASE PUT family key value", "Adds or updates an entry in the Asterisk database for a given <replaceable>family</replaceable>, <replaceable>key</replaceable>, and <replaceable>value</replaceable>.\nReturns <literal>1</literal> if successful, <literal>0</literal> otherwise.\n"),
        new("EXEC", true, "EXEC application [options]", "Executes <replaceable>application</replaceable> with given <replaceable>options</replaceable>.\nReturns whatever the <replaceable>application</replaceable> returns, or <literal>-2</literal> on failure to find <replaceable>application</replaceable>.\n<note>NOTE:</note> exec does not evaluate dialplan functions and variables unless it is explicitly enabled by setting the <variable>AGIEXECFULL</variable> variable to <literal>yes</literal>.\n"),
        new("GET DATA", false, "GET DATA file [timeout] [maxdigits]", "Stream the given <replaceable>file</replaceable>, and receive DTMF data.\nReturns the digits received from the channel at the other end.\n"),
        new("GET FULL VARIABLE", true, "GET FULL VARIABLE expression [channelname]", "Evaluates the given <replaceable>expression</replaceable> against the channel specified by <replaceable>channelname</replaceable>, or the current channel if <replaceable>channelname</replaceable> is not provided.\nUnlike GET VARIABLE, the <replaceable>expression</replaceable> is processed in a manner similar to dialplan evaluation, allowing complex and built-in variables to be accessed, e.g. <literal>The time is ${EPOCH}</literal>\nReturns <literal>0</literal> if no channel matching <replaceable>channelname</replaceable> exists, <literal>1</literal> otherwise.\nExample return code: 200 result=1 (The time is 1578493800)\n"),
        new("GET OPTION", false, "GET OPTION filename escape_digits [timeout]", "Behaves similar to STREAM FILE but used with a timeout option.\n"),
        new("GET VARIABLE", true, "GET VARIABLE variablename", "Returns <literal>0</literal> if <replaceable>variablename</replaceable> is not set. Returns <literal>1</literal> if <replaceable>variablename</replaceable> is set and returns the variable in parentheses.\nExample return code: 200 result=1 (testvariable)\n"),
        new("HANGUP", false, "HANGUP [channelname]", "Hangs up the specified channel. If no channel name is given, hangs up the current channel\n"),
        new("NOOP", true, "NOOP", "Does nothing.\n"),
        new("RECEIVE CHAR", false, "RECEIVE CHAR timeout", "Receives a character of text on a channel. Most channels do not support the reception of text. Returns the decimal value of the character if one is received, or <literal>0</literal> if the channel does not support text reception. Returns <literal>-1</literal> only on error/hangup.\n"),
        new("RECEIVE TEXT", false, "RECEIVE TEXT timeout", "Receives a string of text on a channel. Most channels do not support the reception of text. Returns <literal>-1</literal> for failure or <literal>1</literal> for success, and the string in parenthesis.\n"),
        new("RECORD FILE", false, "RECORD FILE filename format escape_digits timeout [offset_samples] [BEEP] [s=silence]", "Record to a file until a given dtmf digit in the sequence is received. Returns <literal>-1</literal> on hangup or error.  The format will specify what kind of file will be recorded. The <replaceable>timeout</replaceable> is the maximum record time in milliseconds, or <literal>-1</literal> for no <replaceable>timeout</replaceable>. <replaceable>offset samples</replaceable> is optional, and, if provided, will seek to the offset without exceeding the end of the file. <replaceable>beep</replaceable> can take any value, and causes Asterisk to play a beep to the channel that is about to be recorded. <replaceable>silence</replaceable> is the number of seconds of silence allowed before the function returns despite the lack of dtmf digits or reaching <replaceable>timeout</replaceable>. <replaceable>silence</replaceable> value must be preceded by <literal>s=</literal> and is also optional.\n"),
        new("SAY ALPHA", false, "SAY ALPHA string escape_digits [case]", "Say a given character string, " + SayUsageTail),
        new("SAY DIGITS", false, "SAY DIGITS number escape_digits", "Say a given digit string, " + SayUsageTail),
        new("SAY NUMBER", false, "SAY NUMBER number escape_digits [gender]", "Say a given number, returning early if any of the given DTMF digits are received on the channel.  Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed or <literal>-1</literal> on error/hangup.\n"),
        new("SAY PHONETIC", false, "SAY PHONETIC string escape_digits", "Say a given character string with phonetics, returning early if any of the given DTMF digits are received on the channel. Returns <literal>0</literal> if playback completes without a digit pressed, the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on error/hangup.\n"),
        new("SAY DATE", false, "SAY DATE date escape_digits", "Say a given date, " + SayUsageTail),
        new("SAY TIME", false, "SAY TIME time escape_digits", "Say a given time, " + SayUsageTail),
        new("SAY DATETIME", false, "SAY DATETIME time escape_digits [format] [timezone]", "Say a given time, " + SayUsageTail),
        new("SEND IMAGE", false, "SEND IMAGE image", "Sends the given image on a channel. Most channels do not support the transmission of images. Returns <literal>0</literal> if image is sent, or if the channel does not support image transmission.  Returns <literal>-1</literal> only on error/hangup. Image names should not include extensions.\n"),
        new("SEND TEXT", false, "SEND TEXT \"text to send\"", "Sends the given text on a channel. Most channels do not support the transmission of text. Returns <literal>0</literal> if text is sent, or if the channel does not support text transmission. Returns <literal>-1</literal> only on error/hangup.\n"),
        new("SET AUTOHANGUP", false, "SET AUTOHANGUP time", "Cause the channel to automatically hangup at <replaceable>time</replaceable> seconds in the future. Of course it can be hungup before then as well. Setting to <literal>0</literal> will cause the autohangup feature to be disabled on this channel.\n"),
        new("SET CALLERID", false, "SET CALLERID number", "Changes the callerid of the current channel.\n"),
        new("SET CONTEXT", false, "SET CONTEXT context", "Sets the context for continuation upon exiting the application.\n"),
        new("SET EXTENSION", false, "SET EXTENSION extension", "Changes the extension for continuation upon exiting the application.\n"),
        new("SET MUSIC", false, "SET MUSIC on|off [class]", "Enables/Disables the music on hold generator. If <replaceable>class</replaceable> is not specified, then the <literal>default</literal> music on hold class will be used. This generator will be stopped automatically when playing a file.\nAlways returns <literal>0</literal>.\n"),
        new("SET PRIORITY", false, "SET PRIORITY priority", "Changes the priority for continuation upon exiting the application. The priority must be a valid priority or label.\n"),
        new("SET VARIABLE", true, "SET VARIABLE variablename value", "Sets a variable to the current channel.\n"),
        new("STREAM FILE", false, "STREAM FILE filename escape_digits [sample_offset]", "Send the given file, allowing playback to be interrupted by the given digits, if any. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on error or if the channel was disconnected. If musiconhold is playing before calling stream file it will be automatically stopped and will not be restarted after completion.\nIt sets the following channel variables upon completion:\n<variable>PLAYBACKSTATUS</variable>: The status of the playback attempt as a text string.\n    <value>SUCCESS</value>\n    <value>FAILED</value>\n"),
        new("CONTROL STREAM FILE", false, "CONTROL STREAM FILE filename escape_digits [skipms] [ffchar] [rewchr] [pausechr] [offsetms]", "Send the given file, allowing playback to be controlled by the given digits, if any. Use double quotes for the digits if you wish none to be permitted. If offsetms is provided then the audio will seek to offsetms before play starts. Returns <literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on error or if the channel was disconnected. Returns the position where playback was terminated as endpos.\nIt sets the following channel variables upon completion:\n<variable>CPLAYBACKSTATUS</variable>: Contains the status of the attempt as a text string\n    <value>SUCCESS</value>\n    <value>USERSTOPPED</value>\n    <value>REMOTESTOPPED</value>\n    <value>ERROR</value>\n<variable>CPLAYBACKOFFSET</variable>: Contains the offset in ms into the file where playback was at when it stopped. <literal>-1</literal> is end of file.\n<variable>CPLAYBACKSTOPKEY</variable>: If the playback is stopped by the user this variable contains the key that was pressed.\n"),
        new("TDD MODE", false, "TDD MODE on|off|tdd|mate", "Enable/Disable TDD transmission/reception on a channel. Returns <literal>1</literal> if successful, or <literal>0</literal> if channel is not TDD-capable.\n"),
        new("VERBOSE", true, "VERBOSE message [level]", "Sends <replaceable>message</replaceable> to the console via verbose message system. <replaceable>level</replaceable> is the verbose level (1-4). Always returns <literal>1</literal>\n"),
        new("WAIT FOR DIGIT", false, "WAIT FOR DIGIT timeout", "Waits up to <replaceable>timeout</replaceable> milliseconds for channel to receive a DTMF digit. Returns <literal>-1</literal> on channel failure, <literal>0</literal> if no digit is received in the timeout, or the numerical value of the ascii of the digit if one is received. Use <literal>-1</literal> for the <replaceable>timeout</replaceable> value if you desire the call to block indefinitely.\n"),
        new("SPEECH CREATE", false, "SPEECH CREATE engine", "Create a speech object to be used by the other Speech AGI commands.\n"),
        new("SPEECH SET", false, "SPEECH SET name value", "Set an engine-specific setting.\n"),
        new("SPEECH DESTROY", true, "SPEECH DESTROY", "Destroy the speech object created by <literal>SPEECH CREATE</literal>.\n"),
        new("SPEECH LOAD GRAMMAR", false, "SPEECH LOAD GRAMMAR grammar_name path_to_grammar", "Loads the specified grammar as the specified name.\n"),
        new("SPEECH UNLOAD GRAMMAR", true, "SPEECH UNLOAD GRAMMAR grammar_name", "Unloads the specified grammar.\n"),
        new("SPEECH ACTIVATE GRAMMAR", false, "SPEECH ACTIVATE GRAMMAR grammar_name", "Activates the specified grammar on the speech object.\n"),
        new("SPEECH DEACTIVATE GRAMMAR", false, "SPEECH DEACTIVATE GRAMMAR grammar_name", "Deactivates the specified grammar on the speech object.\n"),
        new("SPEECH RECOGNIZE", false, "SPEECH RECOGNIZE prompt timeout [offset]", "Plays back given <replaceable>prompt</replaceable> while listening for speech and dtmf.\n"),
        new("GOSUB", false, "GOSUB context extension priority|label [arguments]", "Cause the channel to execute the specified dialplan subroutine, returning to the dialplan with execution of a Return().\n"),
    ];

    /// <summary>The command whose words start <paramref name="words"/> (compared case-insensitively), as <c>find_command(argv, 0)</c> finds it; <see langword="null"/> when there is none (Asterisk answers 510).</summary>
    /// <remarks>Every word of the command must be present: <c>STREAM</c> alone or <c>GET</c> alone find nothing. Later words are the command's arguments.</remarks>
    public static AsteriskCommand? Find(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        foreach (AsteriskCommand command in All)
        {
            if (words.Count < command.Words.Count)
            {
                continue;
            }

            bool match = true;
            for (int i = 0; i < command.Words.Count && match; i++)
            {
                match = string.Equals(command.Words[i], words[i], StringComparison.OrdinalIgnoreCase);
            }

            if (match)
            {
                return command;
            }
        }

        return null;
    }

    /// <summary>The command named <paramref name="name"/> (such as <c>stream file</c>), or <see langword="null"/>.</summary>
    public static AsteriskCommand? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(command => string.Equals(command.Name, name, StringComparison.OrdinalIgnoreCase));
    }
}
