using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>A project as given (the form, the import): the batch by id, the owner by unit code, days in the office's zone, investment in 万元.</summary>
public sealed record ProjectSpec(
    long BatchId, string? Code, string? Name, string? OwnerUnit, string? Category, double? PlannedInvestment,
    DateOnly? SignedPlanned, DateOnly? StartedPlanned, DateOnly? FinishedPlanned);

/// <summary>A batch, project or investment figure is malformed: every error by field.</summary>
public sealed class ProjectInvalidException(IReadOnlyList<ListError> errors)
    : WorkflowException(WorkflowCodes.ProjectInvalid, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors.Count.ToString(CultureInfo.InvariantCulture))
{
    public IReadOnlyList<ListError> Errors { get; } = errors;
}

/// <summary>What the project list shows: filters (all optional), the search text, and the page.</summary>
public sealed record ProjectFilter
{
    public long? BatchId { get; init; }

    /// <summary>Projects of this owner unit (code).</summary>
    public string? Unit { get; init; }

    public ProjectState? State { get; init; }

    /// <summary>Only projects with a stage past its planned day and not reached.</summary>
    public bool OverdueOnly { get; init; }

    /// <summary>Words in the code, name or category.</summary>
    public string? Search { get; init; }

    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;

    /// <summary>Rows to skip in the list's order (the API's cursor); when set, <see cref="Page"/> is not used.</summary>
    public int? Offset { get; init; }
}

/// <summary>A project as the list shows it, with the year's planned and done investment (万元) and the overdue flag.</summary>
public sealed record ProjectRow(
    long Id, string Code, string Name, string BatchName, string OwnerCode, string OwnerName, string? Category, double PlannedInvestment,
    ProjectState State, DateOnly? SignedOn, DateOnly? StartedOn, DateOnly? FinishedOn, double YearPlanned, double YearDone, bool Overdue)
{
    /// <summary>Done ÷ planned this year (null when nothing is planned).</summary>
    public double? Rate => YearPlanned > 0 ? YearDone / YearPlanned : null;

    /// <summary>The last stage reached, or null.</summary>
    public ProjectStage? Stage => FinishedOn is not null ? ProjectStage.Finished : StartedOn is not null ? ProjectStage.Started : SignedOn is not null ? ProjectStage.Signed : null;
}

