namespace Saima.Web;

/// <summary>
/// The texts of the security pages (the office's list of API tokens, the login's throttle):
/// Resources/SecurityTexts.resx (Simplified Chinese, neutral) and Resources/SecurityTexts.en.resx.
/// </summary>
public sealed class SecurityTexts
{
    private SecurityTexts()
    {
    }
}
