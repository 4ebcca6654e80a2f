namespace Saima.Web.Features.Home;

/// <summary>
/// The texts of Home at a glance, reminders, the unit page's explanation, the store's refusals
/// (<see cref="WorkflowMessages"/>) and the error pages: Resources/HomeTexts.resx (Simplified
/// Chinese, neutral) and Resources/HomeTexts.en.resx. Pages take them as
/// <c>IStringLocalizer&lt;HomeTexts&gt;</c>.
/// </summary>
public sealed class HomeTexts
{
    private HomeTexts()
    {
    }
}
