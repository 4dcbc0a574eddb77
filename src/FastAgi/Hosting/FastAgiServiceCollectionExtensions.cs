using FastAgi.Hosting;
using FastAgi.Routing;
using FastAgi.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the FastAGI server in a host.</summary>
public static class FastAgiServiceCollectionExtensions
{
    /// <summary>Adds the FastAGI server as a hosted service, with options from <paramref name="configure"/>; map scripts on the returned builder.</summary>
    public static FastAgiBuilder AddFastAgi(this IServiceCollection services, Action<AgiServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<AgiServerOptions> options = services.AddOptions<AgiServerOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    /// <summary>Adds the FastAGI server as a hosted service, with options bound from <paramref name="configuration"/> (usually the <c>FastAgi</c> section).</summary>
    public static FastAgiBuilder AddFastAgi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AgiServerOptions>().Bind(configuration).ValidateOnStart();
        return AddCore(services);
    }

    private static FastAgiBuilder AddCore(IServiceCollection services)
    {
        services.AddMetrics();
        services.AddLogging();

        // Caller input and configured values are masked unless the application sets redactors of its own for them
        // (a later AddRedaction that calls SetRedactor for these classifications wins).
        services.AddRedaction(static redaction => redaction.SetRedactor<FastAgi.Diagnostics.AgiMaskRedactor>(
            new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(FastAgi.Diagnostics.AgiDataClassifications.CallerInput),
            new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(FastAgi.Diagnostics.AgiDataClassifications.Sensitive)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgiServerOptions>, AgiServerOptionsValidator>());

        // The host stops waiting for hosted services at its own ShutdownTimeout (30 s unless set), which would cut the drain
        // short: raise it to cover FastAgi's, plus the grace scripts get once their connections are closed.
        services.AddOptions<HostOptions>().PostConfigure<IOptions<AgiServerOptions>>(static (host, agi) =>
        {
            AgiServerOptions options;
            try
            {
                options = agi.Value;
            }
            catch (OptionsValidationException)
            {
                // Reported when the host starts, as every other setting is.
                return;
            }

            TimeSpan needed = options.DrainDelay + options.ShutdownTimeout + AgiServer.AbortGracePeriod + TimeSpan.FromSeconds(1);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgiConnectionHandler>();
        services.TryAddSingleton<AgiServer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AgiServer>(static sp => sp.GetRequiredService<AgiServer>()));

        AgiRouteTable? routes = null;
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.ServiceType == typeof(AgiRouteTable) && descriptor.ImplementationInstance is AgiRouteTable existing)
            {
                routes = existing;
            }
        }

        if (routes is null)
        {
            routes = new AgiRouteTable();
            services.AddSingleton(routes);
        }

        return new FastAgiBuilder(services, routes);
    }
}
