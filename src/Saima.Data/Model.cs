namespace Saima.Data;

/// <summary>What kind of body a unit (考核对象) is.</summary>
public enum UnitKind
{
    City = 0,
    County = 1,
    District = 2,
    Township = 3,
    Street = 4,
    Department = 5,
    Zone = 6,
    Enterprise = 7,
}

/// <summary>
/// A figure's place in the intake workflow: a reporter drafts and submits, a reviewer approves
/// or returns it with a comment, the office publishes the period.
/// </summary>
public enum FigureStatus
{
    Draft = 0,
    Submitted = 1,
    Approved = 2,
    Published = 3,
    Returned = 4,
}

public enum PeriodStatus
{
    /// <summary>Open for reporting.</summary>
    Open = 0,

    /// <summary>Published: figures and results frozen, only corrected.</summary>
    Published = 1,

    /// <summary>Intake closed by the office: no more saving or submitting; review and publication go on.</summary>
    Closed = 2,
}

/// <summary>How the figures missing at publication counted (recorded with the period).</summary>
public static class MissingRules
{
    /// <summary>The scheme's imputation rule (as the engine's impute step says).</summary>
    public const string Scheme = "scheme";

    /// <summary>Counted as zero.</summary>
    public const string Zero = "zero";
}

/// <summary>Flags the checks raise on a figure, shown to its reviewer.</summary>
[Flags]
public enum FigureFlags
{
    None = 0,

    /// <summary>Outside the indicator's plausible range.</summary>
    OutOfRange = 1,

    /// <summary>A year-to-date (cumulative) figure below the previous month's of the same year.</summary>
    YearToDateFalls = 2,
}

/// <summary>Where a bonus or penalty item (加分扣分) stands.</summary>
public enum AdjustmentStatus
{
    Proposed = 0,
    Approved = 1,
    Rejected = 2,
    Withdrawn = 3,
}

/// <summary>
/// A county, district, township, department, zone or enterprise. Units form one hierarchy
/// (city → counties and districts → townships and streets); departments, zones and enterprises
/// hang under the city.
/// </summary>
public sealed class Unit
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? NameEn { get; set; }
    public UnitKind Kind { get; set; }
    public long? ParentId { get; set; }
    public Unit? Parent { get; set; }
}

/// <summary>An assessment scheme (考核方案): its units, indicators, targets, periods and versions of rules.</summary>
public sealed class AssessmentScheme
{
    public long Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? NameEn { get; set; }

    /// <summary>"month", "quarter" or "year": how often figures are reported.</summary>
    public string Frequency { get; set; } = "month";
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>
/// One version of a scheme's scoring rules: the engine's scheme JSON (see docs/scheme-format.md),
/// validated by the engine before it is stored. Versions are never changed, only added.
/// </summary>
public sealed class SchemeVersion
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public int Version { get; set; }
    public required string Json { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>A unit taking part in a scheme, in a track (分道竞技) or none.</summary>
public sealed class SchemeUnit
{
    public long SchemeId { get; set; }
    public long UnitId { get; set; }
    public string? Track { get; set; }
    public Unit? Unit { get; set; }
}

/// <summary>
/// An indicator as intake sees it: what is measured, in which unit, how often, by whom, within
/// which plausible range, and whether the public sees it. How it is scored lives in the scheme
/// version's JSON under the same code.
/// </summary>
public sealed class Indicator
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? NameEn { get; set; }

    /// <summary>The group (dimension) code it belongs to in the scheme, e.g. 比质量.</summary>
    public string? Dimension { get; set; }
    public int Direction { get; set; } = 1;
    public string? UnitOfMeasure { get; set; }
    public string Frequency { get; set; } = "month";

    /// <summary>Year-to-date (累计) figures: they never fall within a year.</summary>
    public bool Cumulative { get; set; }

    /// <summary>The department (a unit) that supplies this indicator for all units, if any.</summary>
    public long? SourceUnitId { get; set; }
    public double? MinPlausible { get; set; }
    public double? MaxPlausible { get; set; }

    /// <summary>Printed for the public (the handful put in the newspaper each quarter).</summary>
    public bool IsPublic { get; set; }

    /// <summary>
    /// When set, this indicator is not reported: it is the year-on-year growth (同比, percent) of
    /// that level indicator, derived from stored levels of the same period a year earlier.
    /// </summary>
    public long? GrowthOfId { get; set; }
    public int SortOrder { get; set; }
}

/// <summary>A unit's target (目标值) for an indicator in a year (for a cumulative indicator, the full-year figure).</summary>
public sealed class Target
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public long UnitId { get; set; }
    public long IndicatorId { get; set; }
    public int Year { get; set; }
    public double Value { get; set; }
}

