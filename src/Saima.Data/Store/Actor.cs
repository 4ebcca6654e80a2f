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
            throw new AccessDeniedException(WorkflowCodes.NoActorName, "the acting user has no name; every change is recorded with who made it");
        }

        if (Role is ActorRole.Reporter or ActorRole.DepartmentReporter && UnitId is null)
        {
            throw new AccessDeniedException(WorkflowCodes.NoActorUnit, $"{RoleText(Role)} '{Name}' acts for no unit; a {RoleText(Role)} must act for a unit", Name);
        }
    }

    /// <summary>Only the office may do this.</summary>
    internal void RequireOffice(string what)
    {
        Validate();
        if (Role != ActorRole.Office)
        {
            throw new AccessDeniedException(WorkflowCodes.OfficeOnly, $"{this} may not {what}: only the assessment office may", Name);
        }
    }
}

/// <summary>
/// A refusal of the store with a stable code and its arguments, beside the English message the
/// CLI prints: a user interface says it in its own language from the code (see
/// <see cref="WorkflowCodes"/>); arguments are codes, numbers and status words in the invariant culture.
/// </summary>
public interface IStoreRefusal
{
    /// <summary>One of <see cref="WorkflowCodes"/>; <see cref="WorkflowCodes.Other"/> when the refusal has no code of its own.</summary>
    string Code { get; }

    IReadOnlyList<string> Args { get; }
}

/// <summary>The actor's role or unit does not allow the action. The message names who, what and why.</summary>
public sealed class AccessDeniedException : Exception, IStoreRefusal
{
    public AccessDeniedException(string message)
        : this(WorkflowCodes.Other, message)
    {
    }

    public AccessDeniedException(string code, string message, params string[] args)
        : base(message)
    {
        Code = code;
        Args = args;
    }

    public string Code { get; }

    public IReadOnlyList<string> Args { get; }
}

/// <summary>
/// The action is not allowed in the current state of the data (approving a draft, editing a
/// published figure, publishing with outstanding figures, correcting without a reason). The
/// message says what is wrong and what to do instead.
/// </summary>
public class WorkflowException : Exception, IStoreRefusal
{
    public WorkflowException(string message)
        : this(WorkflowCodes.Other, message)
    {
    }

    public WorkflowException(string message, Exception inner)
        : base(message, inner)
    {
        Code = WorkflowCodes.Other;
        Args = [];
    }

    public WorkflowException(string code, string message, params string[] args)
        : base(message)
    {
        Code = code;
        Args = args;
    }

    public string Code { get; }

    public IReadOnlyList<string> Args { get; }
}

/// <summary>A requested row (scheme, unit, indicator, period, figure, result set) does not exist.</summary>
public sealed class NotFoundException : Exception, IStoreRefusal
{
    public NotFoundException(string message)
        : this(WorkflowCodes.Other, message)
    {
    }

    public NotFoundException(string code, string message, params string[] args)
        : base(message)
    {
        Code = code;
        Args = args;
    }

    public string Code { get; }

    public IReadOnlyList<string> Args { get; }
}

/// <summary>
/// The stable codes of the store's refusals (<see cref="IStoreRefusal.Code"/>), with the meaning
/// of their arguments. A code never changes its meaning; new refusals get new codes.
/// </summary>
public static class WorkflowCodes
{
    /// <summary>No code of its own: show the English message.</summary>
    public const string Other = "Other";

    /// <summary>A value that is not a finite number.</summary>
    public const string NotFinite = "NotFinite";

    /// <summary>{0} indicator code: a derived growth indicator, never entered.</summary>
    public const string DerivedNotEntered = "DerivedNotEntered";

    /// <summary>{0} figure key: submitted, waits for review; cannot be edited.</summary>
    public const string EditSubmitted = "EditSubmitted";

    /// <summary>{0} figure key: approved; must be returned before editing.</summary>
    public const string EditApproved = "EditApproved";

    /// <summary>{0} figure key: published; only corrected.</summary>
    public const string EditPublished = "EditPublished";

    /// <summary>{0} figure key, {1} status: only drafts and returned figures are submitted.</summary>
    public const string SubmitStatus = "SubmitStatus";

    /// <summary>{0} figure key: no value to submit.</summary>
    public const string SubmitEmpty = "SubmitEmpty";

    /// <summary>{0} figure key, {1} status: only submitted figures are approved.</summary>
    public const string ApproveStatus = "ApproveStatus";

