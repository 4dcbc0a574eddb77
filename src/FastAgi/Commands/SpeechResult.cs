namespace FastAgi.Commands;

/// <summary>One recognition result of SPEECH RECOGNIZE (<c>scoreN=… textN="…" grammarN=…</c>).</summary>
/// <param name="Score">The engine's confidence score, engine-specific (often 0–1000).</param>
/// <param name="Text">The recognized text, as the engine returned it.</param>
/// <param name="Grammar">The name of the grammar that matched.</param>
public readonly record struct SpeechResult(int Score, string Text, string Grammar);