/// <summary>A reporting period of a scheme: open for intake, then published with the scheme version it was scored with.</summary>
public sealed class ReportingPeriod
{
    public long Id { get; set; }
    public long SchemeId { get; set; }

    /// <summary>"2025-06", "2025-Q2" or "2025".</summary>
    public required string Code { get; set; }
    public PeriodStatus Status { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    public long? SchemeVersionId { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public string? OpenedBy { get; set; }

    /// <summary>How missing figures counted at publication (<see cref="MissingRules"/>); null before.</summary>
    public string? MissingRule { get; set; }
}

/// <summary>
/// One figure of a unit for an indicator in a period. A published figure is never overwritten:
/// a correction is a new revision (with its reason) and the old one stops being current.
/// </summary>
public sealed class Figure
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public long UnitId { get; set; }
    public long IndicatorId { get; set; }
    public required string Period { get; set; }
    public double? Value { get; set; }
    public FigureStatus Status { get; set; }
    public int Revision { get; set; } = 1;
    public bool IsCurrent { get; set; } = true;

    /// <summary>The reviewer's comment when returned.</summary>
    public string? Comment { get; set; }

    /// <summary>Why this revision replaced the previous one.</summary>
    public string? Reason { get; set; }
    public required string EnteredBy { get; set; }
    public DateTimeOffset EnteredAt { get; set; }

    /// <summary>The import (file upload or bulk load) it came with, if any.</summary>
    public long? ImportId { get; set; }

    /// <summary>The reporter's written explanation: of a value outside the plausible range, or of a returned figure submitted again unchanged.</summary>
    public string? Explanation { get; set; }

    /// <summary>What the checks raised at save, submit or approval.</summary>
    public FigureFlags Flags { get; set; }

    /// <summary>The value it had when a reviewer returned it; null once submitted again (or never returned).</summary>
    public double? ReturnedValue { get; set; }

    /// <summary>
    /// One more with every change (<see cref="SaimaDb"/> counts it on save): a change made on a stale
    /// read finds another version and is refused (optimistic concurrency).
    /// </summary>
    public int RowVersion { get; set; }
}

/// <summary>One upload or bulk load: who brought which file, when, and how many figures.</summary>
public sealed class ImportBatch
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public required string FileName { get; set; }
    public required string ImportedBy { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    public int Rows { get; set; }
}

/// <summary>Every change to data: who, when, what, the old and the new value, and why.</summary>
public sealed class AuditEntry
{
    private static long _created;

    public long Id { get; set; }

    /// <summary>The order entries were made in (not stored): entries added to a context are written to the chain in it.</summary>
    internal long CreationOrder { get; } = Interlocked.Increment(ref _created);
    public DateTimeOffset At { get; set; }
    public required string User { get; set; }

    /// <summary>create, update, submit, approve, return, publish, correct, import, delete…</summary>
    public required string Action { get; set; }
    public required string Entity { get; set; }
    public required string EntityKey { get; set; }
    public string? Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public string? Reason { get; set; }

    /// <summary>The entry's place in the audit trail's hash chain (1, 2, 3, ...; set when written, see <c>AuditChain</c>).</summary>
    public long? ChainSeq { get; set; }

