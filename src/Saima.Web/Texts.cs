using System.Resources;

[assembly: NeutralResourcesLanguage("zh-CN")]

namespace Saima.Web;

/// <summary>
/// The UI texts: Resources/Texts.resx (Simplified Chinese, the neutral language) and
/// Resources/Texts.en.resx (English). Pages take them as <c>IStringLocalizer&lt;Texts&gt;</c>.
/// </summary>
public sealed class Texts
{
    private Texts()
    {
    }
}
