namespace Saima.Data.Store;

/// <summary>What a person does in the assessment (the web app maps its logins onto these).</summary>
public enum ActorRole
{
    /// <summary>The assessment office (考核办): schemes, periods, targets, publication, corrections.</summary>
    Office = 0,

    /// <summary>Enters and submits the figures of its own unit.</summary>
    Reporter = 1,

    /// <summary>Approves or returns submitted figures (of its unit and the units below it, or of all units when it has none).</summary>
    Reviewer = 2,

    /// <summary>A source department (e.g. the statistics bureau): enters the indicators it supplies, for every unit.</summary>
    DepartmentReporter = 3,

    /// <summary>Reads; changes nothing.</summary>
    Leader = 4,
}

/// <summary>
/// Who acts: a name (written into the audit trail), a role and the unit acted for. Reporters and
/// department reporters always act for a unit; a reviewer may be limited to a unit and the units
/// below it.
/// </summary>
public sealed record Actor(string Name, ActorRole Role, long? UnitId = null)
{
    public static Actor Office(string name) => new(name, ActorRole.Office);

    public static Actor Reporter(string name, long unitId) => new(name, ActorRole.Reporter, unitId);

    public static Actor Reviewer(string name, long? unitId = null) => new(name, ActorRole.Reviewer, unitId);

    public static Actor Department(string name, long unitId) => new(name, ActorRole.DepartmentReporter, unitId);

    public static Actor Leader(string name) => new(name, ActorRole.Leader);

    public override string ToString() => UnitId is { } u
        ? $"{RoleText(Role)} '{Name}' (unit {u.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
        : $"{RoleText(Role)} '{Name}'";

    internal static string RoleText(ActorRole role) => role switch
    {
        ActorRole.Office => "office user",
        ActorRole.Reporter => "reporter",
        ActorRole.Reviewer => "reviewer",
        ActorRole.DepartmentReporter => "department reporter",
        _ => "leader",
    };

    /// <summary>Refuses a nameless actor or one whose role needs a unit and has none.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new AccessDeniedException("the acting user has no name; every change is recorded with who made it");
        }

        if (Role is ActorRole.Reporter or ActorRole.DepartmentReporter && UnitId is null)
        {
            throw new AccessDeniedException($"{RoleText(Role)} '{Name}' acts for no unit; a {RoleText(Role)} must act for a unit");
        }
    }

    /// <summary>Only the office may do this.</summary>
    internal void RequireOffice(string what)
    {
        Validate();
        if (Role != ActorRole.Office)
        {
            throw new AccessDeniedException($"{this} may not {what}: only the assessment office may");
        }
    }
}

/// <summary>The actor's role or unit does not allow the action. The message names who, what and why.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);

/// <summary>
/// The action is not allowed in the current state of the data (approving a draft, editing a
/// published figure, publishing with outstanding figures, correcting without a reason). The
/// message says what is wrong and what to do instead.
/// </summary>
public class WorkflowException : Exception
{
    public WorkflowException(string message)
        : base(message)
    {
    }

    public WorkflowException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>A requested row (scheme, unit, indicator, period, figure, result set) does not exist.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>Publication refused: some current figures of the period are not approved yet.</summary>
public sealed class OutstandingFiguresException(string period, IReadOnlyList<OutstandingFigure> outstanding)
    : WorkflowException(Describe(period, outstanding))
{
    public IReadOnlyList<OutstandingFigure> Outstanding { get; } = outstanding;

    private static string Describe(string period, IReadOnlyList<OutstandingFigure> outstanding)
    {
        const int Shown = 10;
        string list = string.Join("; ", outstanding.Take(Shown).Select(o => $"{o.UnitCode}/{o.IndicatorCode} {o.Status.ToString().ToLowerInvariant()}"));
        string more = outstanding.Count > Shown
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" and {outstanding.Count - Shown} more")
            : string.Empty;
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"period {period} cannot be published: {outstanding.Count} figure(s) are not approved yet ({list}{more}); review them first");
    }
}

/// <summary>A current figure that keeps a period from being published.</summary>
public sealed record OutstandingFigure(long FigureId, string UnitCode, string IndicatorCode, FigureStatus Status);
