using System.Globalization;
using System.Text;
using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Major projects (重大项目) on both stores: a project from signing to closure, the stages in
/// order with evidence, overdue flags by the injected clock, monthly plan vs done, who may see
/// and do what, and the all-or-nothing import of a batch.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ProjectServiceTests(Stores stores)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

    private static ProjectSpec Spec(long batch, string code = "P-601", string owner = "C01") =>
        new(batch, code, "新能源汽车零部件产业园", owner, "产业项目", 120_000, new DateOnly(2025, 3, 1), new DateOnly(2025, 6, 15), new DateOnly(2026, 6, 30));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Project_GoesFromSigning_ThroughStagesWithEvidence_ToCloseOut_AndEveryStepIsAudited(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var projects = new ProjectService(w.Db, w.Clock);
        Actor unit = w.ReporterOf("C01");
        ProjectBatch batch = await projects.CreateBatchAsync(w.Office, "第六批", new DateOnly(2025, 2, 1));
        Project p = await projects.AddAsync(w.Office, Spec(batch.Id));

        (await Should.ThrowAsync<WorkflowException>(() => projects.RecordStageAsync(unit, p.Id, ProjectStage.Started, new DateOnly(2025, 6, 1))))
            .Code.ShouldBe(WorkflowCodes.ProjectStageOrder);
        (await Should.ThrowAsync<WorkflowException>(() => projects.RecordStageAsync(unit, p.Id, ProjectStage.Signed, new DateOnly(2025, 3, 1))))
            .Code.ShouldBe(WorkflowCodes.ProjectNoEvidence);
        (await Should.ThrowAsync<WorkflowException>(() => projects.RecordStageAsync(unit, p.Id, ProjectStage.Signed, new DateOnly(2025, 7, 2), "签约.pdf", new MemoryStream(Pdf))))
            .Code.ShouldBe(WorkflowCodes.ProjectStageOrder, "a stage is not reached in the future");

        await projects.RecordStageAsync(unit, p.Id, ProjectStage.Signed, new DateOnly(2025, 3, 1), "签约协议.pdf", new MemoryStream(Pdf));
        await projects.AddEvidenceAsync(unit, p.Id, ProjectStage.Started, "开工许可.pdf", new MemoryStream(Pdf));
        (await Should.ThrowAsync<WorkflowException>(() => projects.RecordStageAsync(unit, p.Id, ProjectStage.Started, new DateOnly(2025, 2, 1))))
            .Code.ShouldBe(WorkflowCodes.ProjectStageOrder, "not before the stage before");
        await projects.RecordStageAsync(unit, p.Id, ProjectStage.Started, new DateOnly(2025, 6, 10));
        (await Should.ThrowAsync<WorkflowException>(() => projects.CloseOutAsync(w.Office, p.Id, null))).Code.ShouldBe(WorkflowCodes.ProjectStageOrder);

        (await Should.ThrowAsync<AccessDeniedException>(() => projects.ReturnStageAsync(unit, p.Id, ProjectStage.Started, "日期有误"))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<WorkflowException>(() => projects.ReturnStageAsync(w.Office, p.Id, ProjectStage.Signed, "日期有误"))).Code.ShouldBe(WorkflowCodes.ProjectStageOrder);
        (await Should.ThrowAsync<WorkflowException>(() => projects.ReturnStageAsync(w.Office, p.Id, ProjectStage.Started, " "))).Code.ShouldBe(WorkflowCodes.ProjectReason);
        (await projects.ReturnStageAsync(w.Office, p.Id, ProjectStage.Started, "开工日期与施工许可不符")).StartedOn.ShouldBeNull();
        await projects.RecordStageAsync(unit, p.Id, ProjectStage.Started, new DateOnly(2025, 6, 12));
        await projects.RecordStageAsync(unit, p.Id, ProjectStage.Finished, new DateOnly(2025, 7, 1), "竣工验收.pdf", new MemoryStream(Pdf));

        Project closed = await projects.CloseOutAsync(w.Office, p.Id, "同意销号");
        closed.State.ShouldBe(ProjectState.Closed);
        closed.ClosedBy.ShouldBe(w.Office.Name);
        (await Should.ThrowAsync<WorkflowException>(() => projects.ReportInvestmentAsync(unit, p.Id, "2025-07", 10))).Code.ShouldBe(WorkflowCodes.ProjectState);

        ProjectView view = await projects.GetAsync(unit, p.Id);
        view.Stages.Select(s => s.Reached).ShouldBe([new DateOnly(2025, 3, 1), new DateOnly(2025, 6, 12), new DateOnly(2025, 7, 1)]);
        view.Evidence.Select(e => e.Stage).ShouldBe([ProjectStage.Signed, ProjectStage.Started, ProjectStage.Finished]);
        view.History.Select(h => h.Action).ShouldBe(["create", "evidence", "stage", "evidence", "stage", "return", "stage", "evidence", "stage", "close"]);
        view.History.Single(h => h.Action == "return").Reason.ShouldBe("开工日期与施工许可不符");
        view.Rights.ShouldBe(new ProjectRights(false, false, false, false, false, false));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Overdue_IsAStagePastItsPlannedDayWithoutAnActualDay_ByTheInjectedClock(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var projects = new ProjectService(w.Db, w.Clock);
        ProjectBatch batch = await projects.CreateBatchAsync(w.Office, "第六批", new DateOnly(2025, 2, 1));
        Project late = await projects.AddAsync(w.Office, Spec(batch.Id, "P-1"));
        Project onTime = await projects.AddAsync(w.Office, Spec(batch.Id, "P-2") with { StartedPlanned = new DateOnly(2025, 7, 1) });
        await projects.RecordStageAsync(w.Office, late.Id, ProjectStage.Signed, new DateOnly(2025, 3, 1), "a.pdf", new MemoryStream(Pdf));
        await projects.RecordStageAsync(w.Office, onTime.Id, ProjectStage.Signed, new DateOnly(2025, 3, 1), "a.pdf", new MemoryStream(Pdf));

        // Today is 2025-07-01 in the office's zone: P-1 was to start on 2025-06-15, P-2 today.
        ProjectPage page = await projects.ListAsync(w.Office, new ProjectFilter());
        page.Rows.Select(r => (r.Code, r.Overdue)).ShouldBe([("P-1", true), ("P-2", false)]);
        (await projects.ListAsync(w.Office, new ProjectFilter { OverdueOnly = true })).Rows.ShouldHaveSingleItem().Code.ShouldBe("P-1");
        (await projects.GetAsync(w.Office, late.Id)).Stages.Select(s => s.Overdue).ShouldBe([false, true, false]);

        w.Clock.Advance(TimeSpan.FromDays(1));
        (await projects.ListAsync(w.Office, new ProjectFilter { OverdueOnly = true })).Total.ShouldBe(2);
        (await projects.BatchesAsync(w.Office)).ShouldHaveSingleItem().ShouldBe(new ProjectBatchRow(batch.Id, "第六批", new DateOnly(2025, 2, 1), 2, 0, 2));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MonthlyInvestment_PlanByTheOffice_DoneByTheOwnerUnit_SumsTheYear(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var projects = new ProjectService(w.Db, w.Clock);
        Actor unit = w.ReporterOf("C01");
        ProjectBatch batch = await projects.CreateBatchAsync(w.Office, "第六批", new DateOnly(2025, 2, 1));
        Project p = await projects.AddAsync(w.Office, Spec(batch.Id));

        await projects.SetPlanAsync(w.Office, p.Id, "2025-05", 1000);
        await projects.SetPlanAsync(w.Office, p.Id, "2025-06", 3000);
        await projects.SetPlanAsync(w.Office, p.Id, "2024-12", 999);
        await projects.ReportInvestmentAsync(unit, p.Id, "2025-05", 800);
        await projects.ReportInvestmentAsync(unit, p.Id, "2025-06", 2000);
        await projects.ReportInvestmentAsync(unit, p.Id, "2025-06", 2200);
        (await Should.ThrowAsync<AccessDeniedException>(() => projects.SetPlanAsync(unit, p.Id, "2025-07", 1))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<ProjectInvalidException>(() => projects.ReportInvestmentAsync(unit, p.Id, "2025-08", 1))).Errors.ShouldHaveSingleItem().Field.ShouldBe("month");
        (await Should.ThrowAsync<ProjectInvalidException>(() => projects.ReportInvestmentAsync(unit, p.Id, "2025-6", 1))).Code.ShouldBe(WorkflowCodes.ProjectInvalid);
        (await Should.ThrowAsync<ProjectInvalidException>(() => projects.ReportInvestmentAsync(unit, p.Id, "2025-06", -5))).Errors.ShouldHaveSingleItem().Field.ShouldBe("done");

        ProjectRow row = (await projects.ListAsync(unit, new ProjectFilter())).Rows.ShouldHaveSingleItem();
        row.YearPlanned.ShouldBe(4000);
        row.YearDone.ShouldBe(3000);
        row.Rate.ShouldBe(0.75);
        ProjectView view = await projects.GetAsync(unit, p.Id);
        view.Investments.Select(i => (i.Month, i.Planned, i.Done)).ShouldBe([("2024-12", (double?)999, (double?)null), ("2025-05", 1000, 800), ("2025-06", 3000, 2200)]);
        view.History.Count(h => h.Field == "done:2025-06").ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AUnitSeesAndActsOnItsOwnProjectsOnly_LeadersRead_OnlyTheOfficeAdds(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var projects = new ProjectService(w.Db, w.Clock);
        ProjectBatch batch = await projects.CreateBatchAsync(w.Office, "第六批", new DateOnly(2025, 2, 1));
        Project mine = await projects.AddAsync(w.Office, Spec(batch.Id, "P-1", "C01"));
        Project theirs = await projects.AddAsync(w.Office, Spec(batch.Id, "P-2", "C02"));
        Actor c01 = w.ReporterOf("C01");
        Actor leader = Actor.Leader("leader.chen");

        (await projects.ListAsync(c01, new ProjectFilter())).Rows.Select(r => r.Code).ShouldBe(["P-1"]);
        (await projects.ListAsync(leader, new ProjectFilter())).Total.ShouldBe(2);
        (await Should.ThrowAsync<NotFoundException>(() => projects.GetAsync(c01, theirs.Id))).Code.ShouldBe(WorkflowCodes.NoProject);
        (await Should.ThrowAsync<AccessDeniedException>(() => projects.ReportInvestmentAsync(c01, theirs.Id, "2025-06", 1))).Code.ShouldBe(WorkflowCodes.ProjectScope);
        (await Should.ThrowAsync<AccessDeniedException>(() => projects.ReportInvestmentAsync(leader, mine.Id, "2025-06", 1))).Code.ShouldBe(WorkflowCodes.ProjectScope);
        (await Should.ThrowAsync<AccessDeniedException>(() => projects.AddAsync(c01, Spec(batch.Id, "P-3")))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<WorkflowException>(() => projects.AddAsync(w.Office, Spec(batch.Id, "P-1")))).Code.ShouldBe(WorkflowCodes.ProjectCodeTaken);
        var invalid = await Should.ThrowAsync<ProjectInvalidException>(() => projects.AddAsync(w.Office, Spec(batch.Id, " ", "C99") with { PlannedInvestment = -1 }));
        invalid.Errors.Select(e => e.Field).ShouldBe(["code", "owner", "investment"]);
        (await projects.GetAsync(c01, mine.Id)).Rights.ShouldBe(new ProjectRights(true, false, true, true, false, false));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Import_WithOneBadRow_StoresNothing_AndNamesTheRow_ThenTheGoodFileStoresAll(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var projects = new ProjectService(w.Db, w.Clock);
        ProjectBatch batch = await projects.CreateBatchAsync(w.Office, "第六批", new DateOnly(2025, 2, 1));
        var excel = new ProjectExcel(w.Db, w.Clock);

        var bad = await Assert.ThrowsAsync<ProjectImportException>(() => excel.ImportAsync(w.Office, batch.Id, "第六批.xlsx", Book(78, badRow: 41)));
        bad.Code.ShouldBe(WorkflowCodes.ProjectImportInvalid);
        ImportError e = bad.Errors.ShouldHaveSingleItem();
        e.Row.ShouldBe(43);
        e.Column.ShouldBe("E 总投资（万元）");
        w.Db.Projects.Count().ShouldBe(0);

        (await excel.ImportAsync(w.Office, batch.Id, "第六批.xlsx", Book(78))).ShouldBe(78);
        w.Db.Projects.Count(p => p.BatchId == batch.Id).ShouldBe(78);
        var again = await Assert.ThrowsAsync<ProjectImportException>(() => excel.ImportAsync(w.Office, batch.Id, "第六批.xlsx", Book(1)));
        again.Errors.ShouldHaveSingleItem().Column.ShouldBe("A 项目编号");
        (await Should.ThrowAsync<AccessDeniedException>(() => excel.ImportAsync(w.ReporterOf("C01"), batch.Id, "x.xlsx", Book(1)))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
    }

    private static MemoryStream Book(int rows, int badRow = -1)
    {
        var output = new MemoryStream();
        using (var book = new XlsxBook(output))
        {
            book.BeginSheet("项目", new SheetSetup());
            book.Row([.. ProjectExcel.Columns.Select(h => XCell.Str(h))]);
            for (int i = 0; i < rows; i++)
            {
                book.Row(
                    XCell.Str(string.Create(CultureInfo.InvariantCulture, $"P6-{i:000}")), XCell.Str("重大产业项目"),
                    XCell.Str("C0" + ((i % 4) + 1).ToString(CultureInfo.InvariantCulture)), XCell.Str("产业项目"),
                    i == badRow ? XCell.Str("很多") : XCell.Num(1000 + i), XCell.Str("2025-03-01"), XCell.Str("2025-06-30"), XCell.Str("2026-12-31"));
            }

            book.EndSheet();
        }

        output.Position = 0;
        return output;
    }
}