    /// <summary>{0} figure key: returning needs a comment.</summary>
    public const string ReturnComment = "ReturnComment";

    /// <summary>{0} figure key, {1} status: only submitted or approved figures are returned.</summary>
    public const string ReturnStatus = "ReturnStatus";

    /// <summary>{0} period, {1} scheme code: published already.</summary>
    public const string PeriodPublished = "PeriodPublished";

    /// <summary>{0} period, {1} number of figures not approved.</summary>
    public const string Outstanding = "Outstanding";

    /// <summary>{0} period, {1} scheme code: no approved figures.</summary>
    public const string NothingToPublish = "NothingToPublish";

    /// <summary>{0} period: figures changed while publishing.</summary>
    public const string PublishRace = "PublishRace";

    /// <summary>{0} figure key: a correction needs a reason.</summary>
    public const string CorrectReason = "CorrectReason";

    /// <summary>{0} figure key, {1} status: only published figures are corrected.</summary>
    public const string CorrectStatus = "CorrectStatus";

    /// <summary>{0} figure key, {1} revision: not the current revision.</summary>
    public const string CorrectRevision = "CorrectRevision";

    /// <summary>{0} figure key, {1} value: a correction must change the value.</summary>
    public const string CorrectSame = "CorrectSame";

    /// <summary>{0} period: no published results to correct.</summary>
    public const string CorrectNoResults = "CorrectNoResults";

    /// <summary>{0} unit code, {1} scheme code: the unit is not assessed in the scheme.</summary>
    public const string UnitNotInScheme = "UnitNotInScheme";

    /// <summary>{0} period, {1} scheme code: the period is published, its figures closed.</summary>
    public const string PeriodClosed = "PeriodClosed";

    /// <summary>{0} id or code: no such scheme.</summary>
    public const string NoScheme = "NoScheme";

    /// <summary>{0} id or code: no such unit.</summary>
    public const string NoUnit = "NoUnit";

    /// <summary>{0} id, {1} scheme code: no such indicator in the scheme.</summary>
    public const string NoIndicator = "NoIndicator";

    /// <summary>{0} period, {1} scheme code: no such period.</summary>
    public const string NoPeriod = "NoPeriod";

    /// <summary>{0} id: no such figure.</summary>
    public const string NoFigure = "NoFigure";

    /// <summary>{0} id: no such reminder.</summary>
    public const string NoReminder = "NoReminder";

    /// <summary>The acting user has no name.</summary>
    public const string NoActorName = "NoActorName";

    /// <summary>{0} user: a reporter or department reporter acting for no unit.</summary>
    public const string NoActorUnit = "NoActorUnit";

    /// <summary>{0} user: only the assessment office may do this.</summary>
    public const string OfficeOnly = "OfficeOnly";

    /// <summary>{0} user, {1} unit code: a reporter acts for its own unit only.</summary>
    public const string OtherUnit = "OtherUnit";

    /// <summary>{0} user, {1} indicator code: supplied by a source department.</summary>
    public const string SourceSupplied = "SourceSupplied";

    /// <summary>{0} user, {1} indicator code: the department supplies only its own indicators.</summary>
    public const string NotSource = "NotSource";

    /// <summary>{0} user: the role does not enter figures.</summary>
    public const string CannotEnter = "CannotEnter";

    /// <summary>{0} user: the role does not review figures.</summary>
    public const string CannotReview = "CannotReview";

    /// <summary>{0} user, {1} figure key: nobody reviews a figure they entered.</summary>
    public const string FourEyes = "FourEyes";

    /// <summary>{0} user, {1} unit code: outside the reviewer's units.</summary>
    public const string ReviewerScope = "ReviewerScope";

    /// <summary>{0} unit code, {1} period: the unit has nothing outstanding to be reminded of.</summary>
    public const string NotLate = "NotLate";

    /// <summary>{0} user: the reminder is not addressed to the user's unit.</summary>
    public const string NotRecipient = "NotRecipient";

    /// <summary>An item names no unit.</summary>
    public const string UnitEmpty = "UnitEmpty";

    /// <summary>An item names no indicator.</summary>
    public const string IndicatorEmpty = "IndicatorEmpty";

    /// <summary>An item names no period.</summary>
    public const string PeriodEmpty = "PeriodEmpty";

    /// <summary>{0} period as given: not of the form 2025-06, 2025-Q2 or 2025.</summary>
    public const string PeriodFormat = "PeriodFormat";

    /// <summary>{0} period, {1} scheme code: the office closed the period's intake.</summary>
    public const string IntakeClosed = "IntakeClosed";

