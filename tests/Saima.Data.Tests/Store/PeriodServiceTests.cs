using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

[Collection(StoresCollection.Name)]
public sealed class PeriodServiceTests(Stores stores)
{
    /// <summary>18:00 on 10 July 2025 in Beijing, as the office types it.</summary>
    private static readonly DateTimeOffset BeijingDeadline = new(2025, 7, 10, 18, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Open_MonthOfAMonthlyScheme_StoresDeadlineInUtc_WhoOpenedIt_AndTheAudit(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();

        await w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-06", BeijingDeadline);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        ReportingPeriod p = fresh.Periods.Single();
        (p.Code, p.Status, p.OpenedBy, p.OpenedAt, p.MissingRule).ShouldBe(("2025-06", PeriodStatus.Open, "office.wang", w.Clock.GetUtcNow(), (string?)null));
        p.Deadline.ShouldBe(new DateTimeOffset(2025, 7, 10, 10, 0, 0, TimeSpan.Zero));
        p.Deadline!.Value.Offset.ShouldBe(TimeSpan.Zero);
        fresh.Audit.Where(a => a.Entity == "period").OrderBy(a => a.Id).Select(a => new { a.EntityKey, a.Action, a.Field, a.OldValue, a.NewValue }).ToList()
            .Select(a => (a.EntityKey, a.Action, a.Field, a.OldValue, a.NewValue)).ShouldBe(new[]
            {
                ("S1/2025-06", "create", (string?)"status", (string?)null, (string?)"open"),
                ("S1/2025-06", "create", "deadline", null, "2025-07-10T10:00:00.000000Z"),
            });
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Open_CodeOfAnotherKind_Twice_WithoutDeadline_OrByAReporter_IsRefusedWithItsCode(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        await w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-06", BeijingDeadline);

        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-Q3", BeijingDeadline)))
            .ShouldSatisfyAllConditions(e => e.Code.ShouldBe(WorkflowCodes.PeriodCode), e => e.Args.ShouldBe(new[] { "2025-Q3", "S1", "month" }));
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-7", BeijingDeadline))).Code.ShouldBe(WorkflowCodes.PeriodCode);
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025", BeijingDeadline))).Code.ShouldBe(WorkflowCodes.PeriodCode);
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-06", BeijingDeadline))).Code.ShouldBe(WorkflowCodes.PeriodExists);
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-07", default))).Code.ShouldBe(WorkflowCodes.DeadlineRequired);
        (await Should.ThrowAsync<AccessDeniedException>(() => w.Periods.OpenAsync(w.ReporterOf("C01"), w.Scheme.Id, "2025-07", BeijingDeadline))).Code.ShouldBe(WorkflowCodes.OfficeOnly);

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        fresh.Periods.Select(p => p.Code).ToList().ShouldBe(new[] { "2025-06" });
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Extend_MovesTheDeadline_AuditedWithOldAndNew_ButNeverOfAPublishedPeriod(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        await w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-06", BeijingDeadline);

        await w.Periods.ExtendAsync(w.Office, w.Scheme.Id, "2025-06", BeijingDeadline.AddDays(5), "区县申请延期");

        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.Periods.Single().Deadline.ShouldBe(new DateTimeOffset(2025, 7, 15, 10, 0, 0, TimeSpan.Zero));
            AuditEntry a = fresh.Audit.Where(a => a.Entity == "period").OrderBy(a => a.Id).ToList()[^1];
            (a.Action, a.Field, a.OldValue, a.NewValue, a.Reason).ShouldBe(("update", (string?)"deadline", (string?)"2025-07-10T10:00:00.000000Z", (string?)"2025-07-15T10:00:00.000000Z", (string?)"区县申请延期"));
        }

        w.PublishRevenue("2025-07", ("C01", 1), ("C02", 2), ("C03", 3), ("C04", 4));
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.ExtendAsync(w.Office, w.Scheme.Id, "2025-07", BeijingDeadline.AddMonths(1))))
            .Code.ShouldBe(WorkflowCodes.ExtendPublished);
        (await Should.ThrowAsync<NotFoundException>(() => w.Periods.ExtendAsync(w.Office, w.Scheme.Id, "2025-09", BeijingDeadline))).Code.ShouldBe(WorkflowCodes.NoPeriod);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CloseIntake_ThenReopen_MovesOpenClosedOpen_Audited_AndRefusesOtherMoves(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        await w.Periods.OpenAsync(w.Office, w.Scheme.Id, "2025-06", BeijingDeadline);

        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.ReopenAsync(w.Office, w.Scheme.Id, "2025-06"))).Code.ShouldBe(WorkflowCodes.ReopenStatus);
        (await w.Periods.CloseIntakeAsync(w.Office, w.Scheme.Id, "2025-06", "截止已过")).Status.ShouldBe(PeriodStatus.Closed);
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.CloseIntakeAsync(w.Office, w.Scheme.Id, "2025-06"))).Code.ShouldBe(WorkflowCodes.CloseStatus);
        (await Should.ThrowAsync<AccessDeniedException>(() => w.Periods.ReopenAsync(w.Reviewer, w.Scheme.Id, "2025-06"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await w.Periods.ReopenAsync(w.Office, w.Scheme.Id, "2025-06")).Status.ShouldBe(PeriodStatus.Open);

        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            fresh.Periods.Single().Status.ShouldBe(PeriodStatus.Open);
            fresh.Audit.Where(a => a.Entity == "period" && a.Field == "status").OrderBy(a => a.Id).ToList()
                .Select(a => (a.Action, a.OldValue, a.NewValue, a.Reason)).ShouldBe(new[]
                {
                    ("create", (string?)null, (string?)"open", (string?)null),
                    ("close", "open", "closed", "截止已过"),
                    ("reopen", "closed", "open", null),
                });
        }

        w.PublishRevenue("2025-07", ("C01", 1), ("C02", 2), ("C03", 3), ("C04", 4));
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.ReopenAsync(w.Office, w.Scheme.Id, "2025-07"))).Code.ShouldBe(WorkflowCodes.ReopenPublished);
        (await Should.ThrowAsync<WorkflowException>(() => w.Periods.CloseIntakeAsync(w.Office, w.Scheme.Id, "2025-07"))).Code.ShouldBe(WorkflowCodes.CloseStatus);
    }

    [Theory]
    [InlineData("month", "2025-12", "2026-01")]
    [InlineData("month", "2026-01", "2026-02")]
    [InlineData("quarter", "2025-Q4", "2026-Q1")]
    [InlineData("quarter", "2026-Q2", "2026-Q3")]
    [InlineData("year", "2025", "2026")]
    [InlineData("month", null, "2026-03")]
    [InlineData("quarter", null, "2026-Q1")]
    [InlineData("year", null, "2026")]
    public void Next_AfterTheLatestOrTodaysPeriod(string frequency, string? latest, string expected) =>
        PeriodService.Next(frequency, latest, new DateOnly(2026, 3, 5)).ShouldBe(expected);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TimeZone_DefaultsToShanghai_IsSetByTheOfficeOnly_AuditedAndValidated(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var settings = new OfficeSettings(w.Db, w.Clock);
        (await settings.TimeZoneIdAsync()).ShouldBe("Asia/Shanghai");

        (await Should.ThrowAsync<WorkflowException>(() => settings.SetTimeZoneAsync(w.Office, "Mars/Olympus"))).Code.ShouldBe(WorkflowCodes.TimeZoneUnknown);
        (await Should.ThrowAsync<WorkflowException>(() => settings.SetTimeZoneAsync(w.Office, " "))).Code.ShouldBe(WorkflowCodes.TimeZoneUnknown);
        (await Should.ThrowAsync<AccessDeniedException>(() => settings.SetTimeZoneAsync(w.Reviewer, "Asia/Urumqi"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await settings.SetTimeZoneAsync(w.Office, "Asia/Urumqi", "新疆考核办")).ShouldBe("Asia/Urumqi");
        await settings.SetTimeZoneAsync(w.Office, "Asia/Urumqi");

        using SaimaDb fresh = SaimaDb.Open(w.Store);
        (await new OfficeSettings(fresh, w.Clock).TimeZoneIdAsync()).ShouldBe("Asia/Urumqi");
        fresh.Audit.Where(a => a.Entity == "setting").ToList().Select(a => (a.EntityKey, a.OldValue, a.NewValue, a.Reason, a.User))
            .ShouldBe(new[] { ("time_zone", (string?)"Asia/Shanghai", (string?)"Asia/Urumqi", (string?)"新疆考核办", "office.wang") });
    }
}
