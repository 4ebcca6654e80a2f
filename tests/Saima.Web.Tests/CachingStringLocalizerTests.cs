using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Saima.Web.Localization;

namespace Saima.Web.Tests;

/// <summary>The localizer that keeps texts: per UI culture, formatted per call, the name for an unknown text.</summary>
public sealed class CachingStringLocalizerTests
{
    [Fact]
    public void Texts_AreKeptPerUiCulture_AndFormattedWithEachCallsArguments()
    {
        var framework = new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);
        IStringLocalizer texts = new CachingStringLocalizerFactory(framework).Create(typeof(Texts));
        CultureInfo ui = CultureInfo.CurrentUICulture, culture = CultureInfo.CurrentCulture;
        try
        {
            for (int round = 0; round < 2; round++)
            {
                CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("zh-CN");
                texts["League_Title"].Value.ShouldBe("排名");
                texts["League_Caption", "2025-06", "总分", 12].Value.ShouldBe("通报期 2025-06 · 总分 · 考核对象 12 个");
                texts["League_Caption", "2025-05", "GDP", 5].Value.ShouldBe("通报期 2025-05 · GDP · 考核对象 5 个");

                CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en");
                texts["League_Title"].Value.ShouldBe("League table");
                texts["League_Caption", "2025-06", "Total", 12].Value.ShouldBe("Period 2025-06 · Total · 12 units");
            }

            LocalizedString unknown = texts["No_Such_Text"];
            (unknown.Value, unknown.ResourceNotFound).ShouldBe(("No_Such_Text", true));
            texts["No_Such_Text {0}", 7].Value.ShouldBe("No_Such_Text 7");
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, culture);
        }
    }
}