    /// <summary>{0} indicator code, {1} period, {2} frequency: the indicator is not reported in this period.</summary>
    public const string NotDue = "NotDue";

    /// <summary>{0} the text given: not a number.</summary>
    public const string NotANumber = "NotANumber";

    /// <summary>{0} the most characters: the explanation is too long.</summary>
    public const string ExplanationTooLong = "ExplanationTooLong";

    /// <summary>{0} index of the first item (0-based), {1} unit, {2} indicator, {3} period: the same figure twice in one batch.</summary>
    public const string Duplicate = "Duplicate";

    /// <summary>{0} value, {1} lower bound, {2} upper bound, {3} indicator: outside the plausible range and not explained.</summary>
    public const string OutOfRange = "OutOfRange";

    /// <summary>{0} value, {1} the period before's value, {2} indicator, {3} the period before: a year-to-date figure falls and is not explained.</summary>
    public const string YearToDateFalls = "YearToDateFalls";

    /// <summary>{0} figure key, {1} value: a returned figure submitted again unchanged without an explanation.</summary>
    public const string ReturnedUnchanged = "ReturnedUnchanged";

    /// <summary>{0} figure key: the figure is flagged by the checks and has no explanation; it cannot be approved.</summary>
    public const string FlaggedNoExplanation = "FlaggedNoExplanation";

    /// <summary>{0} period code, {1} scheme code, {2} frequency (month, quarter, year): not a period of the scheme's frequency.</summary>
    public const string PeriodCode = "PeriodCode";

    /// <summary>{0} period, {1} scheme code: the period exists already.</summary>
    public const string PeriodExists = "PeriodExists";

    /// <summary>{0} period, {1} scheme code: a period needs a deadline.</summary>
    public const string DeadlineRequired = "DeadlineRequired";

    /// <summary>{0} period, {1} scheme code: the deadline of a published period is not moved.</summary>
    public const string ExtendPublished = "ExtendPublished";

    /// <summary>{0} period, {1} scheme code: only an open period's intake is closed.</summary>
    public const string CloseStatus = "CloseStatus";

    /// <summary>{0} period, {1} scheme code: only a period whose intake is closed is reopened.</summary>
    public const string ReopenStatus = "ReopenStatus";

    /// <summary>{0} period, {1} scheme code: a published period is never reopened; its figures are corrected instead.</summary>
    public const string ReopenPublished = "ReopenPublished";

    /// <summary>{0} period, {1} number of figures missing: publishing needs a choice of how they count (scheme's rule or zero).</summary>
    public const string MissingRuleRequired = "MissingRuleRequired";

    /// <summary>{0} the rule given: expected "scheme" or "zero".</summary>
    public const string MissingRuleUnknown = "MissingRuleUnknown";

    /// <summary>{0} the id given: not a time zone this machine knows (an IANA id like Asia/Shanghai).</summary>
    public const string TimeZoneUnknown = "TimeZoneUnknown";

    /// <summary>{0} file name, {1} the kinds of file taken: the content is none of them (whatever the name says).</summary>
    public const string EvidenceType = "EvidenceType";

    /// <summary>{0} file name, {1} size in bytes, {2} the largest size taken in bytes.</summary>
    public const string EvidenceTooLarge = "EvidenceTooLarge";

    /// <summary>{0} file name: the file is empty.</summary>
    public const string EvidenceEmpty = "EvidenceEmpty";

    /// <summary>{0} entity: evidence is attached to a figure, a correction or an adjustment only.</summary>
    public const string EvidenceEntity = "EvidenceEntity";

    /// <summary>{0} id: no such evidence file (or its content is gone from the folder).</summary>
    public const string NoEvidence = "NoEvidence";

    /// <summary>{0} points: bonus or penalty points must be a finite number other than 0.</summary>
    public const string AdjustmentPoints = "AdjustmentPoints";

    /// <summary>A bonus or penalty item needs a reason.</summary>
    public const string AdjustmentReason = "AdjustmentReason";

    /// <summary>{0} period, {1} scheme code, {2} an example of the scheme's periods: not a period of the scheme's frequency.</summary>
    public const string AdjustmentPeriod = "AdjustmentPeriod";

    /// <summary>{0} node code, {1} scheme code: not the total, a group or an indicator of the scheme's current version.</summary>
    public const string AdjustmentNode = "AdjustmentNode";