    /// <summary>SHA-256 (hex) over the entry's canonical form and the hash of the entry before it.</summary>
    public string? Hash { get; set; }
}

/// <summary>The results of scoring one period of a scheme with one scheme version.</summary>
public sealed class ResultSet
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public long SchemeVersionId { get; set; }
    public required string Period { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public required string ComputedBy { get; set; }

    /// <summary>SHA-256 of the inputs (scheme JSON, figures, targets, tracks, adjustments) it was computed from.</summary>
    public required string InputHash { get; set; }

    /// <summary>The explanation (weights, treatment log) as JSON.</summary>
    public string? ExplainJson { get; set; }

    /// <summary>The set's place in the result sets' hash chain (set when stored, see <c>AuditChain</c>).</summary>
    public long? ChainSeq { get; set; }

    /// <summary>SHA-256 (hex) over the set's canonical form (with a digest of its rows and warnings) and the hash of the set before it.</summary>
    public string? Hash { get; set; }
}

/// <summary>One unit's value, score and ranks at one node (indicator or group) in a result set.</summary>
public sealed class ResultRow
{
    public long ResultSetId { get; set; }
    public long UnitId { get; set; }
    public required string Node { get; set; }
    public double? Value { get; set; }
    public double? Score { get; set; }
    public int? Rank { get; set; }
    public int? TrackRank { get; set; }
    public int? RankChange { get; set; }
}

/// <summary>How many units ranked at one node of a result set, written with the set.</summary>
public sealed class ResultNodeRanked
{
    public long ResultSetId { get; set; }
    public required string Node { get; set; }
    public int Ranked { get; set; }
}

/// <summary>
/// How one unit's scores of a result set came about (<see cref="Store.UnitTrace"/>, compact JSON),
/// kept when the set is computed so that the unit page reads it instead of scoring the period again.
/// </summary>
public sealed class UnitTraceRow
{
    public long ResultSetId { get; set; }
    public long UnitId { get; set; }
    public required string Trace { get; set; }
}

/// <summary>A warning (预警) of a result set: completion against time progress and the level it gives.</summary>
public sealed class WarningResult
{
    public long ResultSetId { get; set; }
    public long UnitId { get; set; }
    public required string Indicator { get; set; }
    public double? Value { get; set; }
    public double? Target { get; set; }
    public double? Completion { get; set; }
    public double? Expected { get; set; }
    public double? Gap { get; set; }
    public string? Level { get; set; }
}

/// <summary>A bonus or penalty item (加分/扣分) of a scheme, with its reason.</summary>
public sealed class AdjustmentItem
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public long UnitId { get; set; }

    /// <summary>Null: every period.</summary>
    public string? Period { get; set; }

    /// <summary>Null: the root.</summary>
    public string? Node { get; set; }
    public double Points { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Only approved items count in the score.</summary>
    public AdjustmentStatus Status { get; set; } = AdjustmentStatus.Approved;
    public string? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public string? ReviewComment { get; set; }
}

/// <summary>
/// A file attached as evidence to a figure, a correction or an adjustment (<see cref="Entity"/>
/// names which, <see cref="EntityId"/> its row). The content is in <see cref="Content"/> or, when
/// the store keeps files in a folder, at <see cref="StoredPath"/>; its type was checked by content.
/// </summary>
public sealed class EvidenceFile
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public required string Entity { get; set; }
    public long EntityId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public byte[]? Content { get; set; }
    public string? StoredPath { get; set; }
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>One setting of the office (its time zone, its name), by key.</summary>
public sealed class Setting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}

/// <summary>
/// A reminder (催报) the office sent about a late unit's figures of an open period, to one
/// recipient: the unit itself, or a source department whose indicators of that unit are outstanding.
/// </summary>
public sealed class Reminder
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public required string Period { get; set; }

    /// <summary>The late unit.</summary>
    public long UnitId { get; set; }

    /// <summary>Whose reporters see it: the late unit, or a source department.</summary>
    public long RecipientUnitId { get; set; }

    /// <summary>The recipient's figures of the unit not yet submitted when the reminder was sent.</summary>
    public int Outstanding { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public required string SentBy { get; set; }
}

/// <summary>A user marked a reminder as read.</summary>
public sealed class ReminderRead
{
    public long ReminderId { get; set; }
    public required string UserName { get; set; }
    public DateTimeOffset ReadAt { get; set; }
}

/// <summary>
/// A personal API token of a web user (issue 4: the HTTP API). Only the SHA-256 of the token is
/// stored; <see cref="Prefix"/> is its first characters, to recognise it in a list. A token acts
/// as its user, with the user's roles and unit, until it expires or is revoked.
/// </summary>
public sealed class ApiToken
{
    public long Id { get; set; }

    /// <summary>The user (identity_users.id) the token acts as.</summary>
    public required string UserId { get; set; }
    public required string Name { get; set; }

