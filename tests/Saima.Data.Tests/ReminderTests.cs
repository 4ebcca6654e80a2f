using Saima.Data.Store;
using Saima.Data.Tests.Store;

namespace Saima.Data.Tests;

/// <summary>
/// Reminders (催报) on both stores: who is late, sending to one unit or to all, the recipients (the
/// unit's reporters and the source department whose figures are outstanding), reading, the audit
/// trail, and the refusals.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ReminderTests(Stores stores)
{
    private const string Json = """
        { "name": "催报测试",
          "indicators": [
            { "code": "Rev", "name": "一般公共预算收入", "parent": "Total" },
            { "code": "Emp", "name": "城镇新增就业", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ] }
        """;

    private static readonly IndicatorSpec[] Indicators =
    [
        new("Rev", "一般公共预算收入") { Dimension = "Total" },
        new("Emp", "城镇新增就业") { Dimension = "Total", SourceUnitCode = "TJJ" },
    ];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Late_CountsFiguresNotSubmitted_PerOwner(StoreProvider provider)
    {
        using var w = Seed(stores.NewMigrated(provider));
        var late = new Reminders(w.Db, w.Clock).Late(w.Scheme.Id, "2025-06");

        late.Select(l => l.Code).ShouldBe(["C02", "C03"], "C01 and C04 submitted everything; C02 has a draft and a missing figure");
        LateUnit c02 = late[0];
        c02.Outstanding.ShouldBe(2);
        c02.ByOwner[w.Unit("C02")].ShouldBe(1, "its own Rev, still a draft");
        c02.ByOwner[w.Unit("TJJ")].ShouldBe(1, "Emp, which the statistics bureau supplies");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Send_ToOneUnit_ReachesItsReportersAndTheDepartment_UntilRead_AndIsAudited(StoreProvider provider)
    {
        using var w = Seed(stores.NewMigrated(provider));
        var reminders = new Reminders(w.Db, w.Clock);
        w.Clock.Advance(TimeSpan.FromHours(1));
        DateTimeOffset at = w.Clock.GetUtcNow();
        var sent = reminders.Send(w.Office, w.Scheme.Id, "2025-06", [w.Unit("C02")], "  请于今日下班前报送  ");

        sent.Select(r => r.RecipientUnitId).ShouldBe([w.Unit("C02"), w.Unit("TJJ")]);
        sent.ShouldAllBe(r => r.Message == "请于今日下班前报送" && r.SentBy == "office.wang" && r.UnitId == w.Unit("C02"));

        Actor c02 = w.ReporterOf("C02");
        Actor c03 = w.ReporterOf("C03");
        Actor tjj = Actor.Department("tjj.li", w.Unit("TJJ"));
        using (SaimaDb fresh = SaimaDb.Open(w.Store))
        {
            var read = new Reminders(fresh, w.Clock);
            ReminderNote note = read.Unread(c02).ShouldHaveSingleItem();
            note.UnitCode.ShouldBe("C02");
            note.Outstanding.ShouldBe(1);
            note.Message.ShouldBe("请于今日下班前报送");
            note.SentAt.ShouldBe(at);
            read.Unread(tjj).ShouldHaveSingleItem().UnitCode.ShouldBe("C02");
            read.Unread(c03).ShouldBeEmpty();
            read.Unread(w.Office).ShouldBeEmpty("the office sends reminders, it does not receive them");
            read.LastReminded(w.Scheme.Id, "2025-06").Keys.ShouldBe([w.Unit("C02")]);
        }

        long id = sent[0].Id;
        Should.Throw<AccessDeniedException>(() => reminders.MarkRead(c03, id)).Code.ShouldBe(WorkflowCodes.NotRecipient);
        w.Clock.Advance(TimeSpan.FromMinutes(5));
        DateTimeOffset readAt = w.Clock.GetUtcNow();
        reminders.MarkRead(c02, id);
        reminders.MarkRead(c02, id);
        reminders.Unread(c02).ShouldBeEmpty();
        reminders.Unread(Actor.Reporter("reporter2.c02", w.Unit("C02"))).ShouldHaveSingleItem("reads are per person");

        using SaimaDb db = SaimaDb.Open(w.Store);
        var trail = AuditTrail.For(db, Reminders.Entity, "S1/C02/2025-06").Select(a => (a.At, a.User, a.Action, a.Field, a.NewValue, a.Reason)).ToList();
        trail.ShouldBe(new (DateTimeOffset, string, string, string?, string?, string?)[]
        {
            (at, "office.wang", "remind", "recipient", "C02", "请于今日下班前报送"),
            (at, "office.wang", "remind", "recipient", "TJJ", "请于今日下班前报送"),
            (readAt, "reporter.c02", "read", "read_by", "reporter.c02", $"reminder {id}"),
        });
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public void Send_ToAll_RemindsEveryLateUnit_AndRefusals_HaveCodes(StoreProvider provider)
    {
        using var w = Seed(stores.NewMigrated(provider));
        var reminders = new Reminders(w.Db, w.Clock);
        var sent = reminders.Send(w.Office, w.Scheme.Id, "2025-06", null, null);
        sent.Select(r => (r.UnitId, r.RecipientUnitId)).ShouldBe([
            (w.Unit("C02"), w.Unit("C02")), (w.Unit("C02"), w.Unit("TJJ")),
            (w.Unit("C03"), w.Unit("C03")), (w.Unit("C03"), w.Unit("TJJ"))]);
        sent.ShouldAllBe(r => r.Message == null);
        reminders.Unread(Actor.Department("tjj.li", w.Unit("TJJ"))).Count.ShouldBe(2);

        WorkflowException notLate = Should.Throw<WorkflowException>(() => reminders.Send(w.Office, w.Scheme.Id, "2025-06", [w.Unit("C01")], null));
        notLate.Code.ShouldBe(WorkflowCodes.NotLate);
        notLate.Args.ShouldBe(["C01", "2025-06"]);
        notLate.Message.ShouldContain("nothing to remind it of", customMessage: "the CLI keeps the English text");
        Should.Throw<AccessDeniedException>(() => reminders.Send(w.ReporterOf("C01"), w.Scheme.Id, "2025-06", null, null)).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        Should.Throw<NotFoundException>(() => reminders.Send(w.Office, w.Scheme.Id, "2025-09", null, null)).Code.ShouldBe(WorkflowCodes.NoPeriod);
        using SaimaDb db = SaimaDb.Open(w.Store);
        db.Reminders.Count().ShouldBe(4, "refused sends store nothing");
    }

    /// <summary>2025-06 open: C01 and C04 submitted Rev, and the bureau their Emp; C02 has a draft Rev; C03 nothing.</summary>
    private static World Seed(StoreOptions store)
    {
        var w = new World(store);
        w.CreateScheme(Json, Indicators);
        w.Open("2025-06");
        Actor tjj = Actor.Department("tjj.li", w.Unit("TJJ"));
        foreach (string unit in new[] { "C01", "C04" })
        {
            Figure rev = w.Figures.SaveDraft(w.ReporterOf(unit), w.Scheme.Id, w.Unit(unit), w.Indicator("Rev"), "2025-06", 10);
            w.Figures.Submit(w.ReporterOf(unit), rev.Id);
            Figure emp = w.Figures.SaveDraft(tjj, w.Scheme.Id, w.Unit(unit), w.Indicator("Emp"), "2025-06", 5);
            w.Figures.Submit(tjj, emp.Id);
        }

        w.Figures.SaveDraft(w.ReporterOf("C02"), w.Scheme.Id, w.Unit("C02"), w.Indicator("Rev"), "2025-06", 7);
        return w;
    }
}