    /// <summary>{0} period, {1} scheme code: the period is published; its bonus and penalty items are final (correct the results instead).</summary>
    public const string AdjustmentPublished = "AdjustmentPublished";

    /// <summary>{0} user, {1} item id: nobody approves or rejects an item they proposed.</summary>
    public const string AdjustmentFourEyes = "AdjustmentFourEyes";

    /// <summary>{0} item id, {1} status (proposed, approved, rejected, withdrawn): only proposed items are approved, rejected or withdrawn.</summary>
    public const string AdjustmentStatus = "AdjustmentStatus";

    /// <summary>{0} item id: rejecting needs a comment.</summary>
    public const string AdjustmentRejectComment = "AdjustmentRejectComment";

    /// <summary>{0} user, {1} item id: only the proposer withdraws an item.</summary>
    public const string AdjustmentNotProposer = "AdjustmentNotProposer";

    /// <summary>{0} id: no such bonus or penalty item.</summary>
    public const string NoAdjustment = "NoAdjustment";

    /// <summary>No figure to approve: nothing selected, or nothing in range for the filter.</summary>
    public const string NothingToApprove = "NothingToApprove";

    /// <summary>{0} number of figures, {1} most one bulk approval takes: narrow the filter.</summary>
    public const string TooManyToApprove = "TooManyToApprove";

    /// <summary>{0} scheme code: a scheme with this code exists already.</summary>
    public const string SchemeCodeTaken = "SchemeCodeTaken";

    /// <summary>{0} unit code: a unit with this code exists already.</summary>
    public const string UnitCodeTaken = "UnitCodeTaken";

    /// <summary>{0} number of fields: a new scheme's form has errors, each beside its field (<see cref="SchemeDraftException.Errors"/>).</summary>
    public const string SchemeDraftInvalid = "SchemeDraftInvalid";

    /// <summary>{0} unit code: a data source must be a department (部门).</summary>
    public const string NotDepartment = "NotDepartment";

    /// <summary>{0} indicator code: a derived indicator is computed, not supplied by a department.</summary>
    public const string DerivedNoSource = "DerivedNoSource";

    /// <summary>{0} number of errors: an indicator list file has errors, each named by sheet, line and column (<see cref="Saima.Data.Intake.IndicatorSheetException.Errors"/>).</summary>
    public const string IndicatorFileInvalid = "IndicatorFileInvalid";

    /// <summary>{0} field: a unit needs a code, a name (or a scheme copy a code and name).</summary>
    public const string Required = "Required";

    /// <summary>{0} owner's user name: one makes personal API tokens for oneself only.</summary>
    public const string TokenNotOwn = "TokenNotOwn";

    /// <summary>{0} longest name: a token's name has 1 to {0} characters and no control characters.</summary>
    public const string TokenName = "TokenName";

    /// <summary>{0} longest lifetime in days: a token lives 1 to {0} days, or does not expire.</summary>
    public const string TokenDays = "TokenDays";

    /// <summary>{0} most live tokens: the user holds that many; revoke one first.</summary>
    public const string TokenLimit = "TokenLimit";

    /// <summary>{0} file name, {1} what is wrong (English): an uploaded file cannot be read (damaged ZIP or XML, not an Excel file, bad encoding); the reason names the part.</summary>
    public const string FileUnreadable = "FileUnreadable";

    /// <summary>{0} file name, {1} the limit passed (rows, columns, cells, bytes), {2} the limit, {3} the place (sheet and row or cell): an upload is beyond the intake limits and was refused before it was read.</summary>
    public const string FileLimit = "FileLimit";

    /// <summary>{0} number of errors not listed: an upload had more errors than are shown.</summary>
    public const string MoreErrors = "MoreErrors";

    /// <summary>{0} cell (e.g. F12): a formula cell carries no computed value (the file was written by a program that does not calculate); open and save it in Excel or WPS, or type the value.</summary>
    public const string FormulaNoValue = "FormulaNoValue";

    /// <summary>{0} sheet, {1} header row, {2} rows with no value: an upload has a header but no figures under it.</summary>
    public const string NoFigures = "NoFigures";

    /// <summary>{0} figure key: another entry or import stored the same figure at the same moment; nothing of this batch was stored, try again.</summary>
    public const string EntryClash = "EntryClash";

    /// <summary>{0} figure key: the figure was changed by someone else since it was read (e.g. approved and returned at once); reload it and decide again.</summary>
    public const string FigureChanged = "FigureChanged";

