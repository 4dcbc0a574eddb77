namespace FastAgi.Routing;

/// <summary>Binds a lambda script's parameter to a query value of the AGI URL (<c>agi://host/ivr?lang=fr</c>), by the parameter's name or <see cref="Name"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromQueryAttribute : Attribute
{
    /// <summary>The query parameter's name, when it differs from the script parameter's.</summary>
    public string? Name { get; set; }
}

/// <summary>Binds a lambda script's parameter to a value of the route template (<c>{tenant}</c> in <c>ivr/{tenant}/main</c>), by the parameter's name or <see cref="Name"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromRouteAttribute : Attribute
{
    /// <summary>The route parameter's name, when it differs from the script parameter's.</summary>
    public string? Name { get; set; }
}

/// <summary>Binds a lambda script's parameter to a service from the call's scope (parameters of other than simple types are services anyway).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromServicesAttribute : Attribute;

/// <summary>Binds a lambda script's parameter to an AGI argument: <c>AGI(url,first,second)</c> has <c>first</c> at position 1 (<c>agi_arg_1</c>).</summary>
/// <param name="position">The argument's position, from 1.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FromArgumentAttribute(int position) : Attribute
{
    /// <summary>The argument's position, from 1 (<c>agi_arg_1</c>).</summary>
    public int Position { get; } = position;
}
