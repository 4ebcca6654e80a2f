namespace Saima.Web.Features.Api;

/// <summary>
/// The texts of the API page (/api) and the personal API tokens (/account/tokens):
/// Resources/ApiTexts.resx (Simplified Chinese, neutral) and Resources/ApiTexts.en.resx.
/// </summary>
public sealed class ApiTexts
{
    private ApiTexts()
    {
    }
}