    /// <summary>{0} number of fields: an on-site evaluation session (or its judges) is malformed, each error beside its field (<see cref="ArenaInvalidException.Errors"/>).</summary>
    public const string ArenaInvalid = "ArenaInvalid";

    /// <summary>{0} session code: an on-site evaluation session with this code exists already.</summary>
    public const string ArenaCodeTaken = "ArenaCodeTaken";

    /// <summary>{0} session code: no such on-site evaluation session.</summary>
    public const string NoArenaSession = "NoArenaSession";

    /// <summary>{0} session code, {1} unit code: the unit is not a contestant of the session.</summary>
    public const string ArenaNotContestant = "ArenaNotContestant";

    /// <summary>{0} session code, {1} unit code, {2} state (pending, open, closed): the round is not in a state that allows this (opening a closed round, a ballot outside an open round).</summary>
    public const string ArenaRoundState = "ArenaRoundState";

    /// <summary>{0} session code: the session is published; its results are frozen.</summary>
    public const string ArenaPublished = "ArenaPublished";

    /// <summary>{0} session code, {1} the contestants (unit codes, comma separated) whose rounds are not closed.</summary>
    public const string ArenaRoundsNotClosed = "ArenaRoundsNotClosed";

    /// <summary>The judge's token is unknown, or the judge was voided.</summary>
    public const string ArenaJudgeToken = "ArenaJudgeToken";

    /// <summary>{0} session code: the judge's token belongs to another session.</summary>
    public const string ArenaOtherSession = "ArenaOtherSession";

    /// <summary>{0} session code, {1} unit code: a judge never rates the unit it belongs to.</summary>
    public const string ArenaOwnUnit = "ArenaOwnUnit";

    /// <summary>{0} period, {1} scheme code: the period the session's points go into is not open for figures.</summary>
    public const string ArenaPeriodNotOpen = "ArenaPeriodNotOpen";

    /// <summary>{0} session code, {1} judge id: no such judge in the session.</summary>
    public const string NoArenaJudge = "NoArenaJudge";

    /// <summary>{0} judge id: voiding a judge needs a reason.</summary>
    public const string ArenaVoidReason = "ArenaVoidReason";

    /// <summary>{0} judge id: the judge is voided already.</summary>
    public const string ArenaJudgeVoided = "ArenaJudgeVoided";

    /// <summary>{0} session code, {1} item (unit code), {2} the figure door's code, {3} its English text: publishing the session's points as figures was refused.</summary>
    public const string ArenaPointsRefused = "ArenaPointsRefused";

    /// <summary>{0} period, {1} scheme code: the period is not published (or has no results), so there is nothing published to report.</summary>
    public const string PeriodNotPublished = "PeriodNotPublished";

    /// <summary>{0} what is wrong (English): the annual rule (composite, grades, awards) is not valid.</summary>
    public const string AnnualRuleInvalid = "AnnualRuleInvalid";

    /// <summary>{0} document kind: not a kind of document that can be issued (circular, feedback, annual).</summary>
    public const string DocumentKind = "DocumentKind";

    /// <summary>{0} document id: no such issued document, or not one the actor may read.</summary>
    public const string NoDocument = "NoDocument";

    /// <summary>{0} the format given, {1} the formats the document has: a document was asked for in a format it does not have (or in none).</summary>
    public const string DocumentFormat = "DocumentFormat";

    /// <summary>{0} the field (text, number), {1} the most characters it may have: a text the office wrote for a document is too long.</summary>
    public const string DocumentText = "DocumentText";

    /// <summary>{0} number of fields: a list item (or measure) is malformed, each error beside its field (<see cref="ListInvalidException.Errors"/>).</summary>
    public const string ListInvalid = "ListInvalid";

    /// <summary>{0} item id: no such list item (or none the user may see).</summary>
    public const string NoListItem = "NoListItem";

    /// <summary>{0} measure id: no such rectification measure.</summary>
    public const string NoListMeasure = "NoListMeasure";

    /// <summary>{0} user, {1} item id: the item is not of the user's unit (neither owned nor co-owned), or the role only reads lists.</summary>
    public const string ListScope = "ListScope";

    /// <summary>{0} item id, {1} state (draft, open, in_progress, submitted, returned, closed, confirmed, dismissed), {2} action: not allowed in this state.</summary>
    public const string ListState = "ListState";

    /// <summary>{0} item id: returning, dismissing or reopening needs a reason.</summary>
    public const string ListReason = "ListReason";

    /// <summary>{0} item id: submitting for close-out needs an evidence file or a written account.</summary>
    public const string ListNoEvidence = "ListNoEvidence";