/// <summary>A page of projects: the rows, how many match in all, the page and its size.</summary>
public sealed record ProjectPage(IReadOnlyList<ProjectRow> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>A batch with how many projects it has (those the actor sees), how many are closed out and overdue.</summary>
public sealed record ProjectBatchRow(long Id, string Name, DateOnly ShownOn, int Projects, int Closed, int Overdue);

/// <summary>What the actor may do with a project now (the page shows these only; the door checks again).</summary>
public sealed record ProjectRights(bool Report, bool Plan, bool Stage, bool Evidence, bool ReturnStage, bool CloseOut);

/// <summary>A stage of a project as the timeline shows it.</summary>
public sealed record ProjectStageView(ProjectStage Stage, DateOnly? Planned, DateOnly? Reached, bool Overdue);

/// <summary>One project with everything its page shows.</summary>
public sealed record ProjectView(
    Project Project, string BatchName, string OwnerCode, string OwnerName, IReadOnlyList<ProjectStageView> Stages,
    IReadOnlyList<ProjectInvestment> Investments, IReadOnlyList<ProjectEvidence> Evidence, IReadOnlyList<AuditEntry> History, ProjectRights Rights);

/// <summary>
/// Major projects (重大项目), one door per use case. The office creates batches, adds and
/// imports projects, sets the monthly investment plan, returns a stage recorded in error and
/// closes projects out (销号) once they are in production or completed. The owner unit's
/// reporters and reviewers report the investment done each month, add evidence and record the
/// stages reached (签约 → 开工 → 投产/竣工), each with its day and an evidence file. Leaders read
/// everything and change nothing; other units see nothing of the project. Every change is
/// audited as entity <see cref="Entity"/> with the project's id as key.
/// </summary>
public sealed class ProjectService(SaimaDb db, TimeProvider clock)
{
    /// <summary>The audit entity of projects (key: the project's id).</summary>
    public const string Entity = "project";

    /// <summary>The audit entity of batches (key: the batch's id).</summary>
    public const string BatchEntity = "project_batch";

    /// <summary>Longest code.</summary>
    public const int MaxCode = 50;

    /// <summary>Largest page of a list.</summary>
    public const int MaxPageSize = 200;

    /// <summary>Most batches listed.</summary>
    public const int MaxBatches = 100;

    /// <summary>Largest investment of a project or a month, 万元 (a trillion yuan).</summary>
    public const double MaxInvestment = 1e8;

    /// <summary>The stage as the audit trail and the refusals write it.</summary>
    public static string Text(ProjectStage stage) => stage.ToString().ToLowerInvariant();

    /// <summary>The state as the audit trail and the refusals write it.</summary>
    public static string Text(ProjectState state) => state.ToString().ToLowerInvariant();

    /// <summary>Today in the office's zone.</summary>
    public Task<DateOnly> TodayAsync(CancellationToken cancel = default) => new ListService(db, clock).TodayAsync(cancel);

    /// <summary>Creates a batch (office only): a name unique among batches, the day it was shown.</summary>
    public async Task<ProjectBatch> CreateBatchAsync(Actor actor, string? name, DateOnly shownOn, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("create project batches");
        string? n = ListService.Clean(name);
        if (n is null || n.Length > ListService.MaxShort)
        {
            throw new ProjectInvalidException([new("name", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {ListService.MaxShort} characters"))]);
        }

        if (await db.ProjectBatches.AnyAsync(b => b.Name == n, cancel).ConfigureAwait(false))
        {
            throw new ProjectInvalidException([new("name", $"a batch '{n}' exists already")]);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        var batch = new ProjectBatch { Name = n, ShownOn = shownOn, CreatedAt = now, CreatedBy = actor.Name };
        db.ProjectBatches.Add(batch);
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", BatchEntity, AuditLog.Text(batch.Id), "name", null, n));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return batch;
    }

    /// <summary>Adds a project to a batch (office only). Malformed: <see cref="ProjectInvalidException"/>; a code taken: <see cref="WorkflowCodes.ProjectCodeTaken"/>.</summary>
    public async Task<Project> AddAsync(Actor actor, ProjectSpec spec, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(spec);
        actor.RequireOffice("add major projects");
        string ownerCode = ListService.Clean(spec.OwnerUnit) ?? string.Empty;
        var units = await db.Units.AsNoTracking().Where(u => u.Code == ownerCode).Select(u => new { u.Id, u.Code }).ToListAsync(cancel).ConfigureAwait(false);
        bool batch = await db.ProjectBatches.AnyAsync(b => b.Id == spec.BatchId, cancel).ConfigureAwait(false);
        List<ListError> errors = Check(spec, batch, units.Count == 1 ? units[0].Id : null);
        if (errors.Count > 0)
        {
            throw new ProjectInvalidException(errors);
        }

        string code = spec.Code!.Trim();
        if (await db.Projects.AnyAsync(p => p.Code == code, cancel).ConfigureAwait(false))
        {
            throw new WorkflowException(WorkflowCodes.ProjectCodeTaken, $"a project with code '{code}' exists already", code);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        Project p = New(actor, spec, units[0].Id, now);
        db.Projects.Add(p);
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        db.Audit.Add(AuditLog.Entry(now, actor, "create", Entity, Key(p), "state", null, Text(p.State), p.Code + " " + p.Name));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return p;
    }

    /// <summary>Sets the investment planned for a month (yyyy-MM, 万元; office only), before the project is closed out.</summary>
    public async Task<ProjectInvestment> SetPlanAsync(Actor actor, long id, string? month, double planned, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("set investment plans");
        Project p = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireActive(p, "set the plan");
        string m = CheckMonth(month, null);
        CheckAmount("planned", planned);
        DateTimeOffset now = StoreTime.Now(clock);
        ProjectInvestment row = await RowAsync(p.Id, m, actor, now, cancel).ConfigureAwait(false);
        db.Audit.Add(AuditLog.Entry(now, actor, "plan", Entity, Key(p), "planned:" + m, Amount(row.Planned), Amount(planned)));
        row.Planned = planned;
        row.UpdatedAt = now;
        row.UpdatedBy = actor.Name;
        p.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Reports the investment done in a month (yyyy-MM, 万元; the owner unit or the office), not a
    /// month after the current one, before the project is closed out.
    /// </summary>
    public async Task<ProjectInvestment> ReportInvestmentAsync(Actor actor, long id, string? month, double done, CancellationToken cancel = default)
    {
        Project p = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        RequireActive(p, "report investment");
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        string m = CheckMonth(month, today);
        CheckAmount("done", done);
        DateTimeOffset now = StoreTime.Now(clock);
        ProjectInvestment row = await RowAsync(p.Id, m, actor, now, cancel).ConfigureAwait(false);
        db.Audit.Add(AuditLog.Entry(now, actor, "invest", Entity, Key(p), "done:" + m, Amount(row.Done), Amount(done)));
        row.Done = done;
        row.UpdatedAt = now;
        row.UpdatedBy = actor.Name;
        p.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Adds an evidence file to a project (the owner unit or the office; before it is closed out),
    /// for a stage when given. Checked like figure evidence (<see cref="EvidenceStore.Sniff"/>).
    /// </summary>
    public async Task<ProjectEvidence> AddEvidenceAsync(Actor actor, long id, ProjectStage? stage, string fileName, Stream content, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        Project p = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        RequireActive(p, "add evidence");
        if (stage is { } s && !Enum.IsDefined(s))
        {
            throw new ProjectInvalidException([new("stage", "signed, started or finished")]);
        }

        (string name, string type, byte[] bytes) = await ReadFileAsync(fileName, content, cancel).ConfigureAwait(false);
        DateTimeOffset now = StoreTime.Now(clock);
        var row = new ProjectEvidence
        {
            ProjectId = p.Id, Stage = stage, FileName = name, ContentType = type, SizeBytes = bytes.LongLength,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Content = bytes, UploadedBy = actor.Name, UploadedAt = now,
        };
        db.ProjectEvidence.Add(row);
        p.UpdatedAt = now;
        db.Audit.Add(AuditLog.Entry(now, actor, "evidence", Entity, Key(p), "file", null,
            string.Create(CultureInfo.InvariantCulture, $"{name} ({type}, {bytes.LongLength} bytes, sha256 {row.Sha256})"), stage is { } st ? Text(st) : null));
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return row;
    }

    /// <summary>
    /// Records a stage reached on a day (the owner unit or the office): the stages in order
    /// (签约 → 开工 → 投产/竣工), a day not before the stage before and not after today, and an
    /// evidence file of the stage (added before, or given here and stored with it).
    /// </summary>
    public async Task<Project> RecordStageAsync(Actor actor, long id, ProjectStage stage, DateOnly on, string? fileName = null, Stream? content = null, CancellationToken cancel = default)
    {
        Project p = await LoadForActAsync(actor, id, cancel).ConfigureAwait(false);
        RequireActive(p, "record a stage");
        if (!Enum.IsDefined(stage))
        {
            throw new ProjectInvalidException([new("stage", "signed, started or finished")]);
        }

        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        bool inOrder = p.Reached(stage) is null
            && (stage == ProjectStage.Signed || p.Reached(stage - 1) is { } before && before <= on)
            && on <= today;
        if (!inOrder)
        {
            throw new WorkflowException(WorkflowCodes.ProjectStageOrder,
                $"project {Key(p)}: stage {Text(stage)} is reached once, after the stage before, on a day not after today ({ListService.DateText(today)})", Key(p), Text(stage));
        }

        DateTimeOffset now = StoreTime.Now(clock);
        if (content is not null)
        {
            (string name, string type, byte[] bytes) = await ReadFileAsync(fileName ?? "evidence", content, cancel).ConfigureAwait(false);
            var row = new ProjectEvidence
            {
                ProjectId = p.Id, Stage = stage, FileName = name, ContentType = type, SizeBytes = bytes.LongLength,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Content = bytes, UploadedBy = actor.Name, UploadedAt = now,
            };
            db.ProjectEvidence.Add(row);
            db.Audit.Add(AuditLog.Entry(now, actor, "evidence", Entity, Key(p), "file", null,
                string.Create(CultureInfo.InvariantCulture, $"{name} ({type}, {bytes.LongLength} bytes, sha256 {row.Sha256})"), Text(stage)));
        }
        else if (!await db.ProjectEvidence.AnyAsync(e => e.ProjectId == p.Id && e.Stage == stage, cancel).ConfigureAwait(false))
        {
            throw new WorkflowException(WorkflowCodes.ProjectNoEvidence, $"project {Key(p)}: stage {Text(stage)} is recorded with an evidence file of the stage", Key(p), Text(stage));
        }

        db.Audit.Add(AuditLog.Entry(now, actor, "stage", Entity, Key(p), "stage:" + Text(stage), null, ListService.DateText(on)));
        p.SetReached(stage, on);
        p.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return p;
    }

    /// <summary>Returns the last stage recorded (office only) with a reason: its day is cleared, its evidence stays.</summary>
    public async Task<Project> ReturnStageAsync(Actor actor, long id, ProjectStage stage, string? reason, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("return project stages");
        Project p = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireActive(p, "return a stage");
        bool last = Enum.IsDefined(stage) && p.Reached(stage) is not null && (stage == ProjectStage.Finished || p.Reached(stage + 1) is null);
        if (!last)
        {
            throw new WorkflowException(WorkflowCodes.ProjectStageOrder, $"project {Key(p)}: only the last stage reached is returned, not {Text(stage)}", Key(p), Text(stage));
        }

        string? why = ListService.Clean(reason);
        if (why is null)
        {
            throw new WorkflowException(WorkflowCodes.ProjectReason, $"project {Key(p)}: a reason is needed", Key(p));
        }

        if (why.Length > ListService.MaxLong)
        {
            throw new ProjectInvalidException([new("reason", string.Create(CultureInfo.InvariantCulture, $"at most {ListService.MaxLong} characters"))]);
        }

        DateTimeOffset now = StoreTime.Now(clock);
        db.Audit.Add(AuditLog.Entry(now, actor, "return", Entity, Key(p), "stage:" + Text(stage), ListService.DateText(p.Reached(stage)), null, why));
        p.SetReached(stage, null);
        p.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return p;
    }

    /// <summary>Closes a project out (销号; office only) once it is in production or completed.</summary>
    public async Task<Project> CloseOutAsync(Actor actor, long id, string? note, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.RequireOffice("close major projects out");
        Project p = await LoadAsync(id, cancel).ConfigureAwait(false);
        RequireActive(p, "close out");
        if (p.FinishedOn is null)
        {
            throw new WorkflowException(WorkflowCodes.ProjectStageOrder, $"project {Key(p)} is closed out once stage finished is reached", Key(p), Text(ProjectStage.Finished));
        }

        DateTimeOffset now = StoreTime.Now(clock);
        db.Audit.Add(AuditLog.Entry(now, actor, "close", Entity, Key(p), "state", Text(p.State), Text(ProjectState.Closed), ListService.Clean(note)));
        p.State = ProjectState.Closed;
        p.ClosedAt = now;
        p.ClosedBy = actor.Name;
        p.UpdatedAt = now;
        await db.SaveChangesAsync(cancel).ConfigureAwait(false);
        return p;
    }

    /// <summary>The batches (at most <see cref="MaxBatches"/>, newest first) with the counts of the projects the actor sees.</summary>
    public async Task<IReadOnlyList<ProjectBatchRow>> BatchesAsync(Actor actor, CancellationToken cancel = default)
    {
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        IQueryable<Project> visible = Visible(actor);
        return await db.ProjectBatches.AsNoTracking().OrderByDescending(b => b.ShownOn).ThenByDescending(b => b.Id).Take(MaxBatches)
            .Select(b => new ProjectBatchRow(
                b.Id, b.Name, b.ShownOn,
                visible.Count(p => p.BatchId == b.Id),
                visible.Count(p => p.BatchId == b.Id && p.State == ProjectState.Closed),
                visible.Count(p => p.BatchId == b.Id && p.State == ProjectState.Active
                    && ((p.SignedOn == null && p.SignedPlanned < today) || (p.StartedOn == null && p.StartedPlanned < today) || (p.FinishedOn == null && p.FinishedPlanned < today)))))
            .ToListAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>A page of the projects the actor may see, filtered, by batch and code; the year's investment is today's year.</summary>
    public async Task<ProjectPage> ListAsync(Actor actor, ProjectFilter filter, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        IQueryable<Project> q = await FilteredAsync(actor, filter, today, cancel).ConfigureAwait(false);
        int size = Math.Clamp(filter.PageSize, 1, MaxPageSize);
        int total = await q.CountAsync(cancel).ConfigureAwait(false);
        int page = Math.Clamp(filter.Page, 1, Math.Max(1, (total + size - 1) / size));
        int skip = filter.Offset is int offset ? Math.Max(0, offset) : (page - 1) * size;
        List<ProjectRow> rows = await Rows(q.OrderBy(p => p.BatchId).ThenBy(p => p.Code).ThenBy(p => p.Id).Skip(skip).Take(size), today)
            .ToListAsync(cancel).ConfigureAwait(false);
        return new ProjectPage(rows, total, page, size);
    }

    /// <summary>One project with its stages, months, evidence (without content), history and what the actor may do.</summary>
    public async Task<ProjectView> GetAsync(Actor actor, long id, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        Project p = await Visible(actor).SingleOrDefaultAsync(x => x.Id == id, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoProject, $"project {AuditLog.Text(id)} does not exist or is not of {actor}'s unit", AuditLog.Text(id));
        DateOnly today = await TodayAsync(cancel).ConfigureAwait(false);
        string batch = await db.ProjectBatches.AsNoTracking().Where(b => b.Id == p.BatchId).Select(b => b.Name).SingleAsync(cancel).ConfigureAwait(false);
        var owner = await db.Units.AsNoTracking().Where(u => u.Id == p.OwnerUnitId).Select(u => new { u.Code, u.Name }).SingleAsync(cancel).ConfigureAwait(false);
        List<ProjectInvestment> months = await db.ProjectInvestments.AsNoTracking().Where(x => x.ProjectId == id)
            .OrderByDescending(x => x.Month).Take(120).ToListAsync(cancel).ConfigureAwait(false);
        months.Reverse();
        List<ProjectEvidence> evidence = await db.ProjectEvidence.AsNoTracking().Where(e => e.ProjectId == id).OrderBy(e => e.Id).Take(200)
            .Select(e => new ProjectEvidence
            {
                Id = e.Id, ProjectId = e.ProjectId, Stage = e.Stage, FileName = e.FileName, ContentType = e.ContentType, SizeBytes = e.SizeBytes,
                Sha256 = e.Sha256, UploadedBy = e.UploadedBy, UploadedAt = e.UploadedAt,
            }).ToListAsync(cancel).ConfigureAwait(false);
        string key = Key(p);
        List<AuditEntry> history = await db.Audit.AsNoTracking().Where(a => a.Entity == Entity && a.EntityKey == key)
            .OrderByDescending(a => a.Id).Take(500).ToListAsync(cancel).ConfigureAwait(false);
        history.Reverse();
        ProjectStageView[] stages = [.. Enum.GetValues<ProjectStage>().Select(s => new ProjectStageView(s, p.Planned(s), p.Reached(s), p.State == ProjectState.Active && p.Reached(s) is null && p.Planned(s) < today))];
        return new ProjectView(p, batch, owner.Code, owner.Name, stages, months, evidence, history, Rights(actor, p));
    }

    /// <summary>An evidence file of a project the actor may see, with its bytes.</summary>
    public async Task<ProjectEvidence> ReadEvidenceAsync(Actor actor, long evidenceId, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        ProjectEvidence row = await db.ProjectEvidence.AsNoTracking().SingleOrDefaultAsync(e => e.Id == evidenceId, cancel).ConfigureAwait(false)
            ?? throw new NotFoundException(WorkflowCodes.NoEvidence, $"evidence file {AuditLog.Text(evidenceId)} does not exist", AuditLog.Text(evidenceId));
        if (!await Visible(actor).AnyAsync(p => p.Id == row.ProjectId, cancel).ConfigureAwait(false))
        {
            throw new NotFoundException(WorkflowCodes.NoEvidence, $"evidence file {AuditLog.Text(evidenceId)} does not exist", AuditLog.Text(evidenceId));
        }

        return row;
    }

    /// <summary>What an actor may do with a project in its state.</summary>
    public static ProjectRights Rights(Actor actor, Project project)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(project);
        bool office = actor.Role == ActorRole.Office;
        bool owner = actor.Role is ActorRole.Reporter or ActorRole.Reviewer or ActorRole.DepartmentReporter && actor.UnitId == project.OwnerUnitId;
        bool active = project.State == ProjectState.Active;
        bool acts = (office || owner) && active;
        return new ProjectRights(
            Report: acts, Plan: office && active, Stage: acts && project.FinishedOn is null, Evidence: acts,
            ReturnStage: office && active && project.SignedOn is not null, CloseOut: office && active && project.FinishedOn is not null);
    }

    /// <summary>The projects the actor may see: all for the office, leaders and reviewers of no unit; a unit's own for the others.</summary>
    public IQueryable<Project> Visible(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.UnitId is not { } unit || actor.Role is ActorRole.Office or ActorRole.Leader
            ? db.Projects.AsNoTracking()
            : db.Projects.AsNoTracking().Where(p => p.OwnerUnitId == unit);
    }

    /// <summary>A project's key in the audit trail.</summary>
    internal static string Key(Project p) => AuditLog.Text(p.Id);

    /// <summary>Checks a project as given: the errors by field (the import names them by column).</summary>
    internal static List<ListError> Check(ProjectSpec spec, bool batchExists, long? owner)
    {
        var errors = new List<ListError>();
        if (!batchExists)
        {
            errors.Add(new("batch", "no such batch"));
        }

        string? code = ListService.Clean(spec.Code);
        if (code is null || code.Length > MaxCode)
        {
            errors.Add(new("code", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {MaxCode} characters")));
        }

        string? name = ListService.Clean(spec.Name);
        if (name is null || name.Length > ListService.MaxShort)
        {
            errors.Add(new("name", string.Create(CultureInfo.InvariantCulture, $"required: 1 to {ListService.MaxShort} characters")));
        }

        if (owner is null)
        {
            errors.Add(new("owner", ListService.Clean(spec.OwnerUnit) is { } o ? $"no unit '{o}'" : "required: a unit code"));
        }

        if (spec.Category is { Length: > ListService.MaxShort })
        {
            errors.Add(new("category", string.Create(CultureInfo.InvariantCulture, $"at most {ListService.MaxShort} characters")));
        }

        if (spec.PlannedInvestment is not double total || !double.IsFinite(total) || total < 0 || total > MaxInvestment)
        {
            errors.Add(new("investment", string.Create(CultureInfo.InvariantCulture, $"required: 0 to {MaxInvestment} (万元)")));
        }

        if ((spec.SignedPlanned, spec.StartedPlanned) is ({ } a, { } b) && b < a
            || (spec.StartedPlanned, spec.FinishedPlanned) is ({ } c, { } d) && d < c
            || (spec.SignedPlanned, spec.FinishedPlanned) is ({ } e, { } f) && f < e)
        {
            errors.Add(new("stages", "planned days in order: signing, start, production or completion"));
        }

        return errors;
    }

    internal static Project New(Actor actor, ProjectSpec spec, long owner, DateTimeOffset now) => new()
    {
        BatchId = spec.BatchId,
        Code = spec.Code!.Trim(),
        Name = spec.Name!.Trim(),
        OwnerUnitId = owner,
        Category = ListService.Clean(spec.Category),
        PlannedInvestment = spec.PlannedInvestment ?? 0,
        State = ProjectState.Active,
        SignedPlanned = spec.SignedPlanned,
        StartedPlanned = spec.StartedPlanned,
        FinishedPlanned = spec.FinishedPlanned,
        CreatedAt = now,
        CreatedBy = actor.Name,
        UpdatedAt = now,
    };

    /// <summary>An amount as the audit trail writes it.</summary>
    internal static string? Amount(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>The months of a year as the investment rows write them (2025-01 … 2025-12), up to a month when given.</summary>
    internal static string[] Months(int year, int upTo = 12) =>
        [.. Enumerable.Range(1, upTo).Select(m => string.Create(CultureInfo.InvariantCulture, $"{year:0000}-{m:00}"))];

    private IQueryable<ProjectRow> Rows(IQueryable<Project> q, DateOnly today)
    {
        string[] year = Months(today.Year);
        return from p in q
               join u in db.Units.AsNoTracking() on p.OwnerUnitId equals u.Id
               join b in db.ProjectBatches.AsNoTracking() on p.BatchId equals b.Id
               select new ProjectRow(
                   p.Id, p.Code, p.Name, b.Name, u.Code, u.Name, p.Category, p.PlannedInvestment, p.State, p.SignedOn, p.StartedOn, p.FinishedOn,
                   db.ProjectInvestments.Where(x => x.ProjectId == p.Id && year.Contains(x.Month)).Sum(x => x.Planned ?? 0),
                   db.ProjectInvestments.Where(x => x.ProjectId == p.Id && year.Contains(x.Month)).Sum(x => x.Done ?? 0),
                   p.State == ProjectState.Active
                       && ((p.SignedOn == null && p.SignedPlanned < today) || (p.StartedOn == null && p.StartedPlanned < today) || (p.FinishedOn == null && p.FinishedPlanned < today)));
    }

    private async Task<IQueryable<Project>> FilteredAsync(Actor actor, ProjectFilter filter, DateOnly today, CancellationToken cancel)
    {
        actor.Validate();
        IQueryable<Project> q = Visible(actor);
        if (filter.BatchId is { } batch)
        {
            q = q.Where(p => p.BatchId == batch);
        }

        if (filter.State is { } state)
        {
            q = q.Where(p => p.State == state);
        }

        if (ListService.Clean(filter.Unit) is { } code)
        {
            long unit = await db.Units.AsNoTracking().Where(u => u.Code == code).Select(u => (long?)u.Id).SingleOrDefaultAsync(cancel).ConfigureAwait(false) ?? -1;
            q = q.Where(p => p.OwnerUnitId == unit);
        }

        if (filter.OverdueOnly)
        {
            q = q.Where(p => p.State == ProjectState.Active
                && ((p.SignedOn == null && p.SignedPlanned < today) || (p.StartedOn == null && p.StartedPlanned < today) || (p.FinishedOn == null && p.FinishedPlanned < today)));
        }

        if (ListService.Clean(filter.Search) is { } words)
        {
            string like = "%" + words.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            q = q.Where(p => EF.Functions.Like(p.Code, like, "\\") || EF.Functions.Like(p.Name, like, "\\") || EF.Functions.Like(p.Category ?? string.Empty, like, "\\"));
        }

        return q;
    }

    private async Task<Project> LoadAsync(long id, CancellationToken cancel) =>
        await db.Projects.SingleOrDefaultAsync(p => p.Id == id, cancel).ConfigureAwait(false)
        ?? throw new NotFoundException(WorkflowCodes.NoProject, $"project {AuditLog.Text(id)} does not exist", AuditLog.Text(id));

    /// <summary>The project, when the actor may act on it: the office, or a reporter, reviewer or department of its owner unit.</summary>
    private async Task<Project> LoadForActAsync(Actor actor, long id, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Validate();
        Project p = await LoadAsync(id, cancel).ConfigureAwait(false);
        bool mine = actor.Role == ActorRole.Office
            || (actor.UnitId is { } unit && actor.Role is ActorRole.Reporter or ActorRole.Reviewer or ActorRole.DepartmentReporter && p.OwnerUnitId == unit);
        return mine ? p
            : throw new AccessDeniedException(WorkflowCodes.ProjectScope, $"{actor} may not act on project {Key(p)}: it is not of the user's unit", actor.Name, Key(p));
    }

    private static void RequireActive(Project p, string action)
    {
        if (p.State != ProjectState.Active)
        {
            throw new WorkflowException(WorkflowCodes.ProjectState, $"project {Key(p)} is {Text(p.State)}; it cannot {action} now", Key(p), Text(p.State), action);
        }
    }

    private static string CheckMonth(string? month, DateOnly? today)
    {
        string m = month?.Trim() ?? string.Empty;
        if (!DateOnly.TryParseExact(m + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly first) || m.Length != 7)
        {
            throw new ProjectInvalidException([new("month", "a month like 2025-06")]);
        }

        if (today is { } t && first > new DateOnly(t.Year, t.Month, 1))
        {
            throw new ProjectInvalidException([new("month", $"not after the current month ({t.ToString("yyyy-MM", CultureInfo.InvariantCulture)})")]);
        }

        return m;
    }

    private static void CheckAmount(string field, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > MaxInvestment)
        {
            throw new ProjectInvalidException([new(field, string.Create(CultureInfo.InvariantCulture, $"0 to {MaxInvestment} (万元)"))]);
        }
    }

    private async Task<ProjectInvestment> RowAsync(long project, string month, Actor actor, DateTimeOffset now, CancellationToken cancel)
    {
        ProjectInvestment? row = await db.ProjectInvestments.SingleOrDefaultAsync(x => x.ProjectId == project && x.Month == month, cancel).ConfigureAwait(false);
        if (row is null)
        {
            row = new ProjectInvestment { ProjectId = project, Month = month, UpdatedAt = now, UpdatedBy = actor.Name };
            db.ProjectInvestments.Add(row);
        }

        return row;
    }

    private static async Task<(string Name, string Type, byte[] Bytes)> ReadFileAsync(string fileName, Stream content, CancellationToken cancel)
    {
        string name = Path.GetFileName((fileName ?? string.Empty).Trim());
        if (name.Length == 0)
        {
            name = "evidence";
        }

        if (name.Length > EvidenceStore.MaxName)
        {
            name = name[^EvidenceStore.MaxName..];
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancel).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > ListService.MaxEvidenceBytes)
            {
                throw new WorkflowException(WorkflowCodes.EvidenceTooLarge, $"file '{name}' is larger than {ListService.MaxEvidenceBytes} bytes",
                    name, buffer.Length.ToString(CultureInfo.InvariantCulture), ListService.MaxEvidenceBytes.ToString(CultureInfo.InvariantCulture));
            }
        }

        byte[] bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            throw new WorkflowException(WorkflowCodes.EvidenceEmpty, $"file '{name}' is empty", name);
        }

        string type = EvidenceStore.Sniff(bytes, name)
            ?? throw new WorkflowException(WorkflowCodes.EvidenceType, $"file '{name}' is not of a kind taken as evidence (its content was checked, not its name); expected {EvidenceStore.Expected}", name, EvidenceStore.Expected);
        return (name, type, bytes);
    }
}
