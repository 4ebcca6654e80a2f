using Microsoft.AspNetCore.Authorization;

namespace Saima.Web.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// The content security policy: scripts and styles only from our own files (no inline script,
    /// no CDN), no framing, forms only to ourselves.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Every page needs a login unless it says [AllowAnonymous]; anti-forgery on every form post.</summary>
    public static IServiceCollection AddSaimaSecurity(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "saima.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

            // htmx sends the token in this header (see wwwroot/js/site.js).
            o.HeaderName = "X-CSRF-TOKEN";
        });
        return services;
    }

    /// <summary>Security headers on every response, static files included.</summary>
    public static IApplicationBuilder UseSaimaSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var h = context.Response.Headers;
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "same-origin";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
