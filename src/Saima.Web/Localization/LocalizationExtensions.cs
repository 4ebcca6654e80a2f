using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;

namespace Saima.Web.Localization;

/// <summary>Simplified Chinese by default; English when the user switches (a cookie). Every text comes from Resources/Texts*.resx.</summary>
public static class LocalizationExtensions
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static IReadOnlyList<string> Cultures { get; } = [Chinese, English];

    public static IServiceCollection AddSaimaLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");

        // The framework's factory behind one that keeps the texts it finds (CachingStringLocalizer.cs).
        services.AddSingleton<ResourceManagerStringLocalizerFactory>();
        services.Replace(ServiceDescriptor.Singleton<IStringLocalizerFactory>(
            sp => new CachingStringLocalizerFactory(sp.GetRequiredService<ResourceManagerStringLocalizerFactory>())));
        services.AddRazorPages()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(Texts)));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            CultureInfo[] cultures = [.. Cultures.Select(CultureInfo.GetCultureInfo)];
            o.DefaultRequestCulture = new RequestCulture(Chinese);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;

            // Chinese first, whatever the browser asks for: only the user's own switch changes it.
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        return services;
    }

    public static IApplicationBuilder UseSaimaLocalization(this IApplicationBuilder app) => app.UseRequestLocalization();
}