    /// <summary>{0} user, {1} item id: only the owner unit submits an item for close-out (co-owners contribute measures and comments).</summary>
    public const string ListNotOwner = "ListNotOwner";

    /// <summary>{0} file name, {1} number of errors, {2} first row, {3} first column: an item list file has errors; nothing was stored (<see cref="ListImportException.Errors"/>).</summary>
    public const string ListImportInvalid = "ListImportInvalid";

    /// <summary>{0} number of fields: a batch, project or investment figure is malformed, each error beside its field (<see cref="ProjectInvalidException.Errors"/>).</summary>
    public const string ProjectInvalid = "ProjectInvalid";

    /// <summary>{0} project id: no such major project (or none the user may see).</summary>
    public const string NoProject = "NoProject";

    /// <summary>{0} user, {1} project id: the project is not of the user's unit, or the role only reads projects.</summary>
    public const string ProjectScope = "ProjectScope";

    /// <summary>{0} project id, {1} state (active, closed), {2} action: not allowed in this state.</summary>
    public const string ProjectState = "ProjectState";

    /// <summary>{0} project id, {1} stage (signed, started, finished): the stages are reached in order (签约 → 开工 → 投产/竣工), on days not before the stage before and not in the future; only the last stage reached is returned.</summary>
    public const string ProjectStageOrder = "ProjectStageOrder";

    /// <summary>{0} project id, {1} stage: recording a stage reached needs an evidence file of the stage.</summary>
    public const string ProjectNoEvidence = "ProjectNoEvidence";

    /// <summary>{0} project code: a project with this code exists already.</summary>
    public const string ProjectCodeTaken = "ProjectCodeTaken";

    /// <summary>{0} project id: returning a stage needs a reason.</summary>
    public const string ProjectReason = "ProjectReason";

    /// <summary>{0} file name, {1} number of errors, {2} first row, {3} first column: a project list file has errors; nothing was stored (<see cref="ProjectImportException.Errors"/>).</summary>
    public const string ProjectImportInvalid = "ProjectImportInvalid";

    /// <summary>{0} indicator code, {1} scheme code: not an indicator of the scheme fed by a list outcome.</summary>
    public const string NoIndicatorFeed = "NoIndicatorFeed";

    /// <summary>{0} period, {1} unit code, {2} indicator code, {3} the figure door's code, {4} its English text: entering a list outcome as a figure was refused.</summary>
    public const string ListFigureRefused = "ListFigureRefused";

    /// <summary>{0} period, {1} scheme code: list outcomes are filled into an open period only.</summary>
    public const string ListFigurePeriod = "ListFigurePeriod";

    /// <summary>{0} number of rules with errors: escalation rules are malformed (level yellow or red, 1 to 12 periods in a row, points from −100 to 100, an action of 1 to 50 characters, at most 20 rules).</summary>
    public const string EscalationInvalid = "EscalationInvalid";

    /// <summary>{0} user, {1} unit code: only the office, or a reviewer for a unit within its own, may adopt targets for the unit.</summary>
    public const string AnalysisScope = "AnalysisScope";

    /// <summary>{0} what is wrong (English): an analysis setting, adopted target or external benchmark is not valid.</summary>
    public const string AnalysisInvalid = "AnalysisInvalid";

    /// <summary>{0} session code: the board's choice of live scores or scores at the end is fixed once every round is closed.</summary>
    public const string ArenaBoardFixed = "ArenaBoardFixed";

    /// <summary>{0} unit code, {1} scheme code: a named peer must be a unit taking part in the same scheme.</summary>
    public const string PeerNotInScheme = "PeerNotInScheme";

    /// <summary>{0} unit code: a unit cannot be named its own peer.</summary>
    public const string PeerSelf = "PeerSelf";

    /// <summary>{0} peers named, {1} the most allowed: too many peers named for one unit.</summary>
    public const string PeersTooMany = "PeersTooMany";

    /// <summary>{0} what is wrong (English): an external benchmark lacks its place, a scheme indicator, a period or year, a finite value or a source, or repeats one entered.</summary>
    public const string BenchmarkInvalid = "BenchmarkInvalid";
}

/// <summary>Publication refused: some current figures of the period are not approved yet.</summary>
public sealed class OutstandingFiguresException(string period, IReadOnlyList<OutstandingFigure> outstanding)
    : WorkflowException(WorkflowCodes.Outstanding, Describe(period, outstanding), period, outstanding.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
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
