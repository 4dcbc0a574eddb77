using System.ComponentModel;
using System.Globalization;
using FastAgi.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FastAgi.Routing;

/// <summary>
/// What the code FastAgi's source generator writes for <c>MapScript(path, lambda)</c> calls to bind a lambda's parameters:
/// values from the route, the query and the AGI arguments, parsed with the invariant culture, and services from the call's
/// scope. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AgiScriptParameters
{
    /// <summary>The route value <paramref name="name"/>, else the query value of that name.</summary>
    public static string? RouteOrQuery(AgiSession session, string name)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.RouteValues[name] ?? session.Request.Query[name];
    }

    /// <summary>The route value <paramref name="name"/>.</summary>
    public static string? Route(AgiSession session, string name)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.RouteValues[name];
    }

    /// <summary>The query value <paramref name="name"/>.</summary>
    public static string? Query(AgiSession session, string name)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Request.Query[name];
    }

    /// <summary>The AGI argument at <paramref name="position"/> (from 1), or <see langword="null"/> when the dialplan passed fewer.</summary>
    public static string? Argument(AgiSession session, int position)
    {
        ArgumentNullException.ThrowIfNull(session);
        return position >= 1 && position <= session.Request.Arguments.Count ? session.Request.Arguments[position - 1] : null;
    }

    /// <summary><paramref name="value"/>, or an <see cref="AgiParameterBindingException"/> naming <paramref name="parameter"/> when there is none.</summary>
    public static string Required(string? value, string parameter, string source)
        => value ?? throw new AgiParameterBindingException($"The script's parameter '{parameter}' has no value: the call's {source} has none. Make it nullable (string?) to allow that.");

    /// <summary>Parses <paramref name="value"/> as <typeparamref name="T"/> with the invariant culture; a missing or malformed value throws <see cref="AgiParameterBindingException"/>.</summary>
    public static T Parse<T>(string? value, string parameter, string source)
        where T : IParsable<T>
        => T.TryParse(Required(value, parameter, source), CultureInfo.InvariantCulture, out T? result)
            ? result
            : throw Malformed(value!, parameter, source, typeof(T).Name);

    /// <summary>Parses <paramref name="value"/> as <typeparamref name="T"/>, or <see langword="null"/> when there is none; a malformed value throws.</summary>
    public static T? ParseOptional<T>(string? value, string parameter, string source)
        where T : struct, IParsable<T>
        => value is null ? null : Parse<T>(value, parameter, source);

    /// <summary>Parses <paramref name="value"/> as the enum <typeparamref name="T"/>, ignoring case; a missing or malformed value throws.</summary>
    public static T ParseEnum<T>(string? value, string parameter, string source)
        where T : struct, Enum
        => Enum.TryParse(Required(value, parameter, source), ignoreCase: true, out T result) && Enum.IsDefined(result)
            ? result
            : throw Malformed(value!, parameter, source, typeof(T).Name);

    /// <summary>Parses <paramref name="value"/> as the enum <typeparamref name="T"/>, or <see langword="null"/> when there is none.</summary>
    public static T? ParseOptionalEnum<T>(string? value, string parameter, string source)
        where T : struct, Enum
        => value is null ? null : ParseEnum<T>(value, parameter, source);

    /// <summary>The service <typeparamref name="T"/> from the call's scope; the server has checked at start-up that there is one.</summary>
    public static T Service<T>(AgiSession session)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Services.GetRequiredService<T>();
    }

    /// <summary>The service <typeparamref name="T"/> from the call's scope, or <see langword="null"/> when none is registered (a nullable parameter).</summary>
    public static T? OptionalService<T>(AgiSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Services.GetService<T>();
    }

    /// <summary>Records that the script mapped at <paramref name="path"/> takes <paramref name="serviceType"/> as <paramref name="parameter"/>: the server checks at start-up that a service provides it.</summary>
    public static void RequireService(Hosting.FastAgiBuilder builder, string path, string parameter, Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(path);
        builder.Routes.RequiredServices.Add((path.Trim('/'), parameter, serviceType));
    }

    /// <summary>Records that the script mapped at <paramref name="path"/> in <paramref name="group"/> takes <paramref name="serviceType"/> as <paramref name="parameter"/>.</summary>
    public static void RequireService(Hosting.AgiRouteGroup group, string path, string parameter, Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Routes.RequiredServices.Add((group.PathOf(path), parameter, serviceType));
    }

    private static AgiParameterBindingException Malformed(string value, string parameter, string source, string type)
        => new($"The script's parameter '{parameter}' takes a {type}, but the call's {source} is '{Protocol.AgiLogText.Escape(value, 64)}'.");
}
