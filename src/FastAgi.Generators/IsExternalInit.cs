namespace System.Runtime.CompilerServices;

/// <summary>Lets records compile for netstandard2.0, where the compiler needs this type and the framework lacks it.</summary>
internal static class IsExternalInit;