    /// <summary>SHA-256 of the whole token, lower-case hex.</summary>
    public required string TokenHash { get; set; }
    public required string Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>The office's annual rule of a scheme (<see cref="Reports.AnnualRule"/> as JSON); a scheme without one uses the defaults.</summary>
public sealed class AnnualRuleRow
{
    public long SchemeId { get; set; }
    public required string RuleJson { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>An issued document (circular, feedback report, annual results): archived as issued, never changed.</summary>
public sealed class IssuedDocument
{
    public long Id { get; set; }
    public long SchemeId { get; set; }

    /// <summary>circular, feedback or annual (<see cref="Reports.DocumentKinds"/>).</summary>
    public required string Kind { get; set; }

    /// <summary>The period (circular, feedback) or the year (annual).</summary>
    public required string Period { get; set; }

    /// <summary>The unit a feedback report is for; null for the others.</summary>
    public long? UnitId { get; set; }

    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of <see cref="Content"/>, lower-case hex.</summary>
    public required string Sha256 { get; set; }

    public required byte[] Content { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public required string IssuedBy { get; set; }
}

/// <summary>
/// The office's analysis settings of a scheme: the step alternatives the rank intervals draw from
/// (ALT.json; null: default steps, perturbed weights only) and the context indicators (comma
/// separated codes) by which nearest peers are found.
/// </summary>
public sealed class AnalysisSettings
{
    public long SchemeId { get; set; }
    public string? AlternativesJson { get; set; }
    public required string ContextIndicators { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>How the rank intervals of a result set were computed: replicates, seed, weight spread, alternatives, time taken.</summary>
public sealed class RankIntervalRun
{
    public long ResultSetId { get; set; }
    public int Replicates { get; set; }

    /// <summary>The seed (an unsigned 64-bit number kept bit for bit).</summary>
    public long Seed { get; set; }
    public double WeightSpread { get; set; }
    public string? AlternativesJson { get; set; }
    public int ElapsedMs { get; set; }

    /// <summary>The replicates' mean absolute rank shift from the published ranks (null for a run stored before it was kept).</summary>
    public double? MeanShift { get; set; }
}

/// <summary>
/// One factor of a result set's rank interval run and the first-order share of the rank shift's
/// variance it explains (<see cref="Saima.Scoring.RankSensitivity"/>), largest first by ordinal.
/// </summary>
public sealed class RankSensitivityRow
{
    public long ResultSetId { get; set; }
    public int Ordinal { get; set; }

    /// <summary>indicator_weight, group_weight, track_weight, impute, normalise or aggregate.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>The node's code, "track/code" for a track's override, empty for a step list.</summary>
    public string Code { get; set; } = string.Empty;
    public double FirstOrder { get; set; }
}

/// <summary>
/// What it takes for one ranked unit of a result set (<see cref="Store.StoredAnalysis"/>): its rank at
/// the root among the ranked, and the steps to one place up and to first place as compact JSON.
/// </summary>
public sealed class WhatItTakesRow
{
    public long ResultSetId { get; set; }
    public long UnitId { get; set; }
    public int Rank { get; set; }
    public int Ranked { get; set; }
    public required string AnswerJson { get; set; }
    public int ElapsedMs { get; set; }
}

/// <summary>A result set stored without its rank intervals, for the background service to compute (<see cref="Store.StoredAnalysis"/>).</summary>
public sealed class AnalysisPending
{
    public long ResultSetId { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
}

/// <summary>A unit's 90% rank interval (5th to 95th percentile over the replicates) in a result set, overall and in its track.</summary>
public sealed class RankInterval
{
    public long ResultSetId { get; set; }
    public long UnitId { get; set; }
    public int? RankLow { get; set; }
    public int? RankHigh { get; set; }
    public int? TrackRankLow { get; set; }
    public int? TrackRankHigh { get; set; }
}

/// <summary>A peer the office names for a unit in a scheme (instead of the nearest by context indicators).</summary>
public sealed class NamedPeer
{
    public long SchemeId { get; set; }
    public long UnitId { get; set; }
    public long PeerUnitId { get; set; }
}

/// <summary>An external benchmark: a value of an advanced place outside the assessment, shown compared and never ranked.</summary>
public sealed class ExternalBenchmark
{
    public long Id { get; set; }
    public long SchemeId { get; set; }
    public required string Name { get; set; }
    public required string Indicator { get; set; }

    /// <summary>A period (2025-06) or a year (2025).</summary>
    public required string Period { get; set; }
    public double Value { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset EnteredAt { get; set; }
    public required string EnteredBy { get; set; }
}
