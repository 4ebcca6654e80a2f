using Microsoft.EntityFrameworkCore;

namespace Saima.Data;

/// <summary>The state of a major project: active until the office closes it out (销号).</summary>
public enum ProjectState
{
    Active = 0,
    Closed = 1,
}

/// <summary>The stages of a major project, in order: signed (签约), started (开工), in production or completed (投产/竣工).</summary>
public enum ProjectStage
{
    Signed = 0,
    Started = 1,
    Finished = 2,
}

/// <summary>A list outcome that feeds a scheme indicator's figures.</summary>
public enum ListOutcome
{
    /// <summary>Resolution rate (按期办结率, %): items closed out on or before their deadline ÷ items due, in the period.</summary>
    ResolutionRate = 0,

    /// <summary>Overdue items (逾期事项数) at the period's end: open after their deadline.</summary>
    OverdueCount = 1,

    /// <summary>Major projects started (开工项目数): stage 开工 reached in the period.</summary>
    ProjectsStarted = 2,

    /// <summary>Investment completion rate (投资完成率, %): done ÷ plan, cumulative from January to the period's last month.</summary>
    InvestmentRate = 3,
}

/// <summary>A batch of major projects (e.g. 第六批), shown on a day.</summary>
public sealed class ProjectBatch
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public DateOnly ShownOn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>A major project (重大项目) of a batch, with its owner unit, its investment and its stages (planned and actual days in the office's zone).</summary>
public sealed class Project
{
    public long Id { get; set; }
    public long BatchId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public long OwnerUnitId { get; set; }
    public string? Category { get; set; }

    /// <summary>Total planned investment, 万元.</summary>
    public double PlannedInvestment { get; set; }
    public ProjectState State { get; set; }
    public DateOnly? SignedPlanned { get; set; }
    public DateOnly? SignedOn { get; set; }
    public DateOnly? StartedPlanned { get; set; }
    public DateOnly? StartedOn { get; set; }
    public DateOnly? FinishedPlanned { get; set; }
    public DateOnly? FinishedOn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }

    /// <summary>The planned day of a stage.</summary>
    public DateOnly? Planned(ProjectStage stage) => stage switch
    {
        ProjectStage.Signed => SignedPlanned,
        ProjectStage.Started => StartedPlanned,
        _ => FinishedPlanned,
    };

    /// <summary>The day a stage was reached, or null.</summary>
    public DateOnly? Reached(ProjectStage stage) => stage switch
    {
        ProjectStage.Signed => SignedOn,
        ProjectStage.Started => StartedOn,
        _ => FinishedOn,
    };

    internal void SetReached(ProjectStage stage, DateOnly? day)
    {
        switch (stage)
        {
            case ProjectStage.Signed:
                SignedOn = day;
                break;
            case ProjectStage.Started:
                StartedOn = day;
                break;
            default:
                FinishedOn = day;
                break;
        }
    }
}

/// <summary>A project's investment of a month (yyyy-MM), planned and done, 万元.</summary>
public sealed class ProjectInvestment
{
    public long ProjectId { get; set; }
    public required string Month { get; set; }
    public double? Planned { get; set; }
    public double? Done { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>An evidence file of a project (and the stage it proves, if any); checked by content like figure evidence.</summary>
public sealed class ProjectEvidence
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public ProjectStage? Stage { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public byte[] Content { get; set; } = [];
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>A scheme indicator fed by a list outcome (and, for the item outcomes, by items of one kind only).</summary>
public sealed class IndicatorFeed
{
    public long SchemeId { get; set; }
    public required string Indicator { get; set; }
    public ListOutcome Outcome { get; set; }
    public ListKind? ListKind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>
/// An escalation rule of a scheme, as cities write them ("yellow twice in a row → 督办函 and −1
/// point"): a warning level (yellow, red) reached in <see cref="Times"/> published periods in a row
/// by a unit on an indicator makes a supervision item with the action, and the points (negative:
/// a deduction) as an approved adjustment of the period after.
/// </summary>
public sealed class EscalationRule
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public required string Level { get; set; }
    public int Times { get; set; }
    public double Points { get; set; }
    public required string Action { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>The major projects' part of the EF model.</summary>
internal static class ProjectModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<ProjectBatch>(e =>
        {
            e.ToTable("project_batches");
            e.HasIndex(x => x.Name).IsUnique();
        });
        b.Entity<Project>(e =>
        {
            e.ToTable("projects");
            e.HasIndex(x => x.Code).IsUnique();
        });
        b.Entity<ProjectInvestment>(e =>
        {
            e.ToTable("project_investments");
            e.HasKey(x => new { x.ProjectId, x.Month });
        });
        b.Entity<ProjectEvidence>(e => e.ToTable("project_evidence"));
        b.Entity<EscalationRule>(e => e.ToTable("escalation_rules"));
        b.Entity<IndicatorFeed>(e =>
        {
            e.ToTable("indicator_feeds");
            e.HasKey(x => new { x.SchemeId, x.Indicator });
        });
    }
}
