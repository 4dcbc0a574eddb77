namespace FastAgi.Routing;

/// <summary>A lambda script's parameter could not be bound for this call: a required value is missing, or does not parse as the parameter's type.</summary>
public sealed class AgiParameterBindingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgiParameterBindingException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AgiParameterBindingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AgiParameterBindingException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
