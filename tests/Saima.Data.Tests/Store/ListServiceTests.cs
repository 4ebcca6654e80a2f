using System.Text;
using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Lists and supervision on both stores: an item's life from open to 销号 and 回头看, who may
/// see and do what (owner, co-owner, other unit, leader), overdue items and the board's
/// resolution rate, drafts from red warnings at publication (once only), and Excel in and out.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ListServiceTests(Stores stores)
{
    private const string WarningJson = """
        { "name": "清单测试",
          "indicators": [ { "code": "Rev", "name": "一般公共预算收入", "parent": "Total" } ],
          "groups": [ { "code": "Total", "name": "综合得分" } ],
          "warnings": { "rules": [ { "level": "green", "minGap": 0 }, { "level": "yellow", "minGap": -10 }, { "level": "red" } ] } }
        """;

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

    private static ListItemSpec Spec(string owner = "C01", string[]? co = null, DateOnly? deadline = null, string title = "营商环境评价排名靠后") =>
        new(ListKind.Shortcoming, title, "市场主体满意度低于全市平均", owner, co, "张局长", deadline ?? new DateOnly(2025, 7, 31));

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Item_WalksFromOpen_ToCloseOut_AndFollowUp_ReopenedOnce_ThenConfirmed(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        Actor unit = w.ReporterOf("C01");

        ListItem item = await lists.CreateAsync(w.Office, Spec());
        item.State.ShouldBe(ListState.Open);
        await lists.StartAsync(unit, item.Id);
        ListMeasure m = await lists.AddMeasureAsync(unit, item.Id, "开展营商环境专项整治", "王科长", new DateOnly(2025, 7, 20));
        await lists.SetMeasureStateAsync(unit, m.Id, MeasureState.Done);

        (await Should.ThrowAsync<WorkflowException>(() => lists.SubmitAsync(unit, item.Id, "  "))).Code.ShouldBe(WorkflowCodes.ListNoEvidence);
        await lists.AddEvidenceAsync(unit, item.Id, "整改报告.pdf", new MemoryStream(Pdf));
        (await lists.SubmitAsync(unit, item.Id, null)).State.ShouldBe(ListState.Submitted);

        (await Should.ThrowAsync<AccessDeniedException>(() => lists.CloseOutAsync(unit, item.Id, null))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await Should.ThrowAsync<WorkflowException>(() => lists.ReturnAsync(w.Office, item.Id, " "))).Code.ShouldBe(WorkflowCodes.ListReason);
        (await lists.ReturnAsync(w.Office, item.Id, "佐证材料不全")).State.ShouldBe(ListState.Returned);
        await lists.SubmitAsync(unit, item.Id, "已补充满意度回访记录");
        ListItem closed = await lists.CloseOutAsync(w.Office, item.Id, "同意销号");
        closed.State.ShouldBe(ListState.Closed);
        closed.ClosedOn.ShouldBe(new DateOnly(2025, 7, 1));

        await lists.SetFollowUpAsync(w.Office, item.Id, new DateOnly(2025, 10, 1));
        (await lists.ReopenAsync(w.Office, item.Id, "回头看发现问题反弹")).State.ShouldBe(ListState.InProgress);
        await lists.SubmitAsync(unit, item.Id, "再次整改完成");
        await lists.CloseOutAsync(w.Office, item.Id, null);
        ListItem done = await lists.ConfirmFollowUpAsync(w.Office, item.Id, "回头看未反弹");

        done.State.ShouldBe(ListState.Confirmed);
        done.Reopened.ShouldBe(1);
        ListItemView view = await lists.GetAsync(w.Office, item.Id);
        view.History.Where(h => h.Field == "state").Select(h => h.NewValue).ShouldBe(
            ["open", "in_progress", "submitted", "returned", "submitted", "closed", "in_progress", "submitted", "closed", "confirmed"]);
        view.History.Single(h => h.Action == "return").Reason.ShouldBe("佐证材料不全");
        view.Evidence.ShouldHaveSingleItem().ContentType.ShouldBe("application/pdf");
        view.Measures.ShouldHaveSingleItem().State.ShouldBe(MeasureState.Done);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Units_SeeAndActOnTheirOwnAndCoOwnedItemsOnly_LeadersReadAll(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        ListItem shared = await lists.CreateAsync(w.Office, Spec("C01", ["C02"]));
        ListItem other = await lists.CreateAsync(w.Office, Spec("C03", title: "北湖县企业诉求办理慢"));
        Actor owner = w.ReporterOf("C01");
        Actor co = w.ReporterOf("C02");
        Actor stranger = w.ReporterOf("C04");
        Actor leader = Actor.Leader("leader.chen");

        (await lists.ListAsync(co, new ListFilter())).Rows.Select(r => r.Id).ShouldBe([shared.Id]);
        (await lists.ListAsync(stranger, new ListFilter())).Total.ShouldBe(0);
        (await lists.ListAsync(leader, new ListFilter())).Total.ShouldBe(2);
        (await Should.ThrowAsync<NotFoundException>(() => lists.GetAsync(stranger, shared.Id))).Code.ShouldBe(WorkflowCodes.NoListItem);
        (await Should.ThrowAsync<AccessDeniedException>(() => lists.StartAsync(stranger, shared.Id))).Code.ShouldBe(WorkflowCodes.ListScope);
        (await Should.ThrowAsync<AccessDeniedException>(() => lists.CommentAsync(leader, other.Id, "请加快"))).Code.ShouldBe(WorkflowCodes.ListScope);

        await lists.StartAsync(co, shared.Id);
        await lists.CommentAsync(co, shared.Id, "协办单位已对接");
        (await Should.ThrowAsync<AccessDeniedException>(() => lists.SubmitAsync(co, shared.Id, "完成"))).Code.ShouldBe(WorkflowCodes.ListNotOwner);
        (await lists.SubmitAsync(owner, shared.Id, "完成")).State.ShouldBe(ListState.Submitted);

        ListItemView seen = await lists.GetAsync(co, shared.Id);
        seen.Rights.Comment.ShouldBeTrue();
        seen.Rights.CloseOut.ShouldBeFalse();
        seen.CoOwners.ShouldBe([("C02", "临江县")]);
        (await lists.GetAsync(w.Office, shared.Id)).Rights.CloseOut.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Overdue_IsPastTheDeadlineInTheOfficesZone_AndTheBoardCountsTheResolutionRate(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        Actor unit = w.ReporterOf("C01");
        ListItem late = await lists.CreateAsync(w.Office, Spec(deadline: new DateOnly(2025, 7, 10), title: "逾期未办"));
        ListItem onTime = await lists.CreateAsync(w.Office, Spec(deadline: new DateOnly(2025, 7, 10), title: "按期办结"));
        ListItem closedLate = await lists.CreateAsync(w.Office, Spec(deadline: new DateOnly(2025, 7, 10), title: "超期办结"));
        await lists.CreateAsync(w.Office, Spec(deadline: new DateOnly(2025, 8, 31), title: "未到期"));
        await CloseAsync(lists, w.Office, unit, onTime.Id);
        await lists.StartAsync(unit, closedLate.Id);

        // 2025-07-10 23:30 in Beijing is 15:30 UTC: still the deadline's day, nothing is overdue.
        w.Clock.SetUtcNow(new DateTimeOffset(2025, 7, 10, 15, 30, 0, TimeSpan.Zero));
        (await lists.ListAsync(w.Office, new ListFilter { OverdueOnly = true })).Total.ShouldBe(0);
        w.Clock.SetUtcNow(new DateTimeOffset(2025, 7, 10, 16, 30, 0, TimeSpan.Zero));
        (await lists.ListAsync(w.Office, new ListFilter { OverdueOnly = true })).Rows.Select(r => r.Title).ShouldBe(["逾期未办", "超期办结"], ignoreOrder: true);
        await lists.SubmitAsync(unit, closedLate.Id, "办结");
        await lists.CloseOutAsync(w.Office, closedLate.Id, null);

        ListBoardRow row = (await lists.BoardAsync(w.Office)).ShouldHaveSingleItem();
        (row.UnitCode, row.Kind, row.Open, row.Overdue, row.Closed, row.Due, row.ClosedOnTime).ShouldBe(("C01", ListKind.Shortcoming, 2, 1, 2, 3, 1));
        row.Rate!.Value.ShouldBe(1.0 / 3, 1e-12);
        (await lists.ListAsync(unit, new ListFilter { DueBy = new DateOnly(2025, 7, 17) })).Rows.Select(r => r.Id).ShouldBe([late.Id]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Publishing_MakesADraftSupervisionItemPerRedWarning_OnceOnly_ForTheOfficeToConfirmOrDismiss(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme(WarningJson, [new(World.Revenue, "一般公共预算收入") { Dimension = "Total" }]);
        foreach (string u in new[] { "C01", "C02", "C03", "C04" })
        {
            w.Schemes.SetTarget(w.Office, w.Scheme.Id, w.Unit(u), w.Indicator(World.Revenue), 2025, 100);
        }

        // Completion 50 and 40 (red), 95 (yellow), 120 (green).
        Publication p = w.PublishRevenue("2025-06", ("C01", 50), ("C02", 95), ("C03", 120), ("C04", 40));
        var lists = new ListService(w.Db, w.Clock);

        ListPage drafts = await lists.ListAsync(w.Office, new ListFilter { State = ListState.Draft });
        drafts.Rows.Select(r => (r.OwnerCode, r.Kind, r.Source, r.SourceRef)).ShouldBe(
            [("C01", ListKind.Supervision, ListSource.RedWarning, "S1/2025-06/C01/Rev"), ("C04", ListKind.Supervision, ListSource.RedWarning, "S1/2025-06/C04/Rev")],
            ignoreOrder: true);
        (await lists.ListAsync(w.ReporterOf("C01"), new ListFilter())).Total.ShouldBe(0);

        ListService.DraftsFromWarnings(w.Db, w.Office, w.Scheme, "2025-06", p.Results.Id, w.Clock.GetUtcNow()).ShouldBe(0);
        (await lists.ListAsync(w.Office, new ListFilter())).Total.ShouldBe(2);

        long c01 = drafts.Rows.Single(r => r.OwnerCode == "C01").Id;
        long c04 = drafts.Rows.Single(r => r.OwnerCode == "C04").Id;
        (await Should.ThrowAsync<NotFoundException>(() => lists.StartAsync(w.ReporterOf("C01"), c01))).Code.ShouldBe(WorkflowCodes.NoListItem);
        (await Should.ThrowAsync<AccessDeniedException>(() => lists.ConfirmDraftAsync(w.ReporterOf("C01"), c01, null, null))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
        ListItem confirmed = await lists.ConfirmDraftAsync(w.Office, c01, new DateOnly(2025, 8, 31), "李县长");
        (confirmed.State, confirmed.Deadline, confirmed.Responsible).ShouldBe((ListState.Open, new DateOnly(2025, 8, 31), "李县长"));
        (await Should.ThrowAsync<WorkflowException>(() => lists.DismissAsync(w.Office, c04, ""))).Code.ShouldBe(WorkflowCodes.ListReason);
        (await lists.DismissAsync(w.Office, c04, "已另行约谈")).State.ShouldBe(ListState.Dismissed);
        (await Should.ThrowAsync<WorkflowException>(() => lists.DismissAsync(w.Office, c01, "重复"))).Code.ShouldBe(WorkflowCodes.ListState);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Import_ThousandRowsMadeByLibreOffice_OneBadRow_StoresNothing_AndNamesTheRow_TheGoodFileStoresAll(StoreProvider provider)
    {
        // lists_bad/lists_good.csv (1,000 items; in the bad one item 637 names unit C99), turned
        // into .xlsx by LibreOffice Calc (scripts/test.sh converts them afresh on each run).
        using var w = new World(stores.NewMigrated(provider));
        var excel = new ListExcel(w.Db, w.Clock);

        await using (FileStream badFile = File.OpenRead(Saima.Data.Tests.Intake.IntakeData.Path("lists_bad.lo.xlsx")))
        {
            var bad = await Assert.ThrowsAsync<ListImportException>(() => excel.ImportAsync(w.Office, "督办清单.xlsx", badFile));
            ImportError e = bad.Errors.ShouldHaveSingleItem();
            (e.Sheet, e.Row, e.Column).ShouldBe(("督办清单.xlsx", 639, "D 责任单位"));
            e.ReasonEn.ShouldContain("'C99'");
        }

        w.Db.ListItems.Count().ShouldBe(0);
        await using FileStream good = File.OpenRead(Saima.Data.Tests.Intake.IntakeData.Path("lists_good.lo.xlsx"));
        (await excel.ImportAsync(w.Office, "督办清单.xlsx", good)).ShouldBe(1000);
        var lists = new ListService(w.Db, w.Clock);
        ListRow row = (await lists.ListAsync(w.Office, new ListFilter { Search = "第 998 项", PageSize = 10 })).Rows.ShouldHaveSingleItem();
        (row.Kind, row.OwnerCode, row.Deadline).ShouldBe((ListKind.Supervision, "C03", new DateOnly(2025, 9, 30)));
        w.Db.ListItems.Count(i => i.Kind == ListKind.Enterprise).ShouldBe(250);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Import_ThousandRowsWithOneBadRow_StoresNothing_AndNamesTheRowAndColumn_ThenTheGoodFileStoresAll(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var excel = new ListExcel(w.Db, w.Clock);

        var bad = await Assert.ThrowsAsync<ListImportException>(() => excel.ImportAsync(w.Office, "问题清单.xlsx", Book(1000, badRow: 637)));

        bad.Code.ShouldBe(WorkflowCodes.ListImportInvalid);
        ImportError e = bad.Errors.ShouldHaveSingleItem();
        (e.Sheet, e.Row, e.Column).ShouldBe(("问题清单.xlsx", 639, "D 责任单位"));
        e.ReasonEn.ShouldContain("no unit with code or name 'C99'");
        bad.Message.ShouldContain("问题清单.xlsx");
        w.Db.ListItems.Count().ShouldBe(0);

        (await excel.ImportAsync(w.Office, "问题清单.xlsx", Book(1000))).ShouldBe(1000);
        var lists = new ListService(w.Db, w.Clock);
        ListPage page = await lists.ListAsync(w.Office, new ListFilter { Search = "第 999 项", PageSize = 10 });
        ListRow row = page.Rows.ShouldHaveSingleItem();
        (row.Kind, row.OwnerCode, row.Deadline).ShouldBe((ListKind.Enterprise, "C04", new DateOnly(2025, 9, 30)));
        (await lists.GetAsync(w.Office, row.Id)).CoOwners.ShouldBe([("C01", "青山区")]);
        (await lists.ListAsync(w.Office, new ListFilter { PageSize = 1000 })).Rows.Count.ShouldBe(ListService.MaxPageSize);
        (await Should.ThrowAsync<AccessDeniedException>(() => excel.ImportAsync(w.ReporterOf("C01"), "x.xlsx", Book(1)))).Code.ShouldBe(WorkflowCodes.OfficeOnly);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Export_WritesTheFilteredList_InTheImportsColumns(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        var lists = new ListService(w.Db, w.Clock);
        await lists.CreateAsync(w.Office, Spec("C01"));
        await lists.CreateAsync(w.Office, Spec("C02", title: "临江县承诺事项") with { Kind = ListKind.Commitment });

        IReadOnlyList<ListRow> rows = await lists.AllAsync(w.Office, new ListFilter { Kind = ListKind.Commitment }, 100);
        using var out1 = new MemoryStream();
        ListExcel.Export(rows, out1);
        out1.Position = 0;
        IntakeFile file = IntakeFile.Read(out1, "export.xlsx");

        IntakeRow[] read = [.. file.Sheets[0].Rows];
        read.Length.ShouldBe(2);
        read[1].Cells.Select(c => c?.ToString()).Skip(1).Take(5).ShouldBe(["承诺", "临江县承诺事项", "C02", "张局长", "2025-07-31"]);

        // What it exported reads back as a list.
        out1.Position = 0;
        (await new ListExcel(w.Db, w.Clock).ImportAsync(w.Office, "export.xlsx", out1)).ShouldBe(1);
    }

    private static async Task CloseAsync(ListService lists, Actor office, Actor unit, long id)
    {
        await lists.StartAsync(unit, id);
        await lists.SubmitAsync(unit, id, "办结");
        await lists.CloseOutAsync(office, id, null);
    }

    /// <summary>An .xlsx of <paramref name="rows"/> items (C01–C04 in turn) under a header in row 1; item <paramref name="badRow"/> (0-based, so sheet row badRow + 2) names a unit that does not exist.</summary>
    private static MemoryStream Book(int rows, int badRow = -1)
    {
        var output = new MemoryStream();
        using (var book = new XlsxBook(output))
        {
            book.BeginSheet("清单", new SheetSetup());
            book.Row([.. new[] { "类型", "标题", "问题描述", "责任单位", "协办单位", "责任人", "完成时限", "来源", "来源说明" }.Select(h => XCell.Str(h))]);
            string[] kinds = ["问题", "承诺", "督办", "企业诉求"];
            for (int i = 0; i < rows; i++)
            {
                string owner = i == badRow ? "C99" : "C0" + ((i % 4) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                book.Row(
                    XCell.Str(kinds[i % 4]), XCell.Str(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"第 {i} 项问题")), XCell.Str("描述"),
                    XCell.Str(owner), XCell.Str(i % 4 == 3 ? "C01" : string.Empty), XCell.Str("负责人"), XCell.Str("2025-09-30"),
                    XCell.Str(i % 2 == 0 ? "企业反映" : "实地督查"), XCell.Str("2025年第三批"));
            }

            book.EndSheet();
        }

        output.Position = 0;
        return output;
    }
}
