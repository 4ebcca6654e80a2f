using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// The leaders' reads of the lists on both stores: the resolution rate per unit, worst first and
/// paged; over time by the month of the deadline; and an item's evidence files, with the note an
/// upload carries in the audit trail.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ListLeaderTests(Stores stores)
{
    private static ListItemSpec Spec(string owner, DateOnly deadline, string title) =>
        new(ListKind.Supervision, title, null, owner, null, "李主任", deadline);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RatesByUnit_AreWorstFirst_NothingDueLast_Paged_AndByMonthOfTheDeadline(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);

        // Today is 2025-07-01 in Beijing.
        ListItem c01OnTime = await lists.CreateAsync(w.Office, Spec("C01", new DateOnly(2025, 7, 10), "青山区按期办结"));
        await lists.CreateAsync(w.Office, Spec("C01", new DateOnly(2025, 7, 10), "青山区逾期未办"));
        await lists.CreateAsync(w.Office, Spec("C02", new DateOnly(2025, 7, 10), "临江县逾期未办"));
        ListItem escalated = await lists.CreateAsync(w.Office, Spec("C02", new DateOnly(2025, 8, 31), "临江县督办函"));
        await lists.CreateAsync(w.Office, Spec("C03", new DateOnly(2025, 8, 31), "北湖县未到期"));
        ListItem c04OnTime = await lists.CreateAsync(w.Office, Spec("C04", new DateOnly(2025, 7, 5), "南岭县按期办结"));
        ListItem juneLate = await lists.CreateAsync(w.Office, Spec("C04", new DateOnly(2025, 6, 30), "南岭县超期办结"));
        await CloseAsync(lists, w.Office, w.ReporterOf("C01"), c01OnTime.Id);
        await CloseAsync(lists, w.Office, w.ReporterOf("C04"), c04OnTime.Id);
        await CloseAsync(lists, w.Office, w.ReporterOf("C04"), juneLate.Id);
        ListItem stored = await w.Db.ListItems.SingleAsync(i => i.Id == escalated.Id);
        stored.SourceKey = EscalationService.KeyPrefix + "S/2025-06/C02/Rev/0";
        await w.Db.SaveChangesAsync();
        w.Db.ChangeTracker.Clear();
        w.Clock.SetUtcNow(new DateTimeOffset(2025, 7, 20, 4, 0, 0, TimeSpan.Zero));

        ListUnitRatePage first = await lists.RatesByUnitAsync(Actor.Leader("leader.chen"), page: 1, pageSize: 2);
        first.Total.ShouldBe(4);
        first.Pages.ShouldBe(2);
        first.Rows.Select(r => (r.UnitCode, r.Open, r.Overdue, r.Escalated, r.Due, r.ClosedOnTime)).ShouldBe(
            [("C02", 2, 1, 1, 1, 0), ("C01", 1, 1, 0, 2, 1)]);
        ListUnitRatePage second = await lists.RatesByUnitAsync(Actor.Leader("leader.chen"), page: 2, pageSize: 2);
        second.Rows.Select(r => (r.UnitCode, r.Rate)).ShouldBe([("C04", (double?)0.5), ("C03", null)]);
        (await lists.RatesByUnitAsync(w.Office, pageSize: 500)).PageSize.ShouldBe(ListService.MaxRatePageSize);
        (await lists.RatesByUnitAsync(w.ReporterOf("C01"))).Rows.ShouldHaveSingleItem().UnitCode.ShouldBe("C01");

        // The totals over all units (the Home card): the units' rows added up.
        ListTotals totals = await lists.TotalsAsync(Actor.Leader("leader.chen"));
        (totals.Open, totals.Overdue, totals.Escalated, totals.Due, totals.ClosedOnTime).ShouldBe((4, 2, 1, 5, 2));
        totals.Rate.ShouldBe(0.4);
        ListTotals mine = await lists.TotalsAsync(w.ReporterOf("C01"));
        (mine.Open, mine.Overdue, mine.Escalated, mine.Due, mine.ClosedOnTime).ShouldBe((1, 1, 0, 2, 1));

        IReadOnlyList<ListMonthRate> months = await lists.RatesByMonthAsync(Actor.Leader("leader.chen"), months: 3);
        months.Select(m => (m.Month, m.Due, m.ClosedOnTime)).ShouldBe([("2025-05", 0, 0), ("2025-06", 1, 0), ("2025-07", 4, 2)]);
        months[0].Rate.ShouldBeNull();
        months[2].Rate.ShouldBe(0.5);
        (await lists.RatesByMonthAsync(w.Office)).Count.ShouldBe(12);

        (await lists.ListAsync(Actor.Leader("leader.chen"), new ListFilter { EscalatedOnly = true })).Rows.ShouldHaveSingleItem().Title.ShouldBe("临江县督办函");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Evidence_IsListedWithoutContent_ForWhoSeesTheItem_AndTheNoteIsTheAuditReason(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        ListItem item = await lists.CreateAsync(w.Office, Spec("C01", new DateOnly(2025, 7, 31), "营商环境整改"));
        Actor unit = w.ReporterOf("C01");

        ListEvidence added = await lists.AddEvidenceAsync(unit, item.Id, "整改报告.txt", new MemoryStream(Encoding.UTF8.GetBytes("整改情况报告")), "第一阶段整改");
        (await Should.ThrowAsync<ListInvalidException>(() => lists.AddEvidenceAsync(unit, item.Id, "b.txt", new MemoryStream([65]), new string('长', ListService.MaxLong + 1))))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe("note");

        ListEvidenceList listed = await lists.EvidenceAsync(Actor.Leader("leader.chen"), item.Id);
        listed.Total.ShouldBe(1);
        ListEvidenceFile file = listed.Files.ShouldHaveSingleItem();
        (file.Id, file.FileName, file.ContentType, file.UploadedBy).ShouldBe((added.Id, "整改报告.txt", "text/plain; charset=utf-8", unit.Name));
        (await lists.GetAsync(w.Office, item.Id)).History.Single(h => h.Action == "evidence").Reason.ShouldBe("第一阶段整改");
        await Should.ThrowAsync<NotFoundException>(() => lists.EvidenceAsync(w.ReporterOf("C02"), item.Id));
    }

    private static async Task CloseAsync(ListService lists, Actor office, Actor unit, long id)
    {
        await lists.StartAsync(unit, id);
        await lists.SubmitAsync(unit, id, "办结");
        await lists.CloseOutAsync(office, id, null);
    }
}
