namespace FastAgi.Commands;

/// <summary>The outcome of <see cref="AgiCommands.MenuAsync"/>.</summary>
/// <param name="Status">Whether a valid choice was made, the attempts ran out, or a prompt could not be played.</param>
/// <param name="Choice">The valid digit chosen, or <see langword="null"/>.</param>
/// <param name="Attempts">How many times the menu prompt was played (1 when the first answer was valid).</param>
public readonly record struct MenuResult(MenuStatus Status, char? Choice, int Attempts);
