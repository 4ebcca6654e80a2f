using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The lists' boards on both stores: the open items' ageing per kind (days since made, counted by
/// the database), the deadline timeline (overdue first, then week by week from Monday), each
/// scoped to who asks, and the public counts and rates of the kinds the office made public.
/// The world's clock stands at Tuesday 2025-07-01 (Asia/Shanghai) when the boards are read.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ListBoardsTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Ageing_And_Timeline_CountOpenItemsOnly_ByAgeAndWeek_ScopedToTheUser(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        // Made earlier: 193 and 77 days before today (the clock cannot go back, so the day made is set).
        ListItem old = await lists.CreateAsync(w.Office, Spec(ListKind.Shortcoming, "C01", "老旧小区改造滞后", new DateOnly(2025, 6, 15)));
        old.CreatedAt = new DateTimeOffset(2024, 12, 20, 8, 0, 0, TimeSpan.Zero);
        ListItem older = await lists.CreateAsync(w.Office, Spec(ListKind.Enterprise, "C02", "企业反映用电报装慢", new DateOnly(2025, 7, 3)));
        older.CreatedAt = new DateTimeOffset(2025, 4, 15, 8, 0, 0, TimeSpan.Zero);
        await w.Db.SaveChangesAsync();
        await lists.CreateAsync(w.Office, Spec(ListKind.Enterprise, "C01", "企业反映审批材料多", new DateOnly(2025, 7, 10)));
        await lists.CreateAsync(w.Office, Spec(ListKind.Commitment, "C01", "承诺事项八月底完成", new DateOnly(2025, 8, 29)));
        ListItem done = await lists.CreateAsync(w.Office, Spec(ListKind.Enterprise, "C01", "企业反映道路积水", new DateOnly(2025, 7, 20)));
        await CloseAsync(lists, w, done.Id, "C01");

        IReadOnlyList<ListAgeingRow> ageing = await lists.AgeingAsync(w.Office);
        ageing.Select(a => (a.Kind, a.UpTo30, a.UpTo90, a.UpTo180, a.Over180, a.Overdue)).ShouldBe(
        [
            (ListKind.Shortcoming, 0, 0, 0, 1, 1),
            (ListKind.Commitment, 1, 0, 0, 0, 0),
            (ListKind.Enterprise, 1, 1, 0, 0, 0),
        ]);

        IReadOnlyList<ListDeadlineWeek> timeline = await lists.TimelineAsync(w.Office, 9);
        timeline.Count.ShouldBe(10);
        timeline[0].Overdue.ShouldBeTrue();
        timeline[0].First.Select(r => r.Title).ShouldBe(["老旧小区改造滞后"]);
        (timeline[1].From, timeline[1].To).ShouldBe((new DateOnly(2025, 7, 1), new DateOnly(2025, 7, 6)), "this week runs from today to Sunday");
        timeline[1].First.Select(r => r.Title).ShouldBe(["企业反映用电报装慢"]);
        (timeline[2].From, timeline[2].To).ShouldBe((new DateOnly(2025, 7, 7), new DateOnly(2025, 7, 13)));
        timeline[2].First.Select(r => r.Title).ShouldBe(["企业反映审批材料多"]);
        timeline[3].Count.ShouldBe(0, "the item due 2025-07-20 is closed out");
        timeline[9].First.Select(r => r.Title).ShouldBe(["承诺事项八月底完成"]);
        timeline.Sum(x => x.Count).ShouldBe(4);

        // A unit sees its own items only; a kind filters the timeline.
        Actor c02 = w.ReporterOf("C02");
        (await lists.AgeingAsync(c02)).Select(a => (a.Kind, a.Open)).ShouldBe([(ListKind.Enterprise, 1)]);
        (await lists.TimelineAsync(c02, 4)).Sum(x => x.Count).ShouldBe(1);
        (await lists.TimelineAsync(w.Office, 9, ListKind.Enterprise)).Sum(x => x.Count).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PublicCounts_OnlyOfTheKindsTheOfficeMadePublic_AndTheChoiceIsAudited(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        var settings = new OfficeSettings(w.Db, w.Clock);
        await lists.CreateAsync(w.Office, Spec(ListKind.Enterprise, "C01", "企业反映审批材料多", new DateOnly(2025, 7, 10)));
        await lists.CreateAsync(w.Office, Spec(ListKind.Enterprise, "C02", "企业反映用电报装慢", new DateOnly(2025, 6, 20)));
        ListItem done = await lists.CreateAsync(w.Office, Spec(ListKind.Enterprise, "C01", "企业反映道路积水", new DateOnly(2025, 7, 20)));
        await CloseAsync(lists, w, done.Id, "C01");
        await lists.CreateAsync(w.Office, Spec(ListKind.Shortcoming, "C01", "老旧小区改造滞后", new DateOnly(2025, 9, 1)));

        (await lists.PublicAsync()).ShouldBeEmpty("nothing is public until the office says so");
        (await Should.ThrowAsync<AccessDeniedException>(() => settings.SetPublicListKindsAsync(w.ReporterOf("C01"), [ListKind.Enterprise]))).Code.ShouldBe(WorkflowCodes.OfficeOnly);

        await settings.SetPublicListKindsAsync(w.Office, [ListKind.Enterprise], "向社会公开企业诉求办理情况");
        ListPublicRow row = (await lists.PublicAsync()).ShouldHaveSingleItem();
        (row.Kind, row.Received, row.Resolved, row.Due, row.ResolvedOnTime).ShouldBe((ListKind.Enterprise, 3, 1, 2, 1));
        row.ResolvedRate!.Value.ShouldBe(1.0 / 3, 1e-12);
        row.OnTimeRate!.Value.ShouldBe(0.5, 1e-12);

        AuditEntry audit = w.Db.Audit.Single(a => a.Entity == OfficeSettings.SettingEntity && a.EntityKey == OfficeSettings.PublicListKindsKey);
        (audit.User, audit.OldValue, audit.NewValue, audit.Reason).ShouldBe(("office.wang", string.Empty, "Enterprise", "向社会公开企业诉求办理情况"));
        await settings.SetPublicListKindsAsync(w.Office, [ListKind.Enterprise]);
        w.Db.Audit.Count(a => a.EntityKey == OfficeSettings.PublicListKindsKey).ShouldBe(1, "the same choice again writes nothing");
    }

    private static ListItemSpec Spec(ListKind kind, string owner, string title, DateOnly deadline) =>
        new(kind, title, null, owner, null, "责任人", deadline);

    private static async Task CloseAsync(ListService lists, World w, long id, string owner)
    {
        Actor unit = w.ReporterOf(owner);
        await lists.StartAsync(unit, id);
        await lists.SubmitAsync(unit, id, "已办结并回访企业");
        await lists.CloseOutAsync(w.Office, id, null);
    }
}
