namespace Saima.Web.Features.ListLeaders;

/// <summary>
/// The texts of the leaders' board of the lists (<c>/lists/leaders</c>): Resources/Features/ListLeaders/ListLeaderTexts.resx
/// (Simplified Chinese, neutral) and ListLeaderTexts.en.resx, as <c>IStringLocalizer&lt;ListLeaderTexts&gt;</c>.
/// </summary>
public sealed class ListLeaderTexts
{
    private ListLeaderTexts()
    {
    }
}
