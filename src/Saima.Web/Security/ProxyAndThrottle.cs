using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace Saima.Web.Security;

/// <summary>
/// The application behind a reverse proxy, and the login throttle:
/// <list type="bullet">
/// <item><c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured only from the proxies
/// named in <c>Saima:KnownProxies</c> (addresses or networks, e.g. <c>10.0.0.5;10.1.0.0/16</c>);
/// without it they are ignored, whoever sends them. <c>X-Forwarded-Host</c> never is: the proxy
/// passes the Host header on.</item>
/// <item><c>Saima:AllowedHosts</c> (e.g. <c>saima.example.gov.cn;localhost</c>) answers 400 to
/// any other Host header, so that no made-up host reaches a redirect or a link.</item>
/// <item>HSTS on HTTPS responses (a year), so that the browser keeps to HTTPS; the login and
/// anti-forgery cookies are Secure on HTTPS requests (also when the proxy says so).</item>
/// <item>Login sessions on the server (<see cref="DbTicketStore"/>).</item>
/// <item>Login posts throttled per client address (<see cref="LoginThrottle"/>).</item>
/// </list>
/// </summary>
public static class ProxyAndThrottle
{
    /// <summary>How long browsers keep to HTTPS after an HSTS header.</summary>
    public static readonly TimeSpan HstsAge = TimeSpan.FromDays(365);

    public static IServiceCollection AddSaimaProxyAndThrottle(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (string entry in Split(configuration["Saima:KnownProxies"]))
            {
                if (entry.Contains('/', StringComparison.Ordinal))
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                }
                else
                {
                    o.KnownProxies.Add(IPAddress.Parse(entry));
                }
            }

            // One proxy in front: the last address of X-Forwarded-For is the client's.
            o.ForwardLimit = 1;
        });

        // Configuration is read when the options are first used, so that values added after this
        // call (tests, ConfigureBuilder) count.
        services.Configure<HostFilteringOptions>(o =>
        {
            string[] hosts = Split(configuration["Saima:AllowedHosts"]);
            if (hosts.Length > 0)
            {
                o.AllowedHosts = hosts;
                o.AllowEmptyHosts = false;
            }
        });

        services.AddHsts(o =>
        {
            o.MaxAge = HstsAge;
            o.IncludeSubDomains = false;
            o.Preload = false;
        });

        services.AddSingleton<DbTicketStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DbTicketStore>((o, store) => o.SessionStore = store);

        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = LoginThrottle.Limiter(Math.Max(1, configuration.GetValue("Saima:LoginLimit", LoginThrottle.DefaultPerMinute)));
            o.OnRejected = LoginThrottle.RejectAsync;
        });
        return services;
    }

    /// <summary>Forwarded headers (from the known proxies) and HSTS: first in the pipeline, so that everything after sees the client's address and scheme.</summary>
    public static WebApplication UseSaimaProxies(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Without known proxies ASP.NET Core's middleware would trust forwarded headers from anyone:
        // it only runs when proxies are named.
        if (Split(app.Configuration["Saima:KnownProxies"]).Length > 0)
        {
            app.UseForwardedHeaders();
        }

        if (Split(app.Configuration["Saima:AllowedHosts"]).Length > 0)
        {
            app.UseHostFiltering();
        }

        app.UseHsts();
        return app;
    }

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// Login posts per client address (<c>Saima:LoginLimit</c> per minute, default
/// <see cref="DefaultPerMinute"/>): beyond it, 429 with Retry-After, whatever the names tried.
/// This slows guessing over many names from one address, which the per-user lockout does not.
/// Behind a proxy, set <c>Saima:KnownProxies</c>, or every client is the proxy's address.
/// </summary>
public static class LoginThrottle
{
    public const int DefaultPerMinute = 30;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    internal static PartitionedRateLimiter<HttpContext> Limiter(int perMinute) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = Window, QueueLimit = 0, AutoReplenishment = true })
                : RateLimitPartition.GetNoLimiter("other"));

    internal static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancel)
    {
        HttpResponse response = rejected.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.ContentType = "text/plain; charset=utf-8";
        var texts = rejected.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SecurityTexts>>();
        await response.WriteAsync(texts["Login_Throttled"], cancel).ConfigureAwait(false);
    }
}
