using Saima.Data.Store;
using Saima.Testing;

namespace Saima.Data.Tests.Store;

/// <summary>The analysis doors: adopting a target (role and scope), and the scheme's analysis settings used at the next publication.</summary>
[Collection(StoresCollection.Name)]
public sealed class AnalysisServiceTests(Stores stores)
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AdoptTarget_OfficeAndReviewerInScope_OthersRefused(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        long c01 = db.Units.Single(u => u.Code == "C01").Id, c02 = db.Units.Single(u => u.Code == "C02").Id;
        var service = new AnalysisService(db, TimeProvider.System);

        Target t = await service.AdoptTargetAsync(Actor.Office("office.wang"), scheme, c01, "REV", 2026, 61.5, null);
        t.Value.ShouldBe(61.5);
        db.Audit.Single(a => a.Entity == "target" && a.EntityKey == "T/C01/REV/2026").Reason.ShouldBe("adopted from what it takes");

        await service.AdoptTargetAsync(Actor.Reviewer("reviewer.c02", c02), scheme, c02, "REV", 2026, 70, "对标先进");
        db.Targets.Single(x => x.UnitId == c02 && x.Year == 2026).Value.ShouldBe(70);

        (await Should.ThrowAsync<AccessDeniedException>(() => service.AdoptTargetAsync(Actor.Reviewer("reviewer.c02", c02), scheme, c01, "REV", 2026, 1, null)))
            .Code.ShouldBe(WorkflowCodes.AnalysisScope);
        (await Should.ThrowAsync<AccessDeniedException>(() => service.AdoptTargetAsync(Actor.Reporter("reporter.c01", c01), scheme, c01, "REV", 2026, 1, null)))
            .Code.ShouldBe(WorkflowCodes.AnalysisScope);
        (await Should.ThrowAsync<AccessDeniedException>(() => service.AdoptTargetAsync(Actor.Leader("leader"), scheme, c01, "REV", 2026, 1, null)))
            .Code.ShouldBe(WorkflowCodes.AnalysisScope);
        db.Targets.Single(x => x.UnitId == c01 && x.Year == 2026).Value.ShouldBe(61.5, "a refusal stores nothing");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Settings_InvalidRefused_ValidStoredAndAudited(StoreProvider provider)
    {
        StoreOptions store = stores.NewLeague(provider);
        using SaimaDb db = SaimaDb.Open(store);
        long scheme = db.Schemes.Single(s => s.Code == "T").Id;
        var service = new AnalysisService(db, TimeProvider.System);
        Actor office = Actor.Office("office.wang");

        (await Should.ThrowAsync<WorkflowException>(() => service.SetSettingsAsync(office, scheme, "{\"normalise\": 3}", [])))
            .Code.ShouldBe(WorkflowCodes.AnalysisInvalid);
        (await Should.ThrowAsync<WorkflowException>(() => service.SetSettingsAsync(office, scheme, null, ["NOPE"])))
            .Code.ShouldBe(WorkflowCodes.AnalysisInvalid);
        (await Should.ThrowAsync<AccessDeniedException>(() => service.SetSettingsAsync(Actor.Leader("leader"), scheme, null, [])))
            .Code.ShouldBe(WorkflowCodes.OfficeOnly);
        (await service.SettingsAsync(scheme)).ShouldBeNull();

        const string Alt = """{"aggregate": [{"method": "geometric"}]}""";
        await service.SetSettingsAsync(office, scheme, Alt, ["GDP", "AIR"]);

        AnalysisSettings stored = (await service.SettingsAsync(scheme)).ShouldNotBeNull();
        stored.AlternativesJson.ShouldBe(Alt);
        stored.ContextIndicators.ShouldBe("GDP,AIR");
        db.Audit.Count(a => a.Field == "analysis_alternatives" || a.Field == "analysis_context").ShouldBe(2);
    }
}
