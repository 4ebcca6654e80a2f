using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Saima.Web.Localization;

/// <summary>
/// Keeps the texts that <see cref="ResourceManagerStringLocalizerFactory"/>'s localizers find, per
/// UI culture and name. Resources do not change while the application runs, but every lookup of
/// the framework's localizer walks the culture chain (zh-CN → zh-Hans → zh → neutral) through
/// <see cref="System.Resources.ResourceManager"/>, which takes a lock per resource set: a page
/// with thirty texts took thirty of those locks, and under load they were the most contended locks
/// of the league table's CPU profile (bench/web/README.md). ASP.NET Core has no caching localizer of
/// its own, hence this small one.
/// </summary>
public sealed class CachingStringLocalizerFactory(ResourceManagerStringLocalizerFactory inner) : IStringLocalizerFactory
{
    private readonly ConcurrentDictionary<Type, IStringLocalizer> _byType = new();
    private readonly ConcurrentDictionary<(string BaseName, string Location), IStringLocalizer> _byName = new();

    public IStringLocalizer Create(Type resourceSource) =>
        _byType.GetOrAdd(resourceSource, static (t, f) => new CachingStringLocalizer(f.Create(t)), inner);

    public IStringLocalizer Create(string baseName, string location) =>
        _byName.GetOrAdd((baseName, location), static (k, f) => new CachingStringLocalizer(f.Create(k.BaseName, k.Location)), inner);
}

/// <summary>One resource source's texts, kept per UI culture and name (see <see cref="CachingStringLocalizerFactory"/>).</summary>
public sealed class CachingStringLocalizer(IStringLocalizer inner) : IStringLocalizer
{
    /// <summary>
    /// At most this many texts are kept: names are the code's own, but a few are built from a
    /// request's values (an unknown one is looked up each time rather than kept).
    /// </summary>
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<(string Culture, string Name), LocalizedString> _texts = new();

    public LocalizedString this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            var key = (CultureInfo.CurrentUICulture.Name, name);
            if (_texts.TryGetValue(key, out LocalizedString? text))
            {
                return text;
            }

            text = inner[name];
            if (!text.ResourceNotFound && _texts.Count < Capacity)
            {
                _texts.TryAdd(key, text);
            }

            return text;
        }
    }

    /// <summary>As the framework's localizer: the text formatted with the current (not UI) culture; the name when there is no text.</summary>
    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            LocalizedString format = this[name];
            string value = string.Format(CultureInfo.CurrentCulture, format.Value, arguments);
            return new LocalizedString(name, value, format.ResourceNotFound, format.SearchedLocation);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
}
